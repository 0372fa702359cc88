#include "probe/grabbers/rtsp.h"

namespace narrowscan {

std::string RtspGrabber::Request(const GrabTarget& target) const {
  return "OPTIONS rtsp://" + FormatIpv4(target.ip) + ":" + std::to_string(target.port) +
         "/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: narrowscan\r\n\r\n";
}

GrabStep RtspGrabber::OnData(std::string_view data) {
  Keep(data);
  const std::string_view text = banner_;
  return GrabStep{{},
                  text.find("\r\n\r\n") != std::string_view::npos ||
                      text.find("\n\n") != std::string_view::npos};
}

}  // namespace narrowscan

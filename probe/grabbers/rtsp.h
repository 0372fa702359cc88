// RTSP (RFC 2326 §10.1): "OPTIONS rtsp://ip:port/ RTSP/1.0"; the reply's status line
// and headers (Server, Public) identify most IP cameras. Done at the end of the headers.
#ifndef NARROWSCAN_PROBE_GRABBERS_RTSP_H_
#define NARROWSCAN_PROBE_GRABBERS_RTSP_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class RtspGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "rtsp"; }
  std::string Request(const GrabTarget& target) const override;

 protected:
  GrabStep OnData(std::string_view data) override;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_RTSP_H_

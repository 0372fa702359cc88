#include "probe/grabbers/ftp.h"

#include "probe/grabbers/reply_lines.h"

namespace narrowscan {

GrabStep FtpGrabber::OnData(std::string_view data) {
  Keep(data);
  return GrabStep{{}, HasCompleteCodedReply(banner_)};
}

}  // namespace narrowscan

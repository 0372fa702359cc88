#include "probe/grabbers/smtp.h"

#include "probe/grabbers/reply_lines.h"

namespace narrowscan {

GrabStep SmtpGrabber::OnData(std::string_view data) {
  Keep(data);
  return GrabStep{{}, HasCompleteCodedReply(banner_)};
}

}  // namespace narrowscan

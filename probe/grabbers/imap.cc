#include "probe/grabbers/imap.h"

#include "probe/grabbers/reply_lines.h"

namespace narrowscan {

GrabStep ImapGrabber::OnData(std::string_view data) {
  Keep(data);
  return GrabStep{{}, HasCompleteLine(banner_)};
}

}  // namespace narrowscan

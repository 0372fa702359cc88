#include "probe/grabbers/pop3.h"

#include "probe/grabbers/reply_lines.h"

namespace narrowscan {

GrabStep Pop3Grabber::OnData(std::string_view data) {
  Keep(data);
  return GrabStep{{}, HasCompleteLine(banner_)};
}

}  // namespace narrowscan

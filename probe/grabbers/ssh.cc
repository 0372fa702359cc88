#include "probe/grabbers/ssh.h"

namespace narrowscan {

GrabStep SshGrabber::OnData(std::string_view data) {
  Keep(data);
  // Done at the end of the line that starts with "SSH-" (earlier lines are allowed).
  std::string_view text = banner_;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return {};
    if (text.substr(start, 4) == "SSH-") return GrabStep{{}, true};
    start = end + 1;
  }
}

}  // namespace narrowscan

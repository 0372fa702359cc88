#include "probe/grabbers/reply_lines.h"

#include <cctype>

namespace narrowscan {

bool HasCompleteLine(std::string_view text) { return text.find('\n') != std::string_view::npos; }

bool HasCompleteCodedReply(std::string_view text) {
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return false;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool coded = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                       std::isdigit(static_cast<unsigned char>(line[1])) &&
                       std::isdigit(static_cast<unsigned char>(line[2]));
    // A line that is not "ddd-" ends the reply; so does any line that is not coded at
    // all when it is the first (a non-conforming one-line greeting).
    if (!coded) {
      if (start == 0) return true;
    } else if (line.size() == 3 || line[3] != '-') {
      return true;
    }
    start = end + 1;
  }
}

}  // namespace narrowscan

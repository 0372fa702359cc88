// Completion tests for the line-oriented greetings of server-first protocols.
#ifndef NARROWSCAN_PROBE_GRABBERS_REPLY_LINES_H_
#define NARROWSCAN_PROBE_GRABBERS_REPLY_LINES_H_

#include <string_view>

namespace narrowscan {

// True when `text` holds at least one line terminated by '\n'.
bool HasCompleteLine(std::string_view text);

// FTP and SMTP replies (RFC 959 §4.2, RFC 5321 §4.2): "220-…" lines continue a reply,
// which ends with a line "ddd …" (code then space) or a bare "ddd" line. True when the
// first reply in `text` is complete.
bool HasCompleteCodedReply(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_REPLY_LINES_H_

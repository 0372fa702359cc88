// Telnet (RFC 854): refuses every option the server asks for or offers (DO x → WONT x,
// WILL x → DONT x) so that a plain login prompt follows, and keeps the text with the
// IAC negotiation removed. Negotiation sequences may be split across reads: the parser
// state survives between Feed() calls. Done when the text ends like a prompt
// ("login: ", "Password:", "> ", "# ", "$ "); otherwise the session's idle gap ends it.
#ifndef NARROWSCAN_PROBE_GRABBERS_TELNET_H_
#define NARROWSCAN_PROBE_GRABBERS_TELNET_H_

#include <cstdint>

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class TelnetGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "telnet"; }

 protected:
  GrabStep OnData(std::string_view data) override;

 private:
  enum class State : uint8_t { kText, kIac, kOption, kSub, kSubIac };
  State state_ = State::kText;
  uint8_t verb_ = 0;
  size_t negotiations_ = 0;  // bounds how many refusals one server can make us send
};

// True when the stripped telnet text looks like it waits for input.
bool LooksLikePrompt(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_TELNET_H_

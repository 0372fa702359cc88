#include "probe/grabbers/telnet.h"

namespace narrowscan {
namespace {

constexpr uint8_t kIac = 255, kDont = 254, kDo = 253, kWont = 252, kWill = 251, kSb = 250,
                  kSe = 240;
constexpr size_t kMaxNegotiations = 64;

}  // namespace

bool LooksLikePrompt(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return false;
  const char last = text.back();
  return last == ':' || last == '>' || last == '#' || last == '$';
}

GrabStep TelnetGrabber::OnData(std::string_view data) {
  GrabStep step;
  std::string text;
  for (char c : data) {
    const uint8_t b = static_cast<uint8_t>(c);
    switch (state_) {
      case State::kText:
        if (b == kIac) {
          state_ = State::kIac;
        } else if (b != 0) {
          text.push_back(c);
        }
        break;
      case State::kIac:
        if (b == kIac) {  // escaped 0xFF data byte
          text.push_back(c);
          state_ = State::kText;
        } else if (b == kDo || b == kDont || b == kWill || b == kWont) {
          verb_ = b;
          state_ = State::kOption;
        } else if (b == kSb) {
          state_ = State::kSub;
        } else {
          state_ = State::kText;  // two-byte command (NOP, GA, …)
        }
        break;
      case State::kOption:
        // Refuse what is asked or offered; acknowledgements of refusals need no answer.
        if (negotiations_ < kMaxNegotiations && (verb_ == kDo || verb_ == kWill)) {
          ++negotiations_;
          step.reply.push_back(static_cast<char>(kIac));
          step.reply.push_back(static_cast<char>(verb_ == kDo ? kWont : kDont));
          step.reply.push_back(c);
        }
        state_ = State::kText;
        break;
      case State::kSub:
        if (b == kIac) state_ = State::kSubIac;
        break;
      case State::kSubIac:
        state_ = b == kSe ? State::kText : State::kSub;
        break;
    }
  }
  Keep(text);
  step.done = !banner_.empty() && LooksLikePrompt(banner_);
  return step;
}

}  // namespace narrowscan

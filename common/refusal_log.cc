#include "common/refusal_log.h"

#include <fmt/format.h>

#include <cctype>

namespace narrowscan {

RefusalLog::RefusalLog(Sink sink, std::chrono::seconds window, size_t max_reasons)
    : sink_(std::move(sink)), window_(window), max_reasons_(max_reasons) {}

std::string RefusalLog::ReasonOf(std::string_view message) {
  std::string out;
  bool in_digits = false;
  for (char c : message) {
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (digit && !in_digits) out += '#';
    if (!digit) out += c;
    in_digits = digit;
  }
  return out;
}

void RefusalLog::EndWindow() {
  const auto seconds = window_.count();
  for (const auto& [reason, g] : groups_)
    if (g.suppressed > 0)
      sink_(fmt::format("refused {} more in the last {} s: {}", g.suppressed, seconds, g.last));
  if (overflow_ > 0)
    sink_(fmt::format("refused {} more in the last {} s for other reasons", overflow_, seconds));
  groups_.clear();
  overflow_ = 0;
}

void RefusalLog::Flush(Clock::time_point now) {
  if (started_ && now - window_start_ >= window_) {
    EndWindow();
    started_ = false;
  }
}

void RefusalLog::Note(std::string_view message, Clock::time_point now) {
  ++total_;
  Flush(now);
  if (!started_) {
    window_start_ = now;
    started_ = true;
  }
  std::string reason = ReasonOf(message);
  auto it = groups_.find(reason);
  if (it == groups_.end()) {
    if (groups_.size() >= max_reasons_) {
      ++overflow_;
      return;
    }
    groups_.emplace(std::move(reason), Group{});
    sink_(std::string(message));
    return;
  }
  ++it->second.suppressed;
  it->second.last.assign(message);
}

}  // namespace narrowscan

// RefusalLog: refusals that happen in a loop (bad MQTT messages, refused report batches,
// bad input lines) logged aggregated and rate limited, so a flood cannot fill the disk.
//
// Refusals are grouped by reason: the message with every run of digits read as one
// symbol ("round 5 seq 7" and "round 6 seq 9" are one reason). The first refusal of a
// reason in a window (a minute) is written in full; the rest of that window are only
// counted, and when the window is over one line per reason gives the count and the last
// message: "refused 1234 more in the last 60 s: <last>". At most `max_reasons` reasons
// are tracked per window; the others are counted together. Time is passed in, so the
// class is pure and testable.
#ifndef NARROWSCAN_COMMON_REFUSAL_LOG_H_
#define NARROWSCAN_COMMON_REFUSAL_LOG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace narrowscan {

class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(const std::string& line)>;

  explicit RefusalLog(Sink sink, std::chrono::seconds window = std::chrono::seconds(60),
                      size_t max_reasons = 64);

  // One refusal; writes `message` when it is the first of its reason in the window.
  // Ends a window that has passed first.
  void Note(std::string_view message, Clock::time_point now = Clock::now());
  // Ends the window if it has passed (call it now and then, e.g. from the main loop).
  void Flush(Clock::time_point now = Clock::now());
  uint64_t total() const { return total_; }

  // The grouping key of a message (digits runs → '#').
  static std::string ReasonOf(std::string_view message);

 private:
  struct Group {
    uint64_t suppressed = 0;
    std::string last;
  };
  void EndWindow();

  Sink sink_;
  std::chrono::seconds window_;
  size_t max_reasons_;
  Clock::time_point window_start_{};
  bool started_ = false;
  std::map<std::string, Group> groups_;
  uint64_t overflow_ = 0;  // refusals of reasons beyond max_reasons_
  uint64_t total_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_REFUSAL_LOG_H_

#include "probe/standalone/scan_report.h"

#include <fmt/format.h>

namespace narrowscan {
namespace {

std::string Duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

}  // namespace

std::string FormatProgress(const ScanCounters::Snapshot& c, uint64_t total, double elapsed) {
  const double rate = elapsed > 0 ? double(c.attempts) / elapsed : 0;
  const double fraction = total > 0 ? std::min(1.0, double(c.done) / double(total)) : 1.0;
  const double eta = rate > 0 ? double(total > c.done ? total - c.done : 0) / rate : 0;
  return fmt::format("sent {}  rate {:.0f}/s  done {:.1f}%  ETA {}  open {}", c.attempts, rate,
                     100 * fraction, Duration(eta), c.open);
}

std::string FormatSummary(const ScanCounters::Snapshot& c, double elapsed, bool interrupted) {
  return fmt::format(
      "{} in {:.2f}s: {} attempts ({:.1f}/s), {} open, {} closed, {} timeout, {} errors, "
      "{} excluded; {} bytes sent, {} received",
      interrupted ? "interrupted" : "done", elapsed, c.attempts, c.AttemptRate(), c.open, c.closed,
      c.timeout, c.errors, c.excluded, c.bytes_sent, c.bytes_received);
}

nlohmann::json SummaryJson(const ScanCounters::Snapshot& c, double elapsed, bool interrupted) {
  return {{"complete", !interrupted},
          {"elapsed_s", elapsed},
          {"attempts", c.attempts},
          {"attempt_rate", c.AttemptRate()},
          {"open", c.open},
          {"closed", c.closed},
          {"timeout", c.timeout},
          {"errors", c.errors},
          {"excluded", c.excluded},
          {"bytes_sent", c.bytes_sent},
          {"bytes_received", c.bytes_received}};
}

}  // namespace narrowscan

// Counters of one scan. Written only by the engine's io_context thread; read from any
// thread (progress display, MQTT status heartbeat), hence relaxed atomics.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_COUNTERS_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_COUNTERS_H_

#include <atomic>
#include <cstdint>

namespace narrowscan {

struct ScanCounters {
  std::atomic<uint64_t> attempts{0};    // connection attempts (or SYNs sent)
  std::atomic<uint64_t> excluded{0};    // pairs skipped by scope or exclusion check
  std::atomic<uint64_t> bytes_sent{0};  // payload bytes (TCP payload; SYN mode: packet bytes)
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> open{0};
  std::atomic<uint64_t> closed{0};
  std::atomic<uint64_t> timeout{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> in_flight{0};
  std::atomic<uint64_t> done{0};  // pairs finished: excluded + reported
  // Monotonic time (ns) of the first and the latest attempt: attempts / span is the
  // achieved rate.
  std::atomic<int64_t> first_attempt_ns{0};
  std::atomic<int64_t> last_attempt_ns{0};

  struct Snapshot {
    uint64_t attempts, excluded, bytes_sent, bytes_received, open, closed, timeout, errors,
        in_flight, done;
    int64_t first_attempt_ns, last_attempt_ns;
    // Attempts per second between the first and the latest attempt (0 with < 2).
    double AttemptRate() const {
      if (attempts < 2 || last_attempt_ns <= first_attempt_ns) return 0;
      return double(attempts - 1) * 1e9 / double(last_attempt_ns - first_attempt_ns);
    }
  };
  Snapshot Read() const {
    auto r = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    return Snapshot{r(attempts),
                    r(excluded),
                    r(bytes_sent),
                    r(bytes_received),
                    r(open),
                    r(closed),
                    r(timeout),
                    r(errors),
                    r(in_flight),
                    r(done),
                    first_attempt_ns.load(std::memory_order_relaxed),
                    last_attempt_ns.load(std::memory_order_relaxed)};
  }
};

inline void Bump(std::atomic<uint64_t>& counter, uint64_t by = 1) {
  counter.fetch_add(by, std::memory_order_relaxed);
}

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SCAN_COUNTERS_H_

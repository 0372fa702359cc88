// RateLimiter: token buckets for a global rate and a per-/24 cap.
//
// The clock is injected so tests are exact and fast. Rates from 0.1/s to 100k/s:
// tokens are kept as doubles refilled from the elapsed time, and the burst is
// bounded (max(1, rate * 10 ms)) so a long pause does not release a flood. Buckets
// start full. Not thread-safe: one limiter per event loop.
#ifndef NARROWSCAN_COMMON_RATE_LIMITER_H_
#define NARROWSCAN_COMMON_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "common/ipv4.h"

namespace narrowscan {

// A monotonic clock as nanoseconds since an arbitrary epoch.
using Clock = std::function<int64_t()>;
Clock SteadyClock();

class TokenBucket {
 public:
  // rate: tokens per second (> 0). burst: the most tokens held at once (>= 1).
  TokenBucket(double rate, double burst, int64_t now_ns);
  // Takes one token if available at `now_ns`.
  bool TryTake(int64_t now_ns);
  // True when a token is available at `now_ns` (takes none).
  bool HasToken(int64_t now_ns);
  // True when the bucket holds its whole burst: indistinguishable from a new one.
  bool Full(int64_t now_ns) const;
  // Nanoseconds from now_ns until a token is available (0 if one is now).
  int64_t WaitNs(int64_t now_ns) const;

 private:
  void Refill(int64_t now_ns);
  double TokensAt(int64_t now_ns) const;
  double rate_, burst_, tokens_;
  int64_t last_ns_;
};

class RateLimiter {
 public:
  // global_rate: attempts/s over everything; per24_rate: attempts/s to any one /24
  // (0 = no per-/24 cap).
  RateLimiter(double global_rate, double per24_rate, Clock clock);

  // True when one attempt to `address` may go now; it is then charged to both buckets.
  // A refusal charges nothing.
  bool TryAcquire(Ipv4 address);
  // Nanoseconds until the global bucket has a token (for sleeping in the event loop).
  int64_t GlobalWaitNs() const;
  // Nanoseconds until an attempt to `address` would pass both the global bucket and
  // the cap of its /24 (0 if it would pass now).
  int64_t WaitNs(Ipv4 address) const;

 private:
  Clock clock_;
  TokenBucket global_;
  double per24_rate_;
  std::unordered_map<uint32_t, TokenBucket> per24_;  // pruned when full buckets pile up
  size_t prune_at_ = 4096;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_RATE_LIMITER_H_

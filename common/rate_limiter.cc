#include "common/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace narrowscan {
namespace {

constexpr double kNsPerSecond = 1e9;
// Bursts are bounded to this many seconds of tokens: enough to absorb event-loop
// wake-up jitter at 100k/s, small enough that a pause never releases a flood.
constexpr double kBurstSeconds = 0.01;
// Per-/24 buckets are pruned once this many exist; full buckets are dropped because
// a fresh bucket starts full and so behaves exactly like them.
constexpr size_t kPer24PruneThreshold = 4096;

double BurstFor(double rate) { return std::max(1.0, rate * kBurstSeconds); }

}  // namespace

Clock SteadyClock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

TokenBucket::TokenBucket(double rate, double burst, int64_t now_ns)
    : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_), last_ns_(now_ns) {
  assert(rate > 0);
}

void TokenBucket::Refill(int64_t now_ns) {
  if (now_ns <= last_ns_) return;
  tokens_ = TokensAt(now_ns);
  last_ns_ = now_ns;
}

bool TokenBucket::HasToken(int64_t now_ns) {
  Refill(now_ns);
  return tokens_ >= 1.0;
}

bool TokenBucket::Full(int64_t now_ns) const { return TokensAt(now_ns) >= burst_; }

bool TokenBucket::TryTake(int64_t now_ns) {
  Refill(now_ns);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

double TokenBucket::TokensAt(int64_t now_ns) const {
  if (now_ns <= last_ns_) return tokens_;  // a clock that stalls or steps back adds nothing
  return std::min(burst_, tokens_ + static_cast<double>(now_ns - last_ns_) * rate_ / kNsPerSecond);
}

int64_t TokenBucket::WaitNs(int64_t now_ns) const {
  const double tokens = TokensAt(now_ns);
  if (tokens >= 1.0) return 0;
  // Refill counts from last_ns_, so a `now_ns` before it waits that much longer.
  const int64_t behind = now_ns < last_ns_ ? last_ns_ - now_ns : 0;
  return behind + std::max<int64_t>(
                      1, static_cast<int64_t>(std::ceil((1.0 - tokens) / rate_ * kNsPerSecond)));
}

RateLimiter::RateLimiter(double global_rate, double per24_rate, Clock clock)
    : clock_(std::move(clock)),
      global_(global_rate, BurstFor(global_rate), clock_()),
      per24_rate_(per24_rate) {}

bool RateLimiter::TryAcquire(Ipv4 address) {
  const int64_t now = clock_();
  if (!global_.HasToken(now)) return false;
  if (per24_rate_ <= 0) return global_.TryTake(now);

  auto it = per24_.find(Slash24(address));
  if (it == per24_.end()) {
    if (per24_.size() >= prune_at_) {
      std::erase_if(per24_, [now](const auto& entry) { return entry.second.Full(now); });
      prune_at_ = std::max(kPer24PruneThreshold, per24_.size() * 2);
    }
    it = per24_.emplace(Slash24(address), TokenBucket(per24_rate_, BurstFor(per24_rate_), now))
             .first;
  }
  if (!it->second.TryTake(now)) return false;
  return global_.TryTake(now);
}

int64_t RateLimiter::GlobalWaitNs() const { return global_.WaitNs(clock_()); }

int64_t RateLimiter::WaitNs(Ipv4 address) const {
  const int64_t now = clock_();
  int64_t wait = global_.WaitNs(now);
  if (per24_rate_ > 0) {
    // A /24 without a bucket has never been charged (or was full when pruned).
    if (auto it = per24_.find(Slash24(address)); it != per24_.end()) {
      wait = std::max(wait, it->second.WaitNs(now));
    }
  }
  return wait;
}

}  // namespace narrowscan

#include "common/rate_limiter.h"

#include <gtest/gtest.h>

#include <cmath>

namespace narrowscan {
namespace {

// A simulated clock the test advances by hand.
struct FakeTime {
  int64_t now = 1'000'000'000;
  Clock clock() {
    return [this] { return now; };
  }
};

// Runs a limiter for `seconds` of simulated time, sleeping exactly as long as
// GlobalWaitNs() says (as the probe's event loop does), and returns attempts/s.
double MeasuredRate(double rate, double seconds) {
  FakeTime t;
  RateLimiter limiter(rate, 0, t.clock());
  const int64_t start = t.now;
  const int64_t end = start + static_cast<int64_t>(seconds * 1e9);
  uint64_t sent = 0;
  while (t.now < end) {
    if (limiter.TryAcquire(0x01020304)) {
      ++sent;
    } else {
      int64_t wait = limiter.GlobalWaitNs();
      EXPECT_GT(wait, 0);
      t.now += std::max<int64_t>(wait, 1);
    }
  }
  return static_cast<double>(sent) / seconds;
}

TEST(RateLimiter, LongRunRateWithinOnePercent) {
  struct Case {
    double rate, seconds;
  };
  for (Case c : {Case{0.5, 4000}, Case{0.1, 20000}, Case{100, 200}, Case{100'000, 5}}) {
    double got = MeasuredRate(c.rate, c.seconds);
    EXPECT_NEAR(got, c.rate, c.rate * 0.01) << "rate " << c.rate;
  }
}

TEST(RateLimiter, CoarseWakeupsStillHoldTheRate) {
  // An event loop that wakes every 1 ms at 100k/s: the burst absorbs the jitter.
  FakeTime t;
  RateLimiter limiter(100'000, 0, t.clock());
  uint64_t sent = 0;
  for (int tick = 0; tick < 2000; ++tick) {  // 2 s
    while (limiter.TryAcquire(1)) ++sent;
    t.now += 1'000'000;
  }
  EXPECT_NEAR(static_cast<double>(sent) / 2.0, 100'000, 1000);
}

TEST(RateLimiter, BurstIsBoundedAfterALongPause) {
  FakeTime t;
  RateLimiter limiter(1000, 0, t.clock());
  while (limiter.TryAcquire(1)) {
  }
  t.now += 3600 * int64_t{1'000'000'000};  // an hour idle
  int burst = 0;
  while (limiter.TryAcquire(1)) ++burst;
  EXPECT_LE(burst, 10);  // 10 ms worth at 1000/s
  EXPECT_GE(burst, 1);
}

TEST(RateLimiter, PerSlash24CapHoldsWhileOtherSubnetsProceed) {
  FakeTime t;
  RateLimiter limiter(10'000, 10, t.clock());
  const Ipv4 a = 0x01020304, a2 = 0x010203fe, b = 0x01020404;
  uint64_t sent_a = 0, sent_b = 0;
  const int64_t end = t.now + 100 * int64_t{1'000'000'000};
  while (t.now < end) {
    // Alternate two addresses of one /24 with another /24.
    if (limiter.TryAcquire((sent_a & 1) ? a2 : a)) ++sent_a;
    if (limiter.TryAcquire(b)) ++sent_b;
    t.now += 1'000'000;  // 1 ms
  }
  EXPECT_NEAR(static_cast<double>(sent_a) / 100, 10, 0.1);
  EXPECT_NEAR(static_cast<double>(sent_b) / 100, 10, 0.1);
}

TEST(RateLimiter, WaitNsCoversThePer24Cap) {
  FakeTime t;
  RateLimiter limiter(1000, 2, t.clock());  // per-/24 burst is 1 token
  const Ipv4 a = 0x01020304, b = 0x01020404;
  EXPECT_EQ(limiter.WaitNs(a), 0);
  ASSERT_TRUE(limiter.TryAcquire(a));
  EXPECT_EQ(limiter.WaitNs(a), 500'000'000);  // 2/s to this /24
  EXPECT_EQ(limiter.WaitNs(b), 0);
  t.now += limiter.WaitNs(a);
  EXPECT_TRUE(limiter.TryAcquire(a));
}

TEST(RateLimiter, RefusalChargesNothing) {
  FakeTime t;
  // Global 1/s, per-/24 1/s: after using 1.2.3.x, a refused 1.2.3.x attempt must not
  // consume the global token that 5.6.7.x can use a second later.
  RateLimiter limiter(1, 1, t.clock());
  EXPECT_TRUE(limiter.TryAcquire(0x01020301));
  EXPECT_FALSE(limiter.TryAcquire(0x01020302));
  t.now += 1'000'000'000;
  EXPECT_TRUE(limiter.TryAcquire(0x05060701));
  EXPECT_FALSE(limiter.TryAcquire(0x05060702));
  EXPECT_EQ(limiter.GlobalWaitNs(), 1'000'000'000);
}

TEST(RateLimiter, ManySubnetsArePrunedWithoutChangingBehaviour) {
  FakeTime t;
  RateLimiter limiter(1e6, 1, t.clock());
  uint64_t sent = 0;
  for (uint32_t i = 0; i < 50'000; ++i) {
    sent += limiter.TryAcquire(i << 8);
    t.now += 10'000;  // 10 us
  }
  EXPECT_EQ(sent, 50'000u);  // each /24 once: never capped
  // A /24 used just now is still capped after pruning happened.
  EXPECT_FALSE(limiter.TryAcquire(49'999u << 8));
}

TEST(TokenBucket, WaitNsIsExact) {
  TokenBucket bucket(0.5, 1, 0);
  EXPECT_TRUE(bucket.TryTake(0));
  EXPECT_FALSE(bucket.TryTake(1));
  EXPECT_EQ(bucket.WaitNs(0), 2'000'000'000);
  EXPECT_EQ(bucket.WaitNs(1'500'000'000), 500'000'000);
  EXPECT_FALSE(bucket.TryTake(1'999'999'000));
  EXPECT_TRUE(bucket.TryTake(2'000'000'000));
}

TEST(SteadyClock, IsMonotonic) {
  Clock c = SteadyClock();
  int64_t a = c(), b = c();
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace narrowscan

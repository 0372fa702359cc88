#include "common/target_permutation.h"

#include <gtest/gtest.h>

#include <vector>

namespace narrowscan {
namespace {

// Runs one shard to the end, marking every index in `seen`; fails on a repeat or an
// index out of range. Returns how many indices the shard produced.
uint64_t Drain(TargetPermutation& perm, std::vector<bool>& seen) {
  uint64_t count = 0;
  while (auto i = perm.Next()) {
    EXPECT_LT(*i, seen.size());
    if (*i >= seen.size()) return count;
    EXPECT_FALSE(seen[*i]) << "index " << *i << " twice, n=" << seen.size();
    if (seen[*i]) return count;
    seen[*i] = true;
    ++count;
  }
  return count;
}

TEST(TargetPermutation, BijectionForEveryNUpTo5000) {
  for (uint64_t n = 1; n <= 5000; ++n) {
    TargetPermutation perm(n, /*seed=*/n * 7919);
    std::vector<bool> seen(n, false);
    ASSERT_EQ(Drain(perm, seen), n) << "n=" << n;
    ASSERT_FALSE(perm.Next().has_value());
    ASSERT_GT(perm.prime(), n);
  }
}

TEST(TargetPermutation, BijectionForLargeNWithBitmap) {
  for (uint64_t n : {uint64_t{10'000'000}, uint64_t{16'777'259}}) {
    TargetPermutation perm(n, /*seed=*/12345);
    std::vector<bool> seen(n, false);
    ASSERT_EQ(Drain(perm, seen), n) << "n=" << n;
  }
}

TEST(TargetPermutation, ShardsAreDisjointAndComplete) {
  for (uint32_t shards : {2u, 3u, 7u, 16u}) {
    for (uint64_t n :
         {uint64_t{1}, uint64_t{2}, uint64_t{5}, uint64_t{97}, uint64_t{1000}, uint64_t{4099}}) {
      std::vector<bool> seen(n, false);
      uint64_t total = 0;
      for (uint32_t s = 0; s < shards; ++s) {
        TargetPermutation perm(n, /*seed=*/99, s, shards);
        total += Drain(perm, seen);  // Drain fails on any index seen by an earlier shard
      }
      ASSERT_EQ(total, n) << "n=" << n << " shards=" << shards;
    }
  }
}

TEST(TargetPermutation, ShardsOfLargeNCoverEverythingOnce) {
  const uint64_t n = 10'000'019;
  std::vector<bool> seen(n, false);
  uint64_t total = 0;
  for (uint32_t s = 0; s < 4; ++s) {
    TargetPermutation perm(n, /*seed=*/2026, s, 4);
    total += Drain(perm, seen);
  }
  EXPECT_EQ(total, n);
}

TEST(TargetPermutation, ResumeYieldsExactlyTheRemainingOrder) {
  for (uint64_t n : {uint64_t{1}, uint64_t{10}, uint64_t{1000}, uint64_t{65536}}) {
    for (uint32_t shards : {1u, 3u}) {
      TargetPermutation full(n, /*seed=*/5, shards - 1, shards);
      std::vector<uint64_t> order;
      std::vector<uint64_t> positions;  // Position() before each Next()
      positions.push_back(full.Position());
      while (auto i = full.Next()) {
        order.push_back(*i);
        positions.push_back(full.Position());
      }
      for (size_t k : {size_t{0}, order.size() / 3, order.size() / 2, order.size()}) {
        TargetPermutation resumed(n, /*seed=*/5, shards - 1, shards);
        resumed.Seek(positions[k]);
        std::vector<uint64_t> rest;
        while (auto i = resumed.Next()) rest.push_back(*i);
        EXPECT_EQ(rest, std::vector<uint64_t>(order.begin() + static_cast<long>(k), order.end()))
            << "n=" << n << " k=" << k;
      }
    }
  }
}

TEST(TargetPermutation, SeedChangesTheOrderAndIsReproducible) {
  auto first = [](uint64_t seed) {
    TargetPermutation p(100000, seed);
    std::vector<uint64_t> v;
    for (int i = 0; i < 50; ++i) v.push_back(*p.Next());
    return v;
  };
  EXPECT_EQ(first(1), first(1));
  EXPECT_NE(first(1), first(2));
  // Not the identity or a plain stride: neighbours in the order are far apart on average.
  auto v = first(3);
  uint64_t adjacent = 0;
  for (size_t i = 1; i < v.size(); ++i) adjacent += (v[i] == v[i - 1] + 1);
  EXPECT_LT(adjacent, 3u);
}

TEST(TargetPermutation, HugeNYieldsDistinctInRangeIndices) {
  // Beyond 2^32 the 128-bit (or chunked) multiplication path is used.
  const uint64_t n = (uint64_t{1} << 40) + 12345;
  TargetPermutation perm(n, /*seed=*/77, 1, 2);
  std::vector<uint64_t> got;
  for (int i = 0; i < 200000; ++i) {
    auto x = perm.Next();
    ASSERT_TRUE(x.has_value());
    ASSERT_LT(*x, n);
    got.push_back(*x);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end());
  // Seek far into the cycle and back agrees with stepping.
  TargetPermutation a(n, 77, 1, 2), b(n, 77, 1, 2);
  for (int i = 0; i < 1000; ++i) (void)a.Next();
  b.Seek(a.Position());
  EXPECT_EQ(a.Next(), b.Next());
}

TEST(TargetPermutation, OrderIsTheSameOnEveryPlatform) {
  // Golden values: the order depends only on (n, seed, shard, shards), whether the
  // multiplication runs in 64-bit, 128-bit or the chunked 32-bit-target path, so
  // probes on ARM and the controller agree on positions.
  struct Golden {
    uint64_t n, prime;
    uint64_t first[5];
  };
  const Golden cases[] = {
      {1000, 1009, {786, 130, 608, 635, 360}},
      {4294967311, 4294967357, {3306613359, 2738837112, 3303378992, 89796294, 1720744705}},
      {(uint64_t{1} << 40) + 12345,
       1099511640127,
       {769459748716, 1093788240545, 614193204525, 521535729497, 353969308691}},
  };
  for (const Golden& g : cases) {
    TargetPermutation perm(g.n, /*seed=*/77, /*shard=*/1, /*shards=*/3);
    EXPECT_EQ(perm.prime(), g.prime);
    for (uint64_t want : g.first) EXPECT_EQ(perm.Next(), want) << "n=" << g.n;
  }
}

}  // namespace
}  // namespace narrowscan

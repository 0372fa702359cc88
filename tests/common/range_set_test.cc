#include "common/range_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace narrowscan {
namespace {

// Brute-force model: a set over a small universe near a chosen base, so set algebra
// can be checked address by address. Bases near 0 and 2^32 exercise the edges.
struct Model {
  std::set<Ipv4> addresses;
};

RangeSet RandomSet(std::mt19937& rng, Ipv4 base, uint32_t universe, Model* model) {
  RangeSet set;
  std::vector<Ipv4Range> ranges;
  int n = std::uniform_int_distribution<int>(0, 8)(rng);
  for (int i = 0; i < n; ++i) {
    uint32_t a = std::uniform_int_distribution<uint32_t>(0, universe - 1)(rng);
    uint32_t len = std::uniform_int_distribution<uint32_t>(0, 12)(rng);
    uint32_t b = std::min(universe - 1, a + len);
    Ipv4Range r{base + a, base + b};
    for (uint64_t x = r.first; x <= r.last; ++x) model->addresses.insert(static_cast<Ipv4>(x));
    if (i % 2 == 0) {
      set.Add(r);
    } else {
      ranges.push_back(r);
    }
  }
  return set.Union(RangeSet(ranges));
}

void ExpectCanonical(const RangeSet& s) {
  const auto& r = s.ranges();
  for (size_t i = 0; i < r.size(); ++i) {
    ASSERT_LE(r[i].first, r[i].last);
    if (i > 0) {
      ASSERT_LT(uint64_t{r[i - 1].last} + 1, r[i].first);
    }
  }
}

void ExpectMatches(const RangeSet& s, const std::set<Ipv4>& model, Ipv4 base, uint32_t universe) {
  ExpectCanonical(s);
  ASSERT_EQ(s.Size(), model.size());
  for (uint64_t x = base; x < uint64_t{base} + universe; ++x) {
    ASSERT_EQ(s.Contains(static_cast<Ipv4>(x)), model.count(static_cast<Ipv4>(x)) == 1) << x;
  }
  uint64_t i = 0;
  for (Ipv4 a : model) ASSERT_EQ(s.At(i++), a);
}

TEST(RangeSet, AgreesWithBruteForceModel) {
  std::mt19937 rng(42);
  constexpr uint32_t kUniverse = 64;
  for (Ipv4 base : {Ipv4{0}, Ipv4{0x0a000000}, Ipv4{0xffffffff - kUniverse + 1}}) {
    for (int round = 0; round < 400; ++round) {
      Model ma, mb;
      RangeSet a = RandomSet(rng, base, kUniverse, &ma);
      RangeSet b = RandomSet(rng, base, kUniverse, &mb);
      ExpectMatches(a, ma.addresses, base, kUniverse);
      std::set<Ipv4> u = ma.addresses, in, sub;
      u.insert(mb.addresses.begin(), mb.addresses.end());
      for (Ipv4 x : ma.addresses) (mb.addresses.count(x) ? in : sub).insert(x);
      ExpectMatches(a.Union(b), u, base, kUniverse);
      ExpectMatches(a.Intersection(b), in, base, kUniverse);
      ExpectMatches(a.Subtract(b), sub, base, kUniverse);
      EXPECT_EQ(a.Union(b), b.Union(a));
      EXPECT_EQ(a.Intersection(b), b.Intersection(a));
      // ContainsRange agrees with the model for random sub-ranges.
      for (int k = 0; k < 20; ++k) {
        uint32_t x = std::uniform_int_distribution<uint32_t>(0, kUniverse - 1)(rng);
        uint32_t y =
            std::min(kUniverse - 1, x + std::uniform_int_distribution<uint32_t>(0, 6)(rng));
        bool all = true;
        for (uint32_t z = x; z <= y; ++z) all = all && ma.addresses.count(base + z);
        EXPECT_EQ(a.ContainsRange({base + x, base + y}), all);
      }
      if (HasFatalFailure()) return;
    }
  }
}

TEST(RangeSet, WholeSpaceAndEdges) {
  RangeSet all;
  all.Add(Ipv4Range{0, 0xffffffff});
  EXPECT_EQ(all.Size(), uint64_t{1} << 32);
  EXPECT_TRUE(all.Contains(0));
  EXPECT_TRUE(all.Contains(0xffffffff));
  EXPECT_EQ(all.At((uint64_t{1} << 32) - 1), 0xffffffffu);
  RangeSet hole;
  hole.Add(Ipv4Range{0, 0});
  hole.Add(Ipv4Range{0xffffffff, 0xffffffff});
  RangeSet mid = all.Subtract(hole);
  ASSERT_EQ(mid.ranges().size(), 1u);
  EXPECT_EQ(mid.ranges()[0], (Ipv4Range{1, 0xfffffffe}));
  EXPECT_TRUE(all.Subtract(all).Empty());
  EXPECT_EQ(mid.Union(hole), all);
}

TEST(RangeSet, AdjacentRangesMerge) {
  RangeSet s({{10, 19}, {0, 9}, {20, 20}, {30, 40}, {35, 36}});
  ASSERT_EQ(s.ranges().size(), 2u);
  EXPECT_EQ(s.ranges()[0], (Ipv4Range{0, 20}));
  EXPECT_EQ(s.ranges()[1], (Ipv4Range{30, 40}));
  s.Add(Ipv4Range{21, 29});
  ASSERT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.Size(), 41u);
}

TEST(RangeSet, ManyRangesMembershipIsCorrect) {
  // 100k disjoint ranges: membership stays a binary search.
  RangeSet s;
  for (uint32_t i = 0; i < 100000; ++i) s.Add(Ipv4Range{i * 4, i * 4 + 1});
  EXPECT_EQ(s.ranges().size(), 100000u);
  EXPECT_EQ(s.Size(), 200000u);
  EXPECT_TRUE(s.Contains(4 * 77777 + 1));
  EXPECT_FALSE(s.Contains(4 * 77777 + 2));
  EXPECT_EQ(s.At(2 * 500 + 1), 4u * 500 + 1);
}

}  // namespace
}  // namespace narrowscan

namespace narrowscan {
namespace {

TEST(RangeSet, IncrementalAddEqualsBulkConstruction) {
  std::mt19937 rng(7);
  std::vector<Ipv4Range> ranges;
  RangeSet incremental;
  for (int i = 0; i < 20000; ++i) {
    const auto a = static_cast<Ipv4>(rng() % 0xfffff000u);
    Ipv4Range r{a, a + static_cast<Ipv4>(rng() % 300000)};
    ranges.push_back(r);
    incremental.Add(r);
  }
  const RangeSet bulk(ranges);
  EXPECT_EQ(incremental, bulk);
  EXPECT_EQ(incremental.Size(), bulk.Size());
}

}  // namespace
}  // namespace narrowscan

// Benchmarks for the hot paths of common/: the probe draws one permutation index and
// one rate-limiter token per connection attempt, and checks each target against the
// exclusion RangeSet.
#include <benchmark/benchmark.h>

#include <random>

#include "common/range_set.h"
#include "common/rate_limiter.h"
#include "common/signature.h"
#include "common/target_permutation.h"
#include "common/wire/plan_codec.h"

namespace narrowscan {
namespace {

// N below 2^32 (64-bit multiply path) and above it (128-bit path).
void BM_PermutationNext(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  TargetPermutation perm(n, /*seed=*/1);
  uint64_t sum = 0;
  for (auto _ : state) {
    auto next = perm.Next();
    if (!next) {
      perm.Seek(0);
      next = perm.Next();
    }
    sum += *next;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  state.counters["indices/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PermutationNext)->Arg(65536 * 100)->Arg(int64_t{1} << 32)->Arg(int64_t{1} << 40);

void BM_PermutationConstruct(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  uint64_t seed = 0;
  for (auto _ : state) {
    TargetPermutation perm(n, ++seed);
    benchmark::DoNotOptimize(perm.prime());
  }
}
BENCHMARK(BM_PermutationConstruct)->Arg(1000)->Arg(int64_t{1} << 32)->Arg(int64_t{1} << 47);

// Cost of one granted token: the simulated clock advances exactly one token period so
// every call succeeds, as at full rate.
void BM_RateLimiterToken(benchmark::State& state) {
  const double rate = 100000;
  const bool per24 = state.range(0) != 0;
  int64_t now = 0;
  RateLimiter limiter(rate, per24 ? 1000 : 0, [&now] { return now; });
  uint32_t address = 0x0b000000;
  uint64_t granted = 0;
  for (auto _ : state) {
    now += 10000;          // 10 us = one token at 100k/s
    address += 0x100 + 1;  // a new /24 each time, as a random scan order gives
    granted += limiter.TryAcquire(address);
  }
  benchmark::DoNotOptimize(granted);
  state.counters["ns/token"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RateLimiterToken)->Arg(0)->Arg(1);

void BM_RangeSetContains(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<Ipv4Range> ranges;
  for (int i = 0; i < state.range(0); ++i) {
    const auto a = static_cast<Ipv4>(rng() % 0xfffff000u);
    ranges.push_back(Ipv4Range{a, a + static_cast<Ipv4>(rng() % 1024)});
  }
  const RangeSet set(std::move(ranges));
  uint64_t hits = 0;
  for (auto _ : state) hits += set.Contains(static_cast<Ipv4>(rng()));
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_RangeSetContains)->Arg(16)->Arg(100000);

void BM_PlanEncodeDecode(benchmark::State& state) {
  static const SigningKey key = SigningKey::Generate().value();
  static const VerifyingKey verifier = VerifyingKey::FromPem(key.PublicPem()).value();
  wire::Plan plan;
  plan.probe_id = "bench";
  plan.version = 1;
  plan.rate = 1000;
  plan.standard_ports = {22, 23, 80, 443, 8080};
  plan.scope = {{0x0b000000, 0x0bffffff}};
  plan.profiles = {{plan.standard_ports, {}}, {{80, 443}, {}}};
  for (uint32_t i = 0; i < state.range(0); ++i) plan.profiles[1].hosts.push_back(0x0c000000 + i);
  for (auto _ : state) {
    auto chunks = wire::EncodePlan(plan, key, 256 << 10).value();
    wire::PlanAssembler assembler("bench", 0);
    for (const auto& c : chunks) {
      auto whole = assembler.Add(wire::DecodePlanChunk(c, verifier).value()).value();
      benchmark::DoNotOptimize(whole);
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PlanEncodeDecode)->Arg(100000);

}  // namespace
}  // namespace narrowscan

BENCHMARK_MAIN();

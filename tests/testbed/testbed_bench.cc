// bench_testbed: generator throughput (banners/s, bytes/s) per output format on the
// default population, and the cost of building a large population. One core, no I/O
// beyond /dev/null.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "tests/testbed/population.h"
#include "tests/testbed/scan_output.h"

namespace {

using namespace narrowscan;
using namespace narrowscan::testbed;

const std::string kDefault =
    std::string(NARROWSCAN_SOURCE_DIR) + "/tests/testbed/populations/default.toml";

Population Build(double scale, const char* range) {
  auto spec = LoadPopulationSpec(kDefault);
  if (!spec.ok()) throw std::runtime_error(spec.error());
  PopulationOptions options;
  options.scale = scale;
  options.ranges = {*ParseIpv4Range(range)};
  auto population = BuildPopulation(std::move(*spec), options);
  if (!population.ok()) throw std::runtime_error(population.error());
  return std::move(*population);
}

void BM_Generate(benchmark::State& state) {
  static const Population population = Build(20, "127.64.0.0/15");
  const auto format = static_cast<ScanFormat>(state.range(0));
  std::FILE* sink = std::fopen("/dev/null", "wb");
  uint64_t banners = 0, bytes = 0;
  for (auto _ : state) {
    auto stats = WriteScanOutput(population, format, 1700000000, sink);
    banners += stats->banners;
    bytes += stats->bytes;
  }
  std::fclose(sink);
  state.counters["banners/s"] =
      benchmark::Counter(static_cast<double>(banners), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(format == ScanFormat::kHostsJsonl    ? "hosts-jsonl"
                 : format == ScanFormat::kMasscanJson ? "masscan-json"
                                                      : "masscan-list");
}
BENCHMARK(BM_Generate)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_BuildPopulation(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(Build(static_cast<double>(state.range(0)), "127.64.0.0/13"));
  state.counters["hosts/s"] = benchmark::Counter(
      2540.0 * static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BuildPopulation)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

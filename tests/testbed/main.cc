// narrowscan-testbed: a simulated IoT population on 127.0.0.0/8 (serve, the default)
// and a generator of the scan output such a population yields (generate). Only parses
// options and wires the parts; see testbed.h and scan_output.h.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/ipv4.h"
#include "tests/testbed/ground_truth.h"
#include "tests/testbed/population.h"
#include "tests/testbed/scan_output.h"
#include "tests/testbed/testbed.h"

namespace {

using namespace narrowscan;
using namespace narrowscan::testbed;

constexpr int kExitOk = 0, kExitFailed = 1, kExitBadInput = 2;

struct PopulationArgs {
  std::string population;
  uint64_t seed = 0;
  double scale = 1.0;
  std::vector<std::string> ranges;
};

void AddPopulationOptions(CLI::App* app, PopulationArgs* args) {
  app->add_option("--population", args->population, "population spec (TOML)")->required();
  app->add_option("--seed", args->seed, "placement seed (default: the spec's)");
  app->add_option("--scale", args->scale, "multiply every profile's count")
      ->check(CLI::PositiveNumber);
  app->add_option("--ranges", args->ranges,
                  "place hosts here instead of the spec's ranges (127.x CIDRs)")
      ->delimiter(',');
}

Result<Population> LoadPopulation(const PopulationArgs& args) {
  auto spec = LoadPopulationSpec(args.population);
  if (!spec.ok()) return Error{spec.error()};
  PopulationOptions options;
  options.seed = args.seed;
  options.scale = args.scale;
  for (const std::string& text : args.ranges) {
    auto range = ParseIpv4Range(text);
    if (!range.ok()) return Error{"--ranges: " + range.error()};
    options.ranges.push_back(*range);
  }
  return BuildPopulation(std::move(*spec), options);
}

int Serve(const PopulationArgs& args, const TestbedOptions& options) {
  auto population = LoadPopulation(args);
  if (!population.ok()) {
    std::fprintf(stderr, "narrowscan-testbed: %s\n", population.error().c_str());
    return kExitBadInput;
  }
  const auto started = std::chrono::steady_clock::now();
  asio::io_context io;
  Testbed testbed(&io, std::move(*population), options);
  if (Status s = testbed.Start(); !s.ok()) {
    std::fprintf(stderr, "narrowscan-testbed: %s\n", s.error().c_str());
    return kExitFailed;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "narrowscan-testbed: %zu hosts, %zu listeners ready in %.2f s%s\n",
               testbed.population().hosts.size(), testbed.server().listeners(), seconds,
               options.control_port >= 0
                   ? (", control on 127.0.0.1:" + std::to_string(testbed.control_port())).c_str()
                   : "");
  io.run();
  std::fprintf(stderr, "narrowscan-testbed: stopped after %llu connections\n",
               static_cast<unsigned long long>(testbed.server().counters().accepted));
  return kExitOk;
}

int Generate(const PopulationArgs& args, const std::string& format_name, const std::string& output,
             const std::string& truth, uint64_t max_banners, bool json) {
  auto format = ParseScanFormat(format_name);
  if (!format.ok()) {
    std::fprintf(stderr, "narrowscan-testbed: --format: %s\n", format.error().c_str());
    return kExitBadInput;
  }
  auto population = LoadPopulation(args);
  if (!population.ok()) {
    std::fprintf(stderr, "narrowscan-testbed: %s\n", population.error().c_str());
    return kExitBadInput;
  }
  const auto started = std::chrono::steady_clock::now();
  std::FILE* out = output == "-" ? stdout : std::fopen(output.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "narrowscan-testbed: %s: cannot write\n", output.c_str());
    return kExitFailed;
  }
  auto stats = WriteScanOutput(*population, *format, std::time(nullptr), out, max_banners);
  if (out != stdout && std::fclose(out) != 0 && stats.ok()) stats = Error{"close failed"};
  if (!stats.ok()) {
    std::fprintf(stderr, "narrowscan-testbed: %s: %s\n", output.c_str(), stats.error().c_str());
    return kExitFailed;
  }
  if (!truth.empty()) {
    if (Status s = WriteGroundTruth(*population, truth); !s.ok()) {
      std::fprintf(stderr, "narrowscan-testbed: %s\n", s.error().c_str());
      return kExitFailed;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (json) {
    std::fprintf(stderr, "%s\n",
                 nlohmann::json{{"hosts", stats->hosts},
                                {"banners", stats->banners},
                                {"bytes", stats->bytes},
                                {"seconds", seconds},
                                {"format", format_name},
                                {"output", output}}
                     .dump()
                     .c_str());
  } else {
    std::fprintf(stderr,
                 "narrowscan-testbed: %llu hosts, %llu banners, %llu bytes in %.2f s -> %s\n",
                 static_cast<unsigned long long>(stats->hosts),
                 static_cast<unsigned long long>(stats->banners),
                 static_cast<unsigned long long>(stats->bytes), seconds, output.c_str());
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"narrowscan-testbed: a simulated IoT population on 127.0.0.0/8 loopback addresses"};
  app.require_subcommand(0, 1);

  PopulationArgs serve_args;
  TestbedOptions options;
  int idle_timeout_ms = 10000;
  AddPopulationOptions(&app, &serve_args);
  app.add_option("--truth", options.truth_path, "write the ground truth (JSONL) here");
  app.add_option("--log", options.log_path, "append one JSON line per accepted connection here");
  app.add_option("--ready-file", options.ready_file, "written once every listener is bound");
  app.add_option("--control", options.control_port, "control port on 127.0.0.1 (0: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--idle-timeout-ms", idle_timeout_ms, "hang up idle connections after this long")
      ->check(CLI::Range(100, 600000));

  CLI::App* generate = app.add_subcommand(
      "generate", "write what a scan of the population would yield, without opening sockets");
  PopulationArgs generate_args;
  std::string format = "hosts-jsonl", output = "-", generate_truth;
  bool json = false;
  uint64_t max_banners = 0;
  AddPopulationOptions(generate, &generate_args);
  generate->add_option("--max-banners", max_banners, "stop after this many banners (0: all)");
  generate->add_option("--format", format, "hosts-jsonl | masscan-json | masscan-list");
  generate->add_option("--output", output, "output file ('-' for stdout)");
  generate->add_option("--truth", generate_truth, "also write the ground truth (JSONL) here");
  generate->add_flag("--json", json, "print the summary as JSON (on stderr)");

  // `generate` has its own required --population; the top-level one applies to serve.
  app.get_option("--population")->required(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  if (generate->parsed())
    return Generate(generate_args, format, output, generate_truth, max_banners, json);
  if (serve_args.population.empty()) {
    std::fprintf(stderr, "narrowscan-testbed: --population is required\n%s", app.help().c_str());
    return kExitBadInput;
  }
  options.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  return Serve(serve_args, options);
}

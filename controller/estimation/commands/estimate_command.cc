// `narrowscan estimate`: hosts JSONL in, estimates JSONL out.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "controller/cli/cli_options.h"
#include "controller/estimation/commands/estimation_commands.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/hosts_jsonl.h"

namespace narrowscan {
namespace {

// Lines longer than this are refused as bad input rather than held in memory.
constexpr size_t kMaxLineBytes = 16 << 20;

struct EstimateOptions {
  std::vector<std::string> db;
  double alpha = 1.0;
  double threshold = 0.8;
  std::string input = "-";
  std::string output = "-";
  bool skip_invalid = false;
  bool json = false;
  size_t max_reported = 20;  // bad lines printed; the rest only counted (a flood of bad
                             // input must not flood the terminal or a log)
};

void RunEstimate(const EstimateOptions& o) {
  using Clock = std::chrono::steady_clock;
  auto paths = ResolveDbPaths(o.db);
  if (!paths.ok()) throw CommandExit{kExitFailed, paths.error()};
  std::vector<std::string> skipped;
  auto db = LoadDeviceDb(paths.value(), {.skip_invalid = o.skip_invalid}, &skipped);
  if (!db.ok()) throw CommandExit{kExitBadInput, db.error()};
  for (const std::string& s : skipped) std::fprintf(stderr, "skipped: %s\n", s.c_str());
  if (!skipped.empty())
    std::fprintf(stderr, "estimate: %zu invalid entries skipped\n", skipped.size());
  auto estimator =
      Estimator::Create(std::move(db.value()), {.alpha = o.alpha, .threshold = o.threshold});
  if (!estimator.ok()) throw CommandExit{kExitBadInput, estimator.error()};

  std::ifstream file_in;
  std::istream* in = &std::cin;
  if (o.input != "-") {
    file_in.open(o.input, std::ios::binary);
    if (!file_in) throw CommandExit{kExitFailed, o.input + ": cannot open"};
    in = &file_in;
  }
  std::ofstream file_out;
  std::ostream* out = &std::cout;
  if (o.output != "-") {
    file_out.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file_out) throw CommandExit{kExitFailed, o.output + ": cannot create"};
    out = &file_out;
  }
  const std::string input_name = o.input == "-" ? "<stdin>" : o.input;
  std::ios::sync_with_stdio(false);

  size_t line_number = 0, hosts = 0, banners = 0, bad = 0, estimated = 0, matches = 0;
  const auto start = Clock::now();
  auto last_progress = start;
  std::string line;
  while (std::getline(*in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.size() > kMaxLineBytes) {
      if (++bad <= o.max_reported)
        std::fprintf(stderr, "%s:%zu: line longer than %zu bytes, skipped\n", input_name.c_str(),
                     line_number, kMaxLineBytes);
      continue;
    }
    auto host = ParseHostLine(line);
    if (!host.ok()) {
      if (++bad <= o.max_reported)
        std::fprintf(stderr, "%s:%zu: %s, skipped\n", input_name.c_str(), line_number,
                     host.error().c_str());
      continue;
    }
    const std::vector<DeviceMatch> found = estimator->Estimate(host.value());
    *out << FormatEstimateLine(host->ip, found) << '\n';
    ++hosts;
    banners += host->banners.size();
    matches += found.size();
    if (!found.empty()) ++estimated;
    if ((hosts & 1023) == 0) {
      const auto now = Clock::now();
      if (now - last_progress >= std::chrono::seconds(2)) {
        last_progress = now;
        const double s = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "estimate: %zu hosts, %.0f hosts/s\n", hosts, hosts / s);
      }
    }
  }
  if (bad > o.max_reported)
    std::fprintf(stderr, "… %zu more bad lines not shown\n", bad - o.max_reported);
  out->flush();
  if (!*out)
    throw CommandExit{kExitFailed, (o.output == "-" ? "<stdout>" : o.output) + ": write error"};
  if (in->bad()) throw CommandExit{kExitFailed, input_name + ": read error"};
  const double seconds =
      std::max(1e-9, std::chrono::duration<double>(Clock::now() - start).count());
  if (o.json) {
    nlohmann::ordered_json summary = {{"hosts", hosts},
                                      {"banners", banners},
                                      {"bad_lines", bad},
                                      {"estimated", estimated},
                                      {"matches", matches},
                                      {"seconds", seconds},
                                      {"hosts_per_second", hosts / seconds},
                                      {"banners_per_second", banners / seconds}};
    std::fprintf(stderr, "%s\n", summary.dump().c_str());
  } else {
    std::fprintf(stderr,
                 "estimate: %zu hosts (%zu banners), %zu estimated, %zu matches, %zu bad lines; "
                 "%.3f s, %.0f hosts/s, %.0f banners/s\n",
                 hosts, banners, estimated, matches, bad, seconds, hosts / seconds,
                 banners / seconds);
  }
  if (bad > 0) throw CommandExit{kExitBadInput, fmt::format("{} bad input lines skipped", bad)};
}

}  // namespace

void RegisterEstimateCommand(CLI::App* app) {
  auto o = std::make_shared<EstimateOptions>();
  CLI::App* cmd = app->add_subcommand(
      "estimate", "Estimate the devices behind hosts (hosts JSONL in, estimates JSONL out)");
  cmd->add_option("--db", o->db,
                  "Device DB file or folder; repeatable; 'default' names the shipped DB "
                  "(the default when --db is not given)");
  cmd->add_option("--alpha", o->alpha, "Weight of the banner score against the port score")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--threshold", o->threshold, "Report devices with a score at least this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--input", o->input, "Hosts JSONL file, - for stdin")->capture_default_str();
  cmd->add_option("--output", o->output, "Estimates JSONL file, - for stdout")
      ->capture_default_str();
  cmd->add_flag("--skip-invalid", o->skip_invalid, "Skip (and report) invalid DB entries");
  cmd->add_option("--max-reported", o->max_reported, "Bad input lines printed at most")
      ->capture_default_str();
  AddJsonOption(cmd, &o->json);
  cmd->callback([o] { RunEstimate(*o); });
}

void RegisterEstimationCommands(CLI::App* app) {
  RegisterEstimateCommand(app);
  RegisterDbCommands(app);
}

}  // namespace narrowscan

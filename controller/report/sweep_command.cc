// `narrowscan sweep`: hosts estimated, FP and FN rates per (th, α) against a ground
// truth, as a table, JSON, CSV and an HTML page with the paper's Figures 3–5.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "controller/cli/cli_options.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/hosts_jsonl.h"
#include "controller/report/chart_renderer.h"
#include "controller/report/fleet_hosts_source.h"
#include "controller/report/ground_truth.h"
#include "controller/report/html_report.h"
#include "controller/report/report_commands.h"
#include "controller/report/scored_hosts.h"
#include "controller/report/sweep_charts.h"
#include "controller/store/store.h"

namespace narrowscan {
namespace {

struct SweepOptions {
  std::string truth, input, store, csv, html;
  std::vector<std::string> db;
  int64_t round = 0;
  SweepGrid grid;
  bool json = false;
};

std::vector<Host> ReadHostsJsonl(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw CommandExit{kExitBadInput, path + ": cannot open"};
    in = &file;
  }
  std::vector<Host> hosts;
  std::string line;
  size_t n = 0, bad = 0;
  while (std::getline(*in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto host = ParseHostLine(line);
    if (!host.ok()) {
      ++bad;
      std::fprintf(stderr, "%s:%zu: %s, skipped\n", path.c_str(), n, host.error().c_str());
      continue;
    }
    hosts.push_back(std::move(host.value()));
  }
  if (bad) std::fprintf(stderr, "sweep: %zu bad lines skipped\n", bad);
  return hosts;
}

std::string Pct(double v) { return fmt::format("{:.1f}", 100 * v); }

void RunSweep(SweepOptions& o) {
  if (o.grid.th_step <= 0 || o.grid.alpha_step <= 0 || o.grid.th_from > o.grid.th_to ||
      o.grid.alpha_from > o.grid.alpha_to || o.grid.th_from < 0 || o.grid.th_to > 1 ||
      o.grid.alpha_from < 0 || o.grid.alpha_to > 1)
    throw CommandExit{kExitBadInput,
                      "sweep: ranges must lie in [0, 1] with from <= to and step > 0"};
  auto truth = LoadGroundTruth(o.truth);
  if (!truth.ok()) throw CommandExit{kExitBadInput, truth.error()};

  std::vector<Host> hosts;
  if (!o.input.empty()) {
    hosts = ReadHostsJsonl(o.input);
  } else {
    RequireExistingStore(o.store);
    auto store = Store::Open(o.store);
    if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
    auto loaded = LoadRoundHosts(**store, o.round);
    if (!loaded.ok()) throw CommandExit{kExitFailed, o.store + ": " + loaded.error()};
    hosts = std::move(loaded.value());
  }

  auto paths = ResolveDbPaths(o.db);
  if (!paths.ok()) throw CommandExit{kExitFailed, paths.error()};
  auto db = LoadDeviceDb(paths.value(), {}, nullptr);
  if (!db.ok()) throw CommandExit{kExitBadInput, db.error()};
  auto scored = ScoreHosts(std::move(db.value()), hosts);
  if (!scored.ok()) throw CommandExit{kExitBadInput, scored.error()};

  std::vector<const TruthHost*> truth_of;
  size_t without_truth = 0;
  for (const ScoredHost& h : *scored) {
    const TruthRecord* r = truth->Find(h.ip);
    truth_of.push_back(r ? &r->host : nullptr);
    if (!r) ++without_truth;
  }
  if (without_truth)
    std::fprintf(stderr, "sweep: %zu hosts have no ground-truth line and are left out\n",
                 without_truth);
  std::vector<SweepCell> cells = Sweep(*scored, truth_of, o.grid);

  if (!o.csv.empty()) {
    std::ofstream csv(o.csv, std::ios::trunc);
    if (!csv) throw CommandExit{kExitFailed, o.csv + ": cannot create"};
    csv << "threshold,alpha,hosts,estimated,identifiable,non_identifiable,false_positives,"
           "false_negatives,fp_rate,fn_rate,precision,recall\n";
    for (const SweepCell& c : cells)
      csv << fmt::format("{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f}\n", c.threshold,
                         c.alpha, c.hosts, c.estimated, c.identifiable, c.non_identifiable,
                         c.false_positives, c.false_negatives, c.fp_rate(), c.fn_rate(),
                         c.precision(), c.recall());
  }
  if (!o.html.empty()) {
    HtmlReport page("narrowscan: estimation parameter sweep");
    page.Paragraph(fmt::format(
        "{} hosts scored against the device DB; FP and FN as in the paper's §5.2: FP over "
        "hosts that cannot be identified, FN (missed or another device) over hosts that can.",
        scored->size()));
    for (SweepMetric m : {SweepMetric::kEstimated, SweepMetric::kFalsePositiveRate,
                          SweepMetric::kFalseNegativeRate}) {
      ChartScript chart = MakeSweepChart(cells, m);
      auto svg = RenderSvg(chart.gnuplot);
      if (!svg.ok()) throw CommandExit{kExitFailed, "sweep: " + svg.error()};
      page.Svg(chart.title, *svg);
    }
    std::vector<std::vector<std::string>> rows = {
        {"th", "α", "estimated", "FP %", "FN %", "precision %", "recall %"}};
    for (const SweepCell& c : cells)
      rows.push_back({fmt::format("{:.2f}", c.threshold), fmt::format("{:.1f}", c.alpha),
                      std::to_string(c.estimated), Pct(c.fp_rate()), Pct(c.fn_rate()),
                      Pct(c.precision()), Pct(c.recall())});
    page.Table("Sweep", rows);
    std::ofstream html(o.html, std::ios::trunc);
    if (!html || !(html << page.Render()))
      throw CommandExit{kExitFailed, o.html + ": cannot write"};
  }
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const SweepCell& c : cells)
      out.push_back({{"threshold", c.threshold},
                     {"alpha", c.alpha},
                     {"hosts", c.hosts},
                     {"estimated", c.estimated},
                     {"identifiable", c.identifiable},
                     {"non_identifiable", c.non_identifiable},
                     {"false_positives", c.false_positives},
                     {"false_negatives", c.false_negatives},
                     {"fp_rate", c.fp_rate()},
                     {"fn_rate", c.fn_rate()},
                     {"precision", c.precision()},
                     {"recall", c.recall()}});
    std::cout << out.dump(1) << '\n';
    return;
  }
  std::cout << fmt::format("{:>5} {:>5} {:>9} {:>7} {:>7} {:>9} {:>7}\n", "th", "alpha",
                           "estimated", "FP%", "FN%", "precision", "recall");
  for (const SweepCell& c : cells)
    std::cout << fmt::format("{:>5.2f} {:>5.2f} {:>9} {:>7} {:>7} {:>9} {:>7}\n", c.threshold,
                             c.alpha, c.estimated, Pct(c.fp_rate()), Pct(c.fn_rate()),
                             Pct(c.precision()), Pct(c.recall()));
}

}  // namespace

void RegisterSweepCommand(CLI::App* app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app->add_subcommand(
      "sweep", "Hosts estimated, FP and FN rates per (threshold, alpha) against a ground truth");
  cmd->add_option("--truth", o->truth, "Ground truth JSONL (ip, label, open_ports, noise)")
      ->required();
  cmd->add_option("--db", o->db, "Device DB file or folder, repeatable; 'default' = shipped DB");
  cmd->add_option("--input", o->input,
                  "Hosts JSONL (design §7), '-' for stdin; default: the store");
  AddStoreOption(cmd, &o->store, StoreUse::kWhenUsed);  // not with --input
  cmd->add_option("--round", o->round, "Round to read from the store (0 = latest)")
      ->capture_default_str();
  cmd->add_option("--th-from", o->grid.th_from, "Lowest threshold")->capture_default_str();
  cmd->add_option("--th-to", o->grid.th_to, "Highest threshold")->capture_default_str();
  cmd->add_option("--th-step", o->grid.th_step, "Threshold step")->capture_default_str();
  cmd->add_option("--alpha-from", o->grid.alpha_from, "Lowest alpha")->capture_default_str();
  cmd->add_option("--alpha-to", o->grid.alpha_to, "Highest alpha")->capture_default_str();
  cmd->add_option("--alpha-step", o->grid.alpha_step, "Alpha step")->capture_default_str();
  cmd->add_option("--csv", o->csv, "Also write the table as CSV to FILE");
  cmd->add_option("--html", o->html, "Also write an HTML page with Figures 3-5 (needs gnuplot)");
  AddJsonOption(cmd, &o->json);
  cmd->callback([o] { RunSweep(*o); });
}

}  // namespace narrowscan

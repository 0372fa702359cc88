// `narrowscan evaluate`: a fleet store's rounds against a ground truth — traffic per
// round and its reduction, coverage, precision and recall, estimates and the device
// DB by type and level (the paper's Tables 1–4), optionally the (th, α) sweep — as
// text, JSON (the demo's report.json) and an HTML report.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/ipv4.h"
#include "controller/cli/cli_options.h"
#include "controller/estimation/commands/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/report/chart_renderer.h"
#include "controller/report/fleet_hosts_source.h"
#include "controller/report/ground_truth.h"
#include "controller/report/html_report.h"
#include "controller/report/report_commands.h"
#include "controller/report/round_evaluation.h"
#include "controller/report/scored_hosts.h"
#include "controller/report/sweep_charts.h"
#include "controller/store/store.h"

namespace narrowscan {
namespace {

struct EvaluateOptions {
  std::string truth, store, output, html;
  std::vector<std::string> db;
  int64_t round = 0;
  bool sweep = false;
  bool json = false;
};

template <class F>
void ForEachRow(Store& store, const std::string& sql, F&& row_fn, int64_t bind = -1) {
  auto st = store.Prepare(sql);
  if (!st.ok()) throw CommandExit{kExitFailed, store.path() + ": " + st.error()};
  if (bind >= 0) st->Bind(1, bind);
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) throw CommandExit{kExitFailed, store.path() + ": " + row.error()};
    if (!*row) break;
    row_fn(*st);
  }
}

RoundEvaluationInput ReadStore(Store& store, int64_t round) {
  RoundEvaluationInput in;
  ForEachRow(store,
             "SELECT round_id, SUM(attempts), SUM(planned_narrowed), SUM(planned_standard), "
             "SUM(planned_discovery), SUM(standard_equivalent), SUM(bytes_sent) "
             "FROM fleet_round_probes GROUP BY round_id ORDER BY round_id",
             [&](Statement& s) {
               in.rounds.push_back({s.ColumnInt(0), s.ColumnInt(1), s.ColumnInt(2), s.ColumnInt(3),
                                    s.ColumnInt(4), s.ColumnInt(5), s.ColumnInt(6)});
             });
  ForEachRow(store,
             "SELECT e.ip, e.vendor, e.type, e.product, e.model, e.level FROM fleet_estimates e "
             "JOIN (SELECT ip, MIN(rank) AS r FROM fleet_estimates GROUP BY ip) b "
             "ON e.ip = b.ip AND e.rank = b.r",
             [&](Statement& s) {
               in.estimates[FormatIpv4(static_cast<Ipv4>(s.ColumnInt(0)))] = HostEstimate{
                   {s.ColumnText(1), s.ColumnText(2), s.ColumnText(3), s.ColumnText(4)},
                   static_cast<int>(s.ColumnInt(5))};
             });
  if (round == 0) {
    auto latest = LatestResultRound(store);
    if (!latest.ok()) throw CommandExit{kExitFailed, latest.error()};
    round = *latest;
  }
  ForEachRow(
      store, "SELECT ip, port FROM fleet_results WHERE round_id = ? AND state = 0",
      [&](Statement& s) {
        in.found_open[FormatIpv4(static_cast<Ipv4>(s.ColumnInt(0)))].insert(
            static_cast<uint16_t>(s.ColumnInt(1)));
      },
      round);
  return in;
}

std::string Pct(double v) { return fmt::format("{:.1f} %", 100 * v); }

// The level an entry reaches when its captures fire: most entries take the model number
// from a named group `model` of a keyword rather than a fixed `model` value.
int EntryLevel(const DeviceEntry& e) {
  bool model_captured = false;
  for (const Keyword& k : e.keywords)
    if (k.compiled && k.compiled->NamedCapturingGroups().count("model")) model_captured = true;
  return DeriveLevel(e.vendor, model_captured && e.model.empty() ? "captured" : e.model, e.type);
}

void RunEvaluate(EvaluateOptions& o) {
  auto truth = LoadGroundTruth(o.truth);
  if (!truth.ok()) throw CommandExit{kExitBadInput, truth.error()};
  auto store = Store::Open(o.store);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  RoundEvaluationInput input = ReadStore(**store, o.round);
  input.truth = &truth.value();
  RoundEvaluation ev = EvaluateRounds(input);

  auto paths = ResolveDbPaths(o.db);
  if (!paths.ok()) throw CommandExit{kExitFailed, paths.error()};
  auto db = LoadDeviceDb(paths.value());
  if (!db.ok()) throw CommandExit{kExitBadInput, db.error()};
  std::map<std::string, size_t> db_by_type;
  std::map<int, size_t> db_by_level;
  for (const DeviceEntry& e : db->entries) {
    ++db_by_type[e.type.empty() ? "unknown" : e.type];
    ++db_by_level[EntryLevel(e)];
  }

  std::vector<SweepCell> cells;
  if (o.sweep) {
    auto hosts = LoadRoundHosts(**store, o.round);
    if (!hosts.ok()) throw CommandExit{kExitFailed, hosts.error()};
    auto scored = ScoreHosts(db.value(), *hosts);
    if (!scored.ok()) throw CommandExit{kExitBadInput, scored.error()};
    std::vector<const TruthHost*> truth_of;
    for (const ScoredHost& h : *scored) {
      const TruthRecord* r = truth->Find(h.ip);
      truth_of.push_back(r ? &r->host : nullptr);
    }
    cells = Sweep(*scored, truth_of, SweepGrid{});
  }

  nlohmann::ordered_json j;
  j["rounds"] = nlohmann::ordered_json::array();
  for (const RoundTraffic& r : ev.rounds)
    j["rounds"].push_back({{"round", r.round},
                           {"attempts", r.attempts},
                           {"narrowed", r.narrowed},
                           {"standard", r.standard},
                           {"discovery", r.discovery},
                           {"standard_equivalent", r.standard_equivalent},
                           {"bytes_sent", r.bytes_sent}});
  j["reduction"] = ev.reduction;
  j["coverage"] = ev.coverage;
  j["coverage_ports"] = {{"truth", ev.coverage_ports}, {"found", ev.covered_ports}};
  j["precision"] = ev.precision;
  j["recall"] = ev.recall;
  j["estimated_hosts"] = ev.estimated;
  j["identifiable_hosts"] = ev.identifiable;
  j["correct"] = ev.correct;
  j["false_positives"] = ev.false_positives;
  for (const auto& [t, n] : ev.by_type) j["by_type"][t] = n;
  for (const auto& [l, n] : ev.by_level) j["by_level"][std::to_string(l)] = n;
  for (const auto& [t, n] : db_by_type) j["db"]["by_type"][t] = n;
  for (const auto& [l, n] : db_by_level) j["db"]["by_level"][std::to_string(l)] = n;
  j["db"]["entries"] = db->entries.size();
  if (!cells.empty()) {
    for (const SweepCell& c : cells)
      j["sweep"].push_back({{"threshold", c.threshold},
                            {"alpha", c.alpha},
                            {"estimated", c.estimated},
                            {"fp_rate", c.fp_rate()},
                            {"fn_rate", c.fn_rate()}});
  }

  if (!o.output.empty()) {
    std::ofstream out(o.output, std::ios::trunc);
    if (!out || !(out << j.dump(2) << '\n'))
      throw CommandExit{kExitFailed, o.output + ": cannot write"};
  }
  if (!o.html.empty()) {
    HtmlReport page("narrowscan report");
    page.Heading("Summary");
    page.KeyValues(
        {{"reduction (1 − last round / first round attempts)", Pct(ev.reduction)},
         {"coverage of true open ports on estimated hosts",
          fmt::format("{} ({} of {})", Pct(ev.coverage), ev.covered_ports, ev.coverage_ports)},
         {"precision", Pct(ev.precision)},
         {"recall", Pct(ev.recall)},
         {"hosts estimated", std::to_string(ev.estimated)},
         {"identifiable hosts (truth)", std::to_string(ev.identifiable)}});
    page.Heading("Traffic per round");
    std::vector<std::vector<std::string>> traffic = {{"round", "attempts", "narrowed", "standard",
                                                      "discovery", "standard-set equivalent",
                                                      "bytes sent"}};
    for (const RoundTraffic& r : ev.rounds)
      traffic.push_back({std::to_string(r.round), std::to_string(r.attempts),
                         std::to_string(r.narrowed), std::to_string(r.standard),
                         std::to_string(r.discovery), std::to_string(r.standard_equivalent),
                         std::to_string(r.bytes_sent)});
    page.Table("Connection attempts and bytes (planned pairs split by kind)", traffic);
    auto table = [](const char* key, const auto& counts) {
      std::vector<std::vector<std::string>> rows = {{key, "count"}};
      for (const auto& [k, n] : counts) rows.push_back({fmt::format("{}", k), std::to_string(n)});
      return rows;
    };
    page.Heading("Device DB and estimated hosts (paper Tables 1–4)");
    page.Table("Table 1: device DB by type", table("type", db_by_type));
    page.Table("Table 2: device DB by level", table("level", db_by_level));
    page.Table("Table 3: estimated hosts by type", table("type", ev.by_type));
    page.Table("Table 4: estimated hosts by level", table("level", ev.by_level));
    if (!cells.empty()) {
      page.Heading("Parameter sweep (paper Figures 3–5)");
      for (SweepMetric m : {SweepMetric::kEstimated, SweepMetric::kFalsePositiveRate,
                            SweepMetric::kFalseNegativeRate}) {
        ChartScript chart = MakeSweepChart(cells, m);
        auto svg = RenderSvg(chart.gnuplot);
        if (!svg.ok()) throw CommandExit{kExitFailed, "evaluate: " + svg.error()};
        page.Svg(chart.title, *svg);
      }
    }
    std::ofstream html(o.html, std::ios::trunc);
    if (!html || !(html << page.Render()))
      throw CommandExit{kExitFailed, o.html + ": cannot write"};
  }
  if (o.json) {
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << fmt::format(
        "rounds {}; reduction {}; coverage {} ({} of {} ports); precision {}; recall {} "
        "({} estimated, {} identifiable, {} correct, {} false positives)\n",
        ev.rounds.size(), Pct(ev.reduction), Pct(ev.coverage), ev.covered_ports, ev.coverage_ports,
        Pct(ev.precision), Pct(ev.recall), ev.estimated, ev.identifiable, ev.correct,
        ev.false_positives);
  }
}

}  // namespace

void RegisterEvaluateCommand(CLI::App* app) {
  auto o = std::make_shared<EvaluateOptions>();
  CLI::App* cmd = app->add_subcommand(
      "evaluate",
      "Traffic, reduction, coverage, precision and recall of the fleet's rounds "
      "against a ground truth (report.json / report.html)");
  cmd->add_option("--truth", o->truth, "Ground truth JSONL (ip, label, open_ports, noise)")
      ->required();
  AddStoreOption(cmd, &o->store);
  cmd->add_option("--round", o->round, "Round whose results coverage is measured on (0 = latest)")
      ->capture_default_str();
  cmd->add_option("--db", o->db, "Device DB for Tables 1-2 and the sweep; 'default' = shipped DB");
  cmd->add_flag("--sweep", o->sweep, "Also sweep (th, alpha) over the round's hosts");
  cmd->add_option("--output", o->output, "Write the JSON report to FILE");
  cmd->add_option("--html", o->html, "Write the HTML report to FILE (charts need gnuplot)");
  AddJsonOption(cmd, &o->json);
  cmd->callback([o] { RunEvaluate(*o); });
}

}  // namespace narrowscan

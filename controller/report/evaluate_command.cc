// `narrowscan evaluate`: a fleet store's rounds against ground truths — per round the
// traffic and its metrics (reduction, responsive_reduction, wire_bytes) and, for the
// rounds with a truth, coverage_all and its split (round_evaluation.h); the paper's
// coverage, precision and recall, estimates and the device DB by type and level (the
// paper's Tables 1–4), optionally the (th, α) sweep — as text, JSON (the demo's
// report.json) and an HTML report.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/ipv4.h"
#include "common/port_list.h"
#include "controller/cli/cli_options.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/fleet/fleet_reader.h"
#include "controller/fleet/fleet_store.h"
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
  std::string truth, truth_dir, store, output, html;
  std::vector<std::string> db;
  int64_t round = 0;
  bool sweep = false;
  bool json = false;
};

// Ends the command (exit 1) when reading the fleet's tables failed.
void Check(const Status& read, const Store& store) {
  if (!read.ok()) throw CommandExit{kExitFailed, store.path() + ": " + read.error()};
}

using OpenPorts = std::unordered_map<std::string, std::set<uint16_t>>;

OpenPorts FoundOpen(Store& store, int64_t round) {
  OpenPorts found;
  Check(fleet::FleetReader(store).ForEachOpenPort(
            round, [&](Ipv4 ip, uint16_t port) { found[FormatIpv4(ip)].insert(port); }),
        store);
  return found;
}

// The round's standard set: the union over its probes' plans (they share one).
std::vector<uint16_t> StandardPorts(Store& store, int64_t round) {
  std::set<uint16_t> ports;
  auto add = [&](const std::string& probe, const std::string& summary_json) {
    const std::string where =
        fmt::format("{}: plan of probe '{}' for round {}", store.path(), probe, round);
    auto summary = nlohmann::json::parse(summary_json, nullptr, false);
    if (summary.is_discarded() || !summary.contains("standard_ports") ||
        !summary["standard_ports"].is_string())
      throw CommandExit{kExitFailed, where + ": summary has no \"standard_ports\" string"};
    auto list = ParsePortList(summary["standard_ports"].get<std::string>());
    if (!list.ok()) throw CommandExit{kExitFailed, where + ": standard_ports: " + list.error()};
    ports.insert(list->begin(), list->end());
  };
  Check(fleet::FleetReader(store).ForEachPlanSummary(round, add), store);
  return {ports.begin(), ports.end()};
}

// DIR/N.jsonl for the rounds `ids` and the rounds before them, where present.
std::map<int64_t, GroundTruth> LoadTruthDir(const std::string& dir,
                                            const std::vector<int64_t>& ids) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw CommandExit{kExitBadInput, fmt::format("--truth-dir {}: not a directory", dir)};
  std::map<int64_t, GroundTruth> truths;
  for (int64_t id : ids)
    for (int64_t n : {id - 1, id}) {
      const std::string path = fmt::format("{}/{}.jsonl", dir, n);
      if (n < 1 || truths.count(n) || !std::filesystem::exists(path, ec)) continue;
      auto truth = LoadGroundTruth(path);
      if (!truth.ok()) throw CommandExit{kExitBadInput, truth.error()};
      truths.emplace(n, std::move(*truth));
    }
  return truths;
}

// Every round's counters, and coverage inputs for the rounds `truths` has.
RoundEvaluationInput ReadStore(fleet::FleetStore& fleet_store, int64_t round,
                               const std::vector<fleet::RoundRecord>& rounds,
                               const std::map<int64_t, const GroundTruth*>& truths,
                               const std::map<int64_t, GroundTruth>& previous) {
  Store& store = fleet_store.store();
  RoundEvaluationInput in;
  std::set<std::string> estimated;
  Check(fleet::FleetReader(store).ForEachTopEstimate([&](const fleet::TopEstimate& e) {
    const std::string ip = FormatIpv4(e.ip);
    in.estimates[ip] = HostEstimate{{e.vendor, e.type, e.product, e.model}, e.level};
    estimated.insert(ip);
  }),
        store);
  for (const fleet::RoundRecord& r : rounds) {
    auto total = fleet_store.RoundTotal(r.id);
    if (!total.ok()) throw CommandExit{kExitFailed, store.path() + ": " + total.error()};
    RoundInput ri{r.id, *total, std::nullopt};
    if (auto truth = truths.find(r.id); truth != truths.end()) {
      auto before = previous.find(r.id - 1);
      ri.coverage =
          RoundCoverageInput{truth->second, before == previous.end() ? nullptr : &before->second,
                             StandardPorts(store, r.id), FoundOpen(store, r.id), estimated};
    }
    in.rounds.push_back(std::move(ri));
  }
  in.found_open = FoundOpen(store, round);
  return in;
}

std::string Pct(double v) { return fmt::format("{:.1f} %", 100 * v); }

nlohmann::ordered_json CountJson(const CoverageCount& c) {
  const std::optional<double> ratio = c.ratio();
  return {{"found", c.found},
          {"truth", c.truth},
          {"ratio", ratio ? nlohmann::ordered_json(*ratio) : nlohmann::ordered_json()}};
}

// "99.5 % (199 of 200)"; "–" when not measured or nothing to find.
std::string CountText(const CoverageCount& c) {
  const std::optional<double> ratio = c.ratio();
  return ratio ? fmt::format("{} ({} of {})", Pct(*ratio), c.found, c.truth) : "–";
}

// The level an entry reaches when its captures fire: most entries take the model number
// from a named group `model` of a keyword rather than a fixed `model` value.
int EntryLevel(const DeviceEntry& e) {
  bool model_captured = false;
  for (const Keyword& k : e.keywords)
    if (k.compiled && k.compiled->NamedCapturingGroups().count("model")) model_captured = true;
  return DeriveLevel(e.vendor, model_captured && e.model.empty() ? "captured" : e.model, e.type);
}

void RunEvaluate(EvaluateOptions& o) {
  if (o.truth.empty() && o.truth_dir.empty())
    throw CommandExit{kExitBadInput, "evaluate: give --truth FILE or --truth-dir DIR"};
  auto fleet_store = fleet::FleetStore::Open(o.store);
  if (!fleet_store.ok()) throw CommandExit{kExitFailed, fleet_store.error()};
  Store& store = (*fleet_store)->store();
  if (o.round == 0) {
    auto latest = fleet::FleetReader(store).LatestResultRound();
    if (!latest.ok()) throw CommandExit{kExitFailed, latest.error()};
    o.round = *latest;
  }
  auto rounds = (*fleet_store)->Rounds();
  if (!rounds.ok()) throw CommandExit{kExitFailed, store.path() + ": " + rounds.error()};
  std::vector<int64_t> ids;
  for (const fleet::RoundRecord& r : *rounds) ids.push_back(r.id);

  // --truth-dir: coverage of every round with a truth; --truth alone: of the evaluated
  // round. The paper's figures use --truth, else the evaluated round's file.
  std::map<int64_t, GroundTruth> dir_truths;
  if (!o.truth_dir.empty()) dir_truths = LoadTruthDir(o.truth_dir, ids);
  std::optional<GroundTruth> file_truth;
  if (!o.truth.empty()) {
    auto truth = LoadGroundTruth(o.truth);
    if (!truth.ok()) throw CommandExit{kExitBadInput, truth.error()};
    file_truth = std::move(*truth);
  }
  std::map<int64_t, const GroundTruth*> truths;
  if (!o.truth_dir.empty()) {
    for (int64_t id : ids)
      if (auto it = dir_truths.find(id); it != dir_truths.end()) truths[id] = &it->second;
    if (truths.empty())
      throw CommandExit{kExitBadInput,
                        fmt::format("--truth-dir {}: no N.jsonl for any of the store's {} rounds",
                                    o.truth_dir, ids.size())};
  } else {
    truths[o.round] = &*file_truth;
  }
  const GroundTruth* paper_truth = nullptr;
  if (file_truth)
    paper_truth = &*file_truth;
  else if (auto it = dir_truths.find(o.round); it != dir_truths.end())
    paper_truth = &it->second;
  else
    throw CommandExit{kExitBadInput,
                      fmt::format("--truth-dir {}: no {}.jsonl for the evaluated round {} (give "
                                  "--truth FILE or --round)",
                                  o.truth_dir, o.round, o.round)};

  RoundEvaluationInput input = ReadStore(**fleet_store, o.round, *rounds, truths, dir_truths);
  input.truth = paper_truth;
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
    auto hosts = LoadRoundHosts(store, o.round);
    if (!hosts.ok()) throw CommandExit{kExitFailed, hosts.error()};
    auto scored = ScoreHosts(db.value(), *hosts);
    if (!scored.ok()) throw CommandExit{kExitBadInput, scored.error()};
    std::vector<const TruthHost*> truth_of;
    for (const ScoredHost& h : *scored) {
      const TruthRecord* r = paper_truth->Find(h.ip);
      truth_of.push_back(r ? &r->host : nullptr);
    }
    cells = Sweep(*scored, truth_of, SweepGrid{});
  }

  nlohmann::ordered_json j;
  j["rounds"] = nlohmann::ordered_json::array();
  for (const RoundOutcome& r : ev.rounds) {
    const fleet::RoundCounters& c = r.counters;
    nlohmann::ordered_json round = {
        {"round", r.round},
        {"attempts", c.attempts},
        {"narrowed", c.planned_narrowed},
        {"standard", c.planned_standard},
        {"discovery", c.planned_discovery},
        {"refresh", c.planned_refresh},
        {"standard_equivalent", c.standard_equivalent},
        {"responsive_equivalent", c.responsive_equivalent},
        {"outcomes", {{"open", c.open}, {"closed", c.closed}, {"timeout", c.timeout}}},
        {"bytes_sent", c.bytes_sent},
        {"bytes_received", c.bytes_received},
        {"wire_bytes", r.metrics.wire_bytes},
        {"reduction", r.metrics.reduction},
        {"responsive_reduction", r.metrics.responsive_reduction}};
    if (r.coverage) {
      const RoundCoverage& cov = *r.coverage;
      round["coverage_all"] = CountJson(cov.all);
      round["coverage_by"] = {
          {"estimated", CountJson(cov.estimated)},
          {"not_estimated", CountJson(cov.not_estimated)},
          {"iot", CountJson(cov.iot)},
          {"noise", CountJson(cov.noise)},
          {"moved", cov.has_previous ? CountJson(cov.moved) : nlohmann::ordered_json()},
          {"appeared", cov.has_previous ? CountJson(cov.appeared) : nlohmann::ordered_json()}};
      round["outside_standard_set"] = cov.outside_standard_set;
      round["outside_standard_set_found"] = cov.outside_standard_set_found;
    }
    j["rounds"].push_back(std::move(round));
  }
  j["reduction"] = ev.after_first.reduction;
  j["rounds_after_first"] = {
      {"reduction", ev.after_first.reduction},
      {"responsive_reduction", ev.after_first.responsive_reduction},
      {"wire_bytes", ev.after_first.wire_bytes},
      {"coverage_all_min", ev.coverage_all_min ? nlohmann::ordered_json(*ev.coverage_all_min)
                                               : nlohmann::ordered_json()}};
  j["evaluated_round"] = o.round;
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
        {{"reduction, rounds after the first (1 − Σ attempts / Σ standard-set equivalent)",
          Pct(ev.after_first.reduction)},
         {"responsive reduction, rounds after the first (1 − Σ narrowed+standard planned / Σ "
          "standard set on hosts that answered before)",
          Pct(ev.after_first.responsive_reduction)},
         {"lowest coverage_all of the rounds after the first",
          ev.coverage_all_min ? Pct(*ev.coverage_all_min) : "–"},
         {fmt::format("coverage of true open ports on estimated hosts (round {})", o.round),
          fmt::format("{} ({} of {})", Pct(ev.coverage), ev.covered_ports, ev.coverage_ports)},
         {"precision", Pct(ev.precision)},
         {"recall", Pct(ev.recall)},
         {"hosts estimated", std::to_string(ev.estimated)},
         {"identifiable hosts (truth)", std::to_string(ev.identifiable)}});
    page.Heading("Round metrics");
    page.Paragraph(
        "Per round, one definition with `narrowscan report` (design §4 \"Round metrics\"). "
        "wire bytes: estimated from the attempt outcomes with IPv4 and TCP headers; "
        "coverage_all: true open services on standard-set ports the round found open, over all "
        "truth hosts, split by estimate (current estimates), IoT/noise and hosts that moved or "
        "appeared since the previous round's truth.");
    std::vector<std::vector<std::string>> metrics = {
        {"round", "attempts", "standard-set equivalent", "reduction", "responsive reduction",
         "bytes sent", "bytes received", "wire bytes", "coverage_all", "estimated", "not estimated",
         "IoT", "noise", "moved", "appeared", "outside standard set (found)"}};
    for (const RoundOutcome& r : ev.rounds) {
      std::vector<std::string> row = {std::to_string(r.round),
                                      std::to_string(r.counters.attempts),
                                      std::to_string(r.counters.standard_equivalent),
                                      Pct(r.metrics.reduction),
                                      Pct(r.metrics.responsive_reduction),
                                      std::to_string(r.counters.bytes_sent),
                                      std::to_string(r.counters.bytes_received),
                                      std::to_string(r.metrics.wire_bytes)};
      if (r.coverage) {
        const RoundCoverage& c = *r.coverage;
        for (const CoverageCount* count :
             {&c.all, &c.estimated, &c.not_estimated, &c.iot, &c.noise})
          row.push_back(CountText(*count));
        row.push_back(c.has_previous ? CountText(c.moved) : "–");
        row.push_back(c.has_previous ? CountText(c.appeared) : "–");
        row.push_back(
            fmt::format("{} ({} found)", c.outside_standard_set, c.outside_standard_set_found));
      } else {
        row.resize(metrics.front().size(), "–");
      }
      metrics.push_back(std::move(row));
    }
    page.Table("Reduction, bytes and coverage per round", metrics);
    page.Heading("Traffic per round");
    std::vector<std::vector<std::string>> traffic = {{"round", "attempts", "narrowed", "standard",
                                                      "discovery", "standard-set equivalent",
                                                      "bytes sent"}};
    for (const RoundOutcome& r : ev.rounds)
      traffic.push_back(
          {std::to_string(r.round), std::to_string(r.counters.attempts),
           std::to_string(r.counters.planned_narrowed), std::to_string(r.counters.planned_standard),
           std::to_string(r.counters.planned_discovery),
           std::to_string(r.counters.standard_equivalent), std::to_string(r.counters.bytes_sent)});
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
    std::string text;
    for (const RoundOutcome& r : ev.rounds) {
      text +=
          fmt::format("round {}: attempts {}, reduction {}, responsive reduction {}, wire bytes {}",
                      r.round, r.counters.attempts, Pct(r.metrics.reduction),
                      Pct(r.metrics.responsive_reduction), r.metrics.wire_bytes);
      if (r.coverage)
        text += fmt::format(", coverage_all {}, {} outside the standard set ({} found)",
                            CountText(r.coverage->all), r.coverage->outside_standard_set,
                            r.coverage->outside_standard_set_found);
      text += "\n";
    }
    text += fmt::format(
        "rounds after the first: reduction {}, responsive reduction {}, lowest coverage_all {}\n"
        "round {}: coverage of estimated hosts {} ({} of {} ports); precision {}; recall {} "
        "({} estimated, {} identifiable, {} correct, {} false positives)\n",
        Pct(ev.after_first.reduction), Pct(ev.after_first.responsive_reduction),
        ev.coverage_all_min ? Pct(*ev.coverage_all_min) : "–", o.round, Pct(ev.coverage),
        ev.covered_ports, ev.coverage_ports, Pct(ev.precision), Pct(ev.recall), ev.estimated,
        ev.identifiable, ev.correct, ev.false_positives);
    std::cout << text;
  }
}

}  // namespace

void RegisterEvaluateCommand(CLI::App* app) {
  auto o = std::make_shared<EvaluateOptions>();
  CLI::App* cmd = app->add_subcommand(
      "evaluate",
      "Traffic, reduction, coverage, precision and recall of the fleet's rounds "
      "against a ground truth (report.json / report.html)");
  cmd->add_option("--truth", o->truth,
                  "Ground truth JSONL (ip, label, open_ports, noise, host_id) of the evaluated "
                  "round");
  cmd->add_option("--truth-dir", o->truth_dir,
                  "Folder of N.jsonl, the truth in force during round N: coverage_all of every "
                  "round that has one");
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

#include "controller/fleet/fleet_report.h"

#include <fmt/format.h>

namespace narrowscan::fleet {

namespace {

Result<int64_t> Count(Store& db, std::string_view sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return Error{st.error()};
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  return *row ? st->ColumnInt(0) : 0;
}

// The counters of a probe or of a whole round, with their metrics (round_metrics.h).
nlohmann::json CountersJson(const RoundCounters& c) {
  const RoundMetrics m = ComputeRoundMetrics(c);
  const int64_t planned = c.planned_narrowed + c.planned_standard + c.planned_discovery;
  return {{"planned",
           {{"narrowed", c.planned_narrowed},
            {"standard", c.planned_standard},
            {"discovery", c.planned_discovery},
            {"refresh", c.planned_refresh},
            {"all", planned}}},
          {"attempts", c.attempts},
          {"outcomes", {{"open", c.open}, {"closed", c.closed}, {"timeout", c.timeout}}},
          {"bytes_sent", c.bytes_sent},
          {"bytes_received", c.bytes_received},
          {"wire_bytes", m.wire_bytes},
          {"standard_equivalent", c.standard_equivalent},
          {"responsive_equivalent", c.responsive_equivalent},
          {"reduction", m.reduction},
          {"responsive_reduction", m.responsive_reduction},
          {"planned_reduction", Reduction(planned, c.standard_equivalent)}};
}

}  // namespace

Result<nlohmann::json> RoundTraffic(FleetStore& store, const RoundRecord& round) {
  auto probes = store.RoundProbes(round.id);
  if (!probes.ok()) return Error{probes.error()};
  nlohmann::json per_probe = nlohmann::json::array();
  RoundCounters total;
  int64_t done = 0, results = 0;
  for (const RoundProbeRecord& r : *probes) {
    nlohmann::json p = {{"probe", r.probe_id}, {"plan_version", r.plan_version}, {"done", r.done}};
    p.update(CountersJson(r.counters));
    p["results"] = r.results;
    per_probe.push_back(std::move(p));
    total += r.counters;
    results += r.results;
    done += r.done ? 1 : 0;
  }
  nlohmann::json total_json = CountersJson(total);
  total_json["results"] = results;
  nlohmann::json out;
  out["round"] = round.id;
  out["state"] = round.state;
  out["started_at"] = round.started_at;
  out["deadline"] = round.deadline;
  out["ended_at"] = round.ended_at;
  out["end_reason"] = round.end_reason;
  out["probes_done"] = done;
  out["probes"] = std::move(per_probe);
  out["total"] = std::move(total_json);
  return out;
}

Result<nlohmann::json> BuildFleetReport(FleetStore& store, int64_t round_id) {
  Store& db = store.store();
  nlohmann::json report;
  auto hosts = Count(db, "SELECT COUNT(*) FROM fleet_hosts");
  auto estimated = Count(db, "SELECT COUNT(DISTINCT ip) FROM fleet_estimates");
  auto results = Count(db, "SELECT COUNT(*) FROM fleet_results");
  auto banners = Count(db, "SELECT COUNT(*) FROM fleet_results WHERE length(banner) > 0");
  if (!hosts.ok() || !estimated.ok() || !results.ok() || !banners.ok())
    return Error{"reading host counts failed"};
  report["hosts"] = {{"answered", *hosts},
                     {"estimated", *estimated},
                     {"not_estimated", *hosts - *estimated},
                     {"results", *results},
                     {"banners", *banners}};

  // Tables 3 and 4 count each host once, by its best match.
  nlohmann::json by_type = nlohmann::json::object(), by_level = nlohmann::json::object();
  auto st = db.Prepare(
      "SELECT COALESCE(NULLIF(type, ''), 'unknown'), COUNT(*) FROM fleet_estimates WHERE rank = 0 "
      "GROUP BY 1 ORDER BY 2 DESC, 1");
  if (!st.ok()) return Error{st.error()};
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    by_type[st->ColumnText(0)] = st->ColumnInt(1);
  }
  auto lv = db.Prepare(
      "SELECT level, COUNT(*) FROM fleet_estimates WHERE rank = 0 GROUP BY 1 ORDER BY 1 DESC");
  if (!lv.ok()) return Error{lv.error()};
  for (;;) {
    auto row = lv->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    by_level[std::to_string(lv->ColumnInt(0))] = lv->ColumnInt(1);
  }
  report["estimates"] = {{"by_type", by_type}, {"by_level", by_level}};

  auto rounds = store.Rounds();
  if (!rounds.ok()) return Error{rounds.error()};
  nlohmann::json list = nlohmann::json::array();
  std::vector<RoundCounters> after_first;
  for (const RoundRecord& r : *rounds) {
    if (r.id != rounds->front().id) {
      auto total = store.RoundTotal(r.id);
      if (!total.ok()) return Error{total.error()};
      after_first.push_back(*total);
    }
    if (round_id != 0 && r.id != round_id) continue;
    auto traffic = RoundTraffic(store, r);
    if (!traffic.ok()) return Error{traffic.error()};
    list.push_back(std::move(*traffic));
  }
  report["rounds"] = list;
  // The first round sweeps everything with the standard set; what narrowing saves
  // shows over the rounds after it (design §4 "Round metrics").
  const RoundMetrics later = AggregateRounds(after_first);
  report["rounds_after_first"] = {{"rounds", after_first.size()},
                                  {"reduction", later.reduction},
                                  {"responsive_reduction", later.responsive_reduction},
                                  {"wire_bytes", later.wire_bytes}};
  report["refused_batches"] = store.RefusalCount();
  return report;
}

std::string FormatFleetReport(const nlohmann::json& r) {
  std::string out =
      fmt::format("hosts: {} answered, {} estimated, {} not estimated ({} results, {} banners)\n",
                  r["hosts"]["answered"].get<int64_t>(), r["hosts"]["estimated"].get<int64_t>(),
                  r["hosts"]["not_estimated"].get<int64_t>(), r["hosts"]["results"].get<int64_t>(),
                  r["hosts"]["banners"].get<int64_t>());
  out += "estimated hosts by type (best match):\n";
  for (auto& [type, n] : r["estimates"]["by_type"].items())
    out += fmt::format("  {:<18} {}\n", type, n.get<int64_t>());
  out += "estimated hosts by level (4 model, 3 vendor+type, 2 vendor, 1 type, 0 IoT-likely):\n";
  for (auto& [level, n] : r["estimates"]["by_level"].items())
    out += fmt::format("  level {:<12} {}\n", level, n.get<int64_t>());
  out += "rounds:\n";
  out += fmt::format("  {:>5} {:<9} {:>10} {:>10} {:>10} {:>10} {:>12} {:>14} {:>10} {:>10}\n",
                     "round", "state", "narrowed", "standard", "discovery", "attempts",
                     "wire_bytes", "std_equivalent", "reduction", "resp_red");
  for (const auto& round : r["rounds"]) {
    const auto& t = round["total"];
    out += fmt::format(
        "  {:>5} {:<9} {:>10} {:>10} {:>10} {:>10} {:>12} {:>14} {:>9.1f}% {:>9.1f}%\n",
        round["round"].get<int64_t>(), round["state"].get<std::string>(),
        t["planned"]["narrowed"].get<int64_t>(), t["planned"]["standard"].get<int64_t>(),
        t["planned"]["discovery"].get<int64_t>(), t["attempts"].get<int64_t>(),
        t["wire_bytes"].get<int64_t>(), t["standard_equivalent"].get<int64_t>(),
        100.0 * t["reduction"].get<double>(), 100.0 * t["responsive_reduction"].get<double>());
  }
  out +=
      "  (narrowed/standard/discovery: planned attempts by class; attempts: made by the "
      "probes;\n   wire_bytes: estimated with IPv4/TCP headers; reduction: 1 - attempts / "
      "std_equivalent;\n   resp_red: 1 - (narrowed + standard) / standard set on hosts that "
      "answered before)\n";
  const auto& later = r["rounds_after_first"];
  out += fmt::format(
      "rounds after the first ({}): reduction {:.1f}%, responsive reduction {:.1f}%, wire bytes "
      "{}\n",
      later["rounds"].get<int64_t>(), 100.0 * later["reduction"].get<double>(),
      100.0 * later["responsive_reduction"].get<double>(), later["wire_bytes"].get<int64_t>());
  out += fmt::format("refused report batches: {}\n", r["refused_batches"].get<int64_t>());
  return out;
}

}  // namespace narrowscan::fleet

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

double Reduction(int64_t attempts, int64_t baseline) {
  return baseline > 0 ? 1.0 - static_cast<double>(attempts) / static_cast<double>(baseline) : 0.0;
}

}  // namespace

Result<nlohmann::json> RoundTraffic(FleetStore& store, const RoundRecord& round) {
  auto probes = store.RoundProbes(round.id);
  if (!probes.ok()) return Error{probes.error()};
  nlohmann::json per_probe = nlohmann::json::array();
  RoundProbeRecord total;
  int64_t done = 0;
  for (const RoundProbeRecord& r : *probes) {
    per_probe.push_back({{"probe", r.probe_id},
                         {"plan_version", r.plan_version},
                         {"done", r.done},
                         {"planned",
                          {{"narrowed", r.planned_narrowed},
                           {"standard", r.planned_standard},
                           {"discovery", r.planned_discovery}}},
                         {"attempts", r.attempts},
                         {"bytes_sent", r.bytes_sent},
                         {"bytes_received", r.bytes_received},
                         {"results", r.results},
                         {"standard_equivalent", r.standard_equivalent},
                         {"reduction", Reduction(r.attempts, r.standard_equivalent)}});
    total.planned_narrowed += r.planned_narrowed;
    total.planned_standard += r.planned_standard;
    total.planned_discovery += r.planned_discovery;
    total.standard_equivalent += r.standard_equivalent;
    total.attempts += r.attempts;
    total.bytes_sent += r.bytes_sent;
    total.bytes_received += r.bytes_received;
    total.results += r.results;
    done += r.done ? 1 : 0;
  }
  const int64_t planned = total.planned_narrowed + total.planned_standard + total.planned_discovery;
  return nlohmann::json{{"round", round.id},
                        {"state", round.state},
                        {"started_at", round.started_at},
                        {"deadline", round.deadline},
                        {"ended_at", round.ended_at},
                        {"end_reason", round.end_reason},
                        {"probes_done", done},
                        {"probes", per_probe},
                        {"total",
                         {{"planned",
                           {{"narrowed", total.planned_narrowed},
                            {"standard", total.planned_standard},
                            {"discovery", total.planned_discovery},
                            {"all", planned}}},
                          {"attempts", total.attempts},
                          {"bytes_sent", total.bytes_sent},
                          {"bytes_received", total.bytes_received},
                          {"results", total.results},
                          {"standard_equivalent", total.standard_equivalent},
                          {"reduction", Reduction(total.attempts, total.standard_equivalent)},
                          {"planned_reduction", Reduction(planned, total.standard_equivalent)}}}};
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
  for (const RoundRecord& r : *rounds) {
    if (round_id != 0 && r.id != round_id) continue;
    auto traffic = RoundTraffic(store, r);
    if (!traffic.ok()) return Error{traffic.error()};
    list.push_back(std::move(*traffic));
  }
  report["rounds"] = list;
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
  out += fmt::format("  {:>5} {:<9} {:>12} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10}\n", "round",
                     "state", "narrowed", "standard", "discovery", "attempts", "bytes_sent",
                     "std_equivalent", "reduction");
  for (const auto& round : r["rounds"]) {
    const auto& t = round["total"];
    out += fmt::format("  {:>5} {:<9} {:>12} {:>12} {:>12} {:>12} {:>12} {:>14} {:>9.1f}%\n",
                       round["round"].get<int64_t>(), round["state"].get<std::string>(),
                       t["planned"]["narrowed"].get<int64_t>(),
                       t["planned"]["standard"].get<int64_t>(),
                       t["planned"]["discovery"].get<int64_t>(), t["attempts"].get<int64_t>(),
                       t["bytes_sent"].get<int64_t>(), t["standard_equivalent"].get<int64_t>(),
                       100.0 * t["reduction"].get<double>());
  }
  out +=
      "  (narrowed/standard/discovery: planned attempts by class; attempts: made by the "
      "probes)\n";
  out += fmt::format("refused report batches: {}\n", r["refused_batches"].get<int64_t>());
  return out;
}

}  // namespace narrowscan::fleet

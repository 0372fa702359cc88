#include "controller/fleet/fleet_stats.h"

#include <map>
#include <utility>

namespace narrowscan::fleet {

namespace {

// Visits every row of `sql`.
template <class Visit>
Status ForEachRow(Store& db, std::string_view sql, Visit visit) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return Error{st.error()};
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) return Status::Ok();
    visit(*st);
  }
}

}  // namespace

std::string_view RefusalKind(std::string_view reason) {
  // The texts are those of report_ingest.cc and report_scope.cc; order matters where
  // one text contains another's marker.
  static const std::pair<std::string_view, std::string_view> kMarkers[] = {
      {"report from unknown probe", "unknown_probe"},
      {"batch names probe", "wrong_probe"},
      {"outside its region", "outside_region"},
      {"has ended", "round_ended"},
      {"does not have", "port_not_planned"},
      {"where its plan has", "too_many_results"},
      {"is not assigned to it", "not_assigned"},
      {"no plan of round", "not_assigned"},
      {"storing round", "store_error"},
  };
  for (const auto& [marker, kind] : kMarkers)
    if (reason.find(marker) != std::string_view::npos) return kind;
  return "invalid_batch";
}

Result<FleetStats> ReadFleetStats(FleetStore& store) {
  Store& db = store.store();
  FleetStats out;
  Status s = ForEachRow(db,
                        "SELECT probe_id, SUM(attempts), SUM(results) FROM fleet_round_probes "
                        "GROUP BY probe_id ORDER BY probe_id",
                        [&](const Statement& st) {
                          out.probes.push_back(
                              {st.ColumnText(0), st.ColumnInt(1), st.ColumnInt(2)});
                        });
  if (!s.ok()) return Error{s.error()};

  std::map<std::pair<std::string, std::string>, int64_t> refusals;
  s = ForEachRow(db,
                 "SELECT COALESCE(probe_id, ''), reason, COUNT(*) FROM fleet_refusals "
                 "GROUP BY 1, 2",
                 [&](const Statement& st) {
                   refusals[{st.ColumnText(0), std::string(RefusalKind(st.ColumnText(1)))}] +=
                       st.ColumnInt(2);
                 });
  if (!s.ok()) return Error{s.error()};
  for (const auto& [key, n] : refusals) out.refusals.push_back({key.first, key.second, n});

  s = ForEachRow(db,
                 "SELECT COALESCE(NULLIF(type, ''), 'unknown'), "
                 "COALESCE(NULLIF(vendor, ''), 'unknown'), COUNT(*) FROM fleet_estimates "
                 "WHERE rank = 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
                 [&](const Statement& st) {
                   out.hosts_by_type_vendor.push_back(
                       {st.ColumnText(0), st.ColumnText(1), st.ColumnInt(2)});
                 });
  if (!s.ok()) return Error{s.error()};

  s = ForEachRow(db,
                 "SELECT (SELECT COUNT(*) FROM fleet_profiles), (SELECT COUNT(*) FROM "
                 "fleet_hosts), (SELECT COUNT(*) FROM fleet_estimates WHERE rank = 0)",
                 [&](const Statement& st) {
                   out.profiles = st.ColumnInt(0);
                   out.hosts_answered = st.ColumnInt(1);
                   out.hosts_estimated = st.ColumnInt(2);
                 });
  if (!s.ok()) return Error{s.error()};
  return out;
}

}  // namespace narrowscan::fleet

#include "controller/fleet/fleet_reader.h"

namespace narrowscan::fleet {

namespace {

constexpr int64_t kStateOpen = 0;  // wire::PortState::kOpen as fleet_results stores it

// Runs `query` (bound by `bind`) to the end, calling `row` on each row.
Status EachRow(Store& store, std::string_view sql, const std::function<void(Statement&)>& bind,
               const std::function<void(Statement&)>& row) {
  auto st = store.Prepare(sql);
  if (!st.ok()) return Error{st.error()};
  bind(*st);
  for (;;) {
    auto more = st->Step();
    if (!more.ok()) return Error{more.error()};
    if (!*more) return Status::Ok();
    row(*st);
  }
}

// The one value of a one-row query.
Result<int64_t> Single(Store& store, std::string_view sql,
                       const std::function<void(Statement&)>& bind) {
  int64_t value = 0;
  if (Status s = EachRow(store, sql, bind, [&](Statement& st) { value = st.ColumnInt(0); });
      !s.ok())
    return Error{s.error()};
  return value;
}

void NoBinding(Statement&) {}

}  // namespace

Result<bool> FleetReader::HasResults() {
  auto n = Single(store_,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                  "'fleet_results'",
                  NoBinding);
  if (!n.ok()) return Error{n.error()};
  return *n > 0;
}

Result<int64_t> FleetReader::LatestResultRound() {
  return Single(store_, "SELECT COALESCE(MAX(round_id), 0) FROM fleet_results", NoBinding);
}

Result<int64_t> FleetReader::ResultCount(int64_t round) {
  return Single(store_, "SELECT count(*) FROM fleet_results WHERE round_id = ?",
                [&](Statement& st) { st.Bind(1, round); });
}

Status FleetReader::ForEachOpenPort(int64_t round,
                                    const std::function<void(Ipv4, uint16_t)>& visit) {
  return EachRow(
      store_,
      "SELECT ip, port FROM fleet_results WHERE round_id = ? AND state = ? ORDER BY ip, port",
      [&](Statement& st) { st.Bind(1, round).Bind(2, kStateOpen); },
      [&](Statement& st) {
        visit(static_cast<Ipv4>(st.ColumnInt(0)), static_cast<uint16_t>(st.ColumnInt(1)));
      });
}

Status FleetReader::ForEachOpenResult(int64_t round,
                                      const std::function<void(const OpenResult&)>& visit) {
  return EachRow(
      store_,
      "SELECT ip, port, service, banner, tls_subject, tls_issuer, committed_at FROM fleet_results "
      "WHERE round_id = ? AND state = ? ORDER BY ip, port",
      [&](Statement& st) { st.Bind(1, round).Bind(2, kStateOpen); },
      [&](Statement& st) {
        visit(OpenResult{static_cast<Ipv4>(st.ColumnInt(0)), static_cast<uint16_t>(st.ColumnInt(1)),
                         st.ColumnText(2), st.ColumnBlob(3), st.ColumnText(4), st.ColumnText(5),
                         st.ColumnInt(6)});
      });
}

Status FleetReader::ForEachPlanSummary(
    int64_t round,
    const std::function<void(const std::string& probe, const std::string& summary)>& visit) {
  return EachRow(
      store_, "SELECT probe_id, summary_json FROM fleet_plans WHERE round_id = ?",
      [&](Statement& st) { st.Bind(1, round); },
      [&](Statement& st) { visit(st.ColumnText(0), st.ColumnText(1)); });
}

Status FleetReader::ForEachTopEstimate(const std::function<void(const TopEstimate&)>& visit) {
  return EachRow(
      store_,
      "SELECT e.ip, e.vendor, e.type, e.product, e.model, e.level FROM fleet_estimates e "
      "JOIN (SELECT ip, MIN(rank) AS r FROM fleet_estimates GROUP BY ip) b "
      "ON e.ip = b.ip AND e.rank = b.r",
      NoBinding, [&](Statement& st) {
        visit(TopEstimate{static_cast<Ipv4>(st.ColumnInt(0)), st.ColumnText(1), st.ColumnText(2),
                          st.ColumnText(3), st.ColumnText(4), static_cast<int>(st.ColumnInt(5))});
      });
}

}  // namespace narrowscan::fleet

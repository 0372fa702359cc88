#include "controller/fleet/host_detail.h"

#include <string_view>

#include "common/base64.h"
#include "common/utf8.h"

namespace narrowscan::fleet {

namespace {

using nlohmann::json;

json TextOrNull(const Statement& st, int column) {
  return st.ColumnIsNull(column) ? json(nullptr) : json(st.ColumnText(column));
}

// Steps `st` (bound to the address) and hands every row to `visit`.
template <class Visit>
Status Rows(Result<Statement>& st, Ipv4 ip, Visit visit) {
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, static_cast<int64_t>(ip));
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) return Status::Ok();
    visit(*st);
  }
}

constexpr std::string_view kResultStates[] = {"open", "closed", "timeout"};

}  // namespace

Result<std::optional<json>> HostDetail(FleetStore& store, Ipv4 ip) {
  Store& db = store.store();
  json out = {{"ip", FormatIpv4(ip)}, {"host", nullptr}, {"plan", nullptr}};
  out["results"] = json::array();
  out["estimates"] = json::array();

  auto host = db.Prepare(
      "SELECT first_round, last_round, obs_round, open_ports, devices, full_open_ports, "
      "silent_streak, estimated_ports, deviated FROM fleet_hosts WHERE ip = ?");
  Status s = Rows(host, ip, [&](const Statement& st) {
    out["host"] = {{"first_round", st.ColumnInt(0)},     {"last_round", st.ColumnInt(1)},
                   {"obs_round", st.ColumnInt(2)},       {"open_ports", st.ColumnText(3)},
                   {"devices", st.ColumnText(4)},        {"full_open_ports", TextOrNull(st, 5)},
                   {"silent_streak", st.ColumnInt(6)},   {"estimated_ports", st.ColumnText(7)},
                   {"deviated", st.ColumnInt(8) != 0}};
  });
  if (!s.ok()) return Error{s.error()};

  // The primary key is (round_id, ip, port): naming the rounds keeps this a key lookup.
  auto results = db.Prepare(
      "SELECT round_id, probe_id, port, state, service, banner, tls_subject, tls_issuer "
      "FROM fleet_results WHERE round_id IN (SELECT id FROM fleet_rounds ORDER BY id DESC "
      "LIMIT 10) AND ip = ? ORDER BY round_id, port");
  s = Rows(results, ip, [&](const Statement& st) {
    const int64_t state = st.ColumnInt(3);
    json r = {{"round", st.ColumnInt(0)},
              {"probe", st.ColumnText(1)},
              {"port", st.ColumnInt(2)},
              {"state", state >= 0 && state < 3 ? kResultStates[state] : "unknown"},
              {"service", st.ColumnText(4)}};
    const std::string banner = st.ColumnBlob(5);
    if (IsValidUtf8(banner)) {
      r["banner"] = banner;
    } else {
      r["banner_b64"] = Base64Encode(banner);
    }
    if (!st.ColumnIsNull(6) || !st.ColumnIsNull(7))
      r["tls"] = {{"subject", st.ColumnText(6)}, {"issuer", st.ColumnText(7)}};
    out["results"].push_back(std::move(r));
  });
  if (!s.ok()) return Error{s.error()};

  auto estimates = db.Prepare(
      "SELECT rank, device, score, banner_score, port_score, vendor, type, product, model, "
      "version, level, round_id FROM fleet_estimates WHERE ip = ? ORDER BY rank");
  s = Rows(estimates, ip, [&](const Statement& st) {
    out["estimates"].push_back({{"rank", st.ColumnInt(0)},
                                {"device", st.ColumnText(1)},
                                {"score", st.ColumnDouble(2)},
                                {"banner_score", st.ColumnDouble(3)},
                                {"port_score", st.ColumnDouble(4)},
                                {"vendor", TextOrNull(st, 5)},
                                {"type", TextOrNull(st, 6)},
                                {"product", TextOrNull(st, 7)},
                                {"model", TextOrNull(st, 8)},
                                {"version", TextOrNull(st, 9)},
                                {"level", st.ColumnInt(10)},
                                {"round", st.ColumnInt(11)}});
  });
  if (!s.ok()) return Error{s.error()};

  auto plan = db.Prepare("SELECT planned_round, scanned_ports FROM fleet_host_plans WHERE ip = ?");
  s = Rows(plan, ip, [&](const Statement& st) {
    out["plan"] = {{"round", st.ColumnInt(0)}, {"ports", st.ColumnText(1)}};
  });
  if (!s.ok()) return Error{s.error()};

  if (out["host"].is_null() && out["plan"].is_null() && out["results"].empty())
    return std::optional<json>();
  return std::optional<json>(std::move(out));
}

}  // namespace narrowscan::fleet

#include "controller/report/fleet_hosts_source.h"

#include <map>

#include "common/ipv4.h"

namespace narrowscan {

namespace {
constexpr int64_t kStateOpen = 0;  // PortState::Open in the fleet's report schema
}

Result<int64_t> LatestResultRound(Store& store) {
  auto st = store.Prepare("SELECT COALESCE(MAX(round_id), 0) FROM fleet_results");
  if (!st.ok()) return Error{st.error()};
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  return *row ? st->ColumnInt(0) : 0;
}

Result<std::vector<Host>> LoadRoundHosts(Store& store, int64_t round) {
  if (round == 0) {
    auto latest = LatestResultRound(store);
    if (!latest.ok()) return Error{latest.error()};
    round = *latest;
  }
  auto st = store.Prepare(
      "SELECT ip, port, service, banner, tls_subject, tls_issuer FROM fleet_results "
      "WHERE round_id = ? AND state = ? ORDER BY ip, port");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, round).Bind(2, kStateOpen);
  std::vector<Host> hosts;
  int64_t last_ip = -1;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    int64_t ip = st->ColumnInt(0);
    if (ip != last_ip) {
      hosts.push_back(Host{FormatIpv4(static_cast<Ipv4>(ip)), {}, {}});
      last_ip = ip;
    }
    Host& h = hosts.back();
    auto port = static_cast<uint16_t>(st->ColumnInt(1));
    h.open_ports.push_back(port);
    BannerRecord b;
    b.port = port;
    b.service = st->ColumnText(2);
    b.banner = st->ColumnBlob(3);
    if (!st->ColumnIsNull(4)) b.tls_subject = st->ColumnText(4);
    if (!st->ColumnIsNull(5)) b.tls_issuer = st->ColumnText(5);
    if (!b.banner.empty() || b.tls_subject) h.banners.push_back(std::move(b));
  }
  return hosts;
}

}  // namespace narrowscan

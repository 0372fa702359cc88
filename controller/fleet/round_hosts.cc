#include "controller/fleet/round_hosts.h"

namespace narrowscan::fleet {

namespace {
constexpr int64_t kStateOpen = 0;  // wire::PortState::kOpen as fleet_results stores it
}

Result<RoundHostReader> RoundHostReader::Create(Store& store) {
  auto query = store.Prepare(
      "SELECT ip, port, service, banner, tls_subject, tls_issuer FROM fleet_results "
      "WHERE round_id = ? AND ip BETWEEN ? AND ? AND state = ? ORDER BY ip, port");
  if (!query.ok()) return Error{query.error()};
  return RoundHostReader(std::move(*query));
}

Status RoundHostReader::Read(int64_t round, Ipv4 first, Ipv4 last,
                             const std::function<void(Ipv4, Host&)>& visit) {
  query_.Reset();
  query_.Bind(1, round).Bind(2, int64_t{first}).Bind(3, int64_t{last}).Bind(4, kStateOpen);
  Host host;
  int64_t host_ip = -1;
  for (;;) {
    auto row = query_.Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    const int64_t ip = query_.ColumnInt(0);
    if (ip != host_ip) {
      if (host_ip >= 0) visit(static_cast<Ipv4>(host_ip), host);
      host = Host{FormatIpv4(static_cast<Ipv4>(ip)), {}, {}};
      host_ip = ip;
    }
    const auto port = static_cast<uint16_t>(query_.ColumnInt(1));
    host.open_ports.push_back(port);
    BannerRecord b;
    b.port = port;
    b.banner = query_.ColumnBlob(3);
    if (!query_.ColumnIsNull(4)) b.tls_subject = query_.ColumnText(4);
    if (!query_.ColumnIsNull(5)) b.tls_issuer = query_.ColumnText(5);
    if (b.banner.empty() && !b.tls_subject) continue;
    b.service = query_.ColumnText(2);
    host.banners.push_back(std::move(b));
  }
  if (host_ip >= 0) visit(static_cast<Ipv4>(host_ip), host);
  return Status::Ok();
}

}  // namespace narrowscan::fleet

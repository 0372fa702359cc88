#include "controller/curate/dataset_hosts.h"

#include "controller/curate/stored_banner.h"

namespace narrowscan {

Status ForEachDatasetHost(Store& store, int64_t dataset,
                          const std::function<Status(Ipv4, const Host&)>& visit) {
  // Two ordered streams merged by IP: every banner's port is also an open port, but an
  // open port may have no banner.
  auto ports = store.Prepare(
      "SELECT ip, port FROM curate_open_ports WHERE dataset_id = ? ORDER BY ip, port");
  auto banners = store.Prepare(
      "SELECT ip, port, service, banner, tls_subject, tls_issuer FROM curate_banners"
      " WHERE dataset_id = ? ORDER BY ip, id");
  if (!ports.ok()) return Error{ports.error()};
  if (!banners.ok()) return Error{banners.error()};
  ports->Bind(1, dataset);
  banners->Bind(1, dataset);
  auto port_row = ports->Step();
  if (!port_row.ok()) return Error{port_row.error()};
  auto banner_row = banners->Step();
  if (!banner_row.ok()) return Error{banner_row.error()};
  while (*port_row || *banner_row) {
    Ipv4 ip = 0;
    if (*port_row) ip = static_cast<Ipv4>(ports->ColumnInt(0));
    if (*banner_row) {
      auto b = static_cast<Ipv4>(banners->ColumnInt(0));
      if (!*port_row || b < ip) ip = b;
    }
    Host host;
    host.ip = FormatIpv4(ip);
    while (*port_row && static_cast<Ipv4>(ports->ColumnInt(0)) == ip) {
      host.open_ports.push_back(static_cast<uint16_t>(ports->ColumnInt(1)));
      port_row = ports->Step();
      if (!port_row.ok()) return Error{port_row.error()};
    }
    while (*banner_row && static_cast<Ipv4>(banners->ColumnInt(0)) == ip) {
      host.banners.push_back(StoredBannerRecord(static_cast<uint16_t>(banners->ColumnInt(1)),
                                                banners->ColumnText(2), banners->ColumnBlob(3),
                                                banners->ColumnText(4), banners->ColumnText(5)));
      banner_row = banners->Step();
      if (!banner_row.ok()) return Error{banner_row.error()};
    }
    if (Status s = visit(ip, host); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace narrowscan

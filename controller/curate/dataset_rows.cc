#include "controller/curate/dataset_rows.h"

namespace narrowscan {

Result<DatasetRows> DatasetRows::Prepare(Store& store, int64_t dataset) {
  auto port = store.Prepare(
      "INSERT OR IGNORE INTO curate_open_ports(dataset_id, ip, port) VALUES(?, ?, ?)");
  if (!port.ok()) return Error{port.error()};
  auto banner = store.Prepare(
      "INSERT INTO curate_banners(dataset_id, ip, port, service, banner, tls_subject, tls_issuer,"
      " seen) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  if (!banner.ok()) return Error{banner.error()};
  return DatasetRows(store, dataset, std::move(*port), std::move(*banner));
}

Status DatasetRows::Add(const ScanRecord& r) {
  insert_port_.Reset();
  insert_port_.Bind(1, dataset_).Bind(2, int64_t{r.ip}).Bind(3, int64_t{r.port});
  if (Status s = insert_port_.Run(); !s.ok()) return s;
  ports_added_ += sqlite3_changes(store_->handle());
  if (!r.has_banner) return Status::Ok();
  insert_banner_.Reset();
  insert_banner_.Bind(1, dataset_)
      .Bind(2, int64_t{r.ip})
      .Bind(3, int64_t{r.port})
      .Bind(4, std::string_view(r.service))
      .BindBlob(5, r.banner.data(), r.banner.size())
      .Bind(6, std::string_view(r.tls_subject))
      .Bind(7, std::string_view(r.tls_issuer))
      .Bind(8, r.seen);
  if (Status s = insert_banner_.Run(); !s.ok()) return s;
  ++banners_added_;
  return Status::Ok();
}

}  // namespace narrowscan

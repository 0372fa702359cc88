#include "controller/curate/fleet_round_import.h"

#include <fmt/format.h>

#include "controller/curate/dataset_catalog.h"

namespace narrowscan {

Result<RoundImportCounts> ImportFleetRound(Store& store, int64_t round,
                                           const std::string& dataset) {
  auto table =
      store.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fleet_results'");
  if (!table.ok()) return Error{table.error()};
  auto has = table->Step();
  if (!has.ok()) return Error{has.error()};
  if (!*has)
    return Error{
        fmt::format("store '{}' holds no fleet rounds (no fleet_results table)", store.path())};
  auto id = FindOrCreateDataset(store, dataset);
  if (!id.ok()) return Error{id.error()};

  Transaction tx(store);
  if (!tx.status().ok()) return Error{tx.status().error()};
  RoundImportCounts counts;
  auto ports = store.Prepare(
      "INSERT OR IGNORE INTO curate_open_ports(dataset_id, ip, port)"
      " SELECT ?, ip, port FROM fleet_results WHERE round_id = ? AND state = 0");
  if (!ports.ok()) return Error{ports.error()};
  ports->Bind(1, *id).Bind(2, round);
  if (Status s = ports->Run(); !s.ok()) return Error{s.error()};
  counts.open_ports = sqlite3_changes(store.handle());
  auto banners = store.Prepare(
      "INSERT INTO curate_banners(dataset_id, ip, port, service, banner, tls_subject, tls_issuer,"
      " seen) SELECT ?, ip, port, service, coalesce(banner, x''), coalesce(tls_subject, ''),"
      " coalesce(tls_issuer, ''), committed_at FROM fleet_results WHERE round_id = ? AND state = 0"
      " AND (length(banner) > 0 OR length(tls_subject) > 0 OR length(tls_issuer) > 0)"
      " ORDER BY ip, port");
  if (!banners.ok()) return Error{banners.error()};
  banners->Bind(1, *id).Bind(2, round);
  if (Status s = banners->Run(); !s.ok()) return Error{s.error()};
  counts.banners = sqlite3_changes(store.handle());
  auto any = store.Prepare("SELECT count(*) FROM fleet_results WHERE round_id = ?");
  if (!any.ok()) return Error{any.error()};
  any->Bind(1, round);
  auto row = any->Step();
  if (!row.ok()) return Error{row.error()};
  if (any->ColumnInt(0) == 0) return Error{fmt::format("fleet round {} has no results", round)};
  if (Status s = tx.Commit(); !s.ok()) return Error{s.error()};
  return counts;
}

}  // namespace narrowscan

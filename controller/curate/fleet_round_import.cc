#include "controller/curate/fleet_round_import.h"

#include <fmt/format.h>

#include "controller/curate/dataset_catalog.h"
#include "controller/curate/dataset_rows.h"
#include "controller/fleet/fleet_reader.h"

namespace narrowscan {

Result<RoundImportCounts> ImportFleetRound(Store& store, int64_t round,
                                           const std::string& dataset) {
  fleet::FleetReader fleet(store);
  auto has = fleet.HasResults();
  if (!has.ok()) return Error{has.error()};
  if (!*has)
    return Error{
        fmt::format("store '{}' holds no fleet rounds (no fleet_results table)", store.path())};
  auto id = FindOrCreateDataset(store, dataset);
  if (!id.ok()) return Error{id.error()};

  Transaction tx(store);
  if (!tx.status().ok()) return Error{tx.status().error()};
  auto rows = DatasetRows::Prepare(store, *id);
  if (!rows.ok()) return Error{rows.error()};
  // Every open port; a banner row only when there is something to cluster.
  Status added = Status::Ok();
  auto add = [&](const fleet::OpenResult& r) {
    if (!added.ok()) return;
    added =
        rows->Add(ScanRecord{r.ip, r.port, r.committed_at,
                             !r.banner.empty() || !r.tls_subject.empty() || !r.tls_issuer.empty(),
                             r.service, r.banner, r.tls_subject, r.tls_issuer});
  };
  if (Status s = fleet.ForEachOpenResult(round, add); !s.ok()) return Error{s.error()};
  if (!added.ok()) return Error{added.error()};
  auto results = fleet.ResultCount(round);
  if (!results.ok()) return Error{results.error()};
  if (*results == 0) return Error{fmt::format("fleet round {} has no results", round)};
  if (Status s = tx.Commit(); !s.ok()) return Error{s.error()};
  return RoundImportCounts{rows->ports_added(), rows->banners_added()};
}

}  // namespace narrowscan

#include "controller/curate/dataset_catalog.h"

#include <fmt/format.h>

#include <ctime>

#include "controller/curate/curate_schema.h"

namespace narrowscan {

namespace {
constexpr size_t kBatch = 50000;
}

Result<int64_t> FindDataset(Store& store, const std::string& name) {
  if (Status s = MigrateCurateSchema(store); !s.ok()) return Error{s.error()};
  auto st = store.Prepare("SELECT id FROM curate_datasets WHERE name = ?");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, name);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (*row) return st->ColumnInt(0);
  auto all = ListDatasets(store);
  std::vector<std::string> names;
  if (all.ok())
    for (const auto& d : *all) names.push_back(d.name);
  return Error{fmt::format("no dataset '{}' in store '{}' (datasets: {})", name, store.path(),
                           names.empty() ? "none; run `narrowscan ingest` first"
                                         : fmt::format("{}", fmt::join(names, ", ")))};
}

Result<int64_t> FindOrCreateDataset(Store& store, const std::string& name) {
  if (name.empty()) return Error{"dataset name is empty"};
  if (Status s = MigrateCurateSchema(store); !s.ok()) return Error{s.error()};
  auto ins = store.Prepare(
      "INSERT INTO curate_datasets(name, created_at) VALUES(?, ?) ON CONFLICT(name) DO NOTHING");
  if (!ins.ok()) return Error{ins.error()};
  ins->Bind(1, name).Bind(2, static_cast<int64_t>(std::time(nullptr)));
  if (Status s = ins->Run(); !s.ok()) return Error{s.error()};
  return FindDataset(store, name);
}

Result<std::vector<DatasetSummary>> ListDatasets(Store& store) {
  if (Status s = MigrateCurateSchema(store); !s.ok()) return Error{s.error()};
  auto st = store.Prepare(
      "SELECT d.name,"
      " (SELECT count(*) FROM curate_banners b WHERE b.dataset_id = d.id),"
      " (SELECT count(*) FROM curate_open_ports p WHERE p.dataset_id = d.id),"
      " (SELECT count(DISTINCT ip) FROM curate_open_ports p WHERE p.dataset_id = d.id)"
      " FROM curate_datasets d ORDER BY d.id");
  if (!st.ok()) return Error{st.error()};
  std::vector<DatasetSummary> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back({st->ColumnText(0), st->ColumnInt(1), st->ColumnInt(2), st->ColumnInt(3)});
  }
  return out;
}

Status ClearDataset(Store& store, int64_t dataset) {
  Transaction tx(store);
  if (!tx.status().ok()) return tx.status();
  for (const char* table : {"curate_banners", "curate_open_ports", "curate_clusters",
                            "curate_cluster_members", "curate_filter_counts", "curate_runs"}) {
    auto del = store.Prepare(fmt::format("DELETE FROM {} WHERE dataset_id = ?", table));
    if (!del.ok()) return Error{del.error()};
    del->Bind(1, dataset);
    if (Status s = del->Run(); !s.ok()) return s;
  }
  return tx.Commit();
}

Result<std::unique_ptr<DatasetWriter>> DatasetWriter::Open(Store& store,
                                                           const std::string& dataset) {
  auto id = FindOrCreateDataset(store, dataset);
  if (!id.ok()) return Error{id.error()};
  auto rows = DatasetRows::Prepare(store, *id);
  if (!rows.ok()) return Error{rows.error()};
  return std::unique_ptr<DatasetWriter>(new DatasetWriter(store, std::move(*rows)));
}

DatasetWriter::DatasetWriter(Store& store, DatasetRows rows)
    : store_(store), rows_(std::move(rows)) {}

DatasetWriter::~DatasetWriter() {
  if (in_transaction_) (void)store_.Rollback();
}

Status DatasetWriter::BeginIfNeeded() {
  if (in_transaction_) return Status::Ok();
  if (Status s = store_.Begin(); !s.ok()) return s;
  in_transaction_ = true;
  return Status::Ok();
}

Status DatasetWriter::Add(const ScanRecord& r) {
  if (Status s = BeginIfNeeded(); !s.ok()) return s;
  if (Status s = rows_.Add(r); !s.ok()) return s;
  if (++pending_ >= kBatch) {
    pending_ = 0;
    in_transaction_ = false;
    if (Status s = store_.Commit(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status DatasetWriter::Finish() {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  return store_.Commit();
}

}  // namespace narrowscan

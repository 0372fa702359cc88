// Named datasets of the curate module: lookup, creation and the write path of ingest.
#ifndef NARROWSCAN_CONTROLLER_CURATE_DATASET_CATALOG_H_
#define NARROWSCAN_CONTROLLER_CURATE_DATASET_CATALOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "controller/curate/dataset_rows.h"
#include "controller/curate/scan_record.h"
#include "controller/store/store.h"

namespace narrowscan {

// Dataset used when a command is given no --dataset.
inline constexpr const char* kDefaultDataset = "default";

// Errors say the dataset does not exist and which ones do.
Result<int64_t> FindDataset(Store& store, const std::string& name);
Result<int64_t> FindOrCreateDataset(Store& store, const std::string& name);

struct DatasetSummary {
  std::string name;
  int64_t banners = 0;
  int64_t open_ports = 0;
  int64_t hosts = 0;
};
Result<std::vector<DatasetSummary>> ListDatasets(Store& store);
// Removes the dataset's banners, open ports and run results; keeps its review decisions.
Status ClearDataset(Store& store, int64_t dataset);

// Appends records to a dataset. Writes are committed in batches (so a huge ingest
// does not hold one transaction); Finish() commits the rest. An open port is stored
// once per (ip, port) whatever the number of records naming it.
class DatasetWriter {
 public:
  static Result<std::unique_ptr<DatasetWriter>> Open(Store& store, const std::string& dataset);
  ~DatasetWriter();
  Status Add(const ScanRecord& record);
  Status Finish();

 private:
  DatasetWriter(Store& store, DatasetRows rows);
  Status BeginIfNeeded();
  Store& store_;
  DatasetRows rows_;
  bool in_transaction_ = false;
  size_t pending_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_DATASET_CATALOG_H_

// DatasetRows: the inserts that put scan records into one curate dataset
// (curate_open_ports, curate_banners), prepared once and reused record after record.
//
// Contract: no transaction of its own — the caller holds one (DatasetWriter commits
// in batches during an ingest; a fleet round import holds one for the whole round).
// An open port is stored once per (ip, port) whatever the number of records naming
// it; a record's banner row is added only when it has_banner. The counts say what the
// inserts really added, so a port the dataset already had is not counted again.
#ifndef NARROWSCAN_CONTROLLER_CURATE_DATASET_ROWS_H_
#define NARROWSCAN_CONTROLLER_CURATE_DATASET_ROWS_H_

#include <cstdint>

#include "common/result.h"
#include "controller/curate/scan_record.h"
#include "controller/store/store.h"

namespace narrowscan {

class DatasetRows {
 public:
  static Result<DatasetRows> Prepare(Store& store, int64_t dataset);

  Status Add(const ScanRecord& record);
  int64_t ports_added() const { return ports_added_; }
  int64_t banners_added() const { return banners_added_; }

 private:
  DatasetRows(Store& store, int64_t dataset, Statement port, Statement banner)
      : store_(&store),
        dataset_(dataset),
        insert_port_(std::move(port)),
        insert_banner_(std::move(banner)) {}
  Store* store_;
  int64_t dataset_;
  Statement insert_port_;
  Statement insert_banner_;
  int64_t ports_added_ = 0;
  int64_t banners_added_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_DATASET_ROWS_H_

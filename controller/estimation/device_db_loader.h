// Loads a device DB (docs/device-db.md) from TOML files or folders.
//
// Every refusal names `FILE:LINE: why` (the line of the offending key or entry):
// unknown keys, a missing/malformed/duplicate id, an unknown type or field, a regex RE2
// cannot compile, a weight <= 0 or an entry's weights summing over 1 (+1e-9), a port
// outside 1..65535, an entry without keywords, malformed examples. By default the
// first bad entry fails the load; with skip_invalid every bad entry is reported in
// `skipped` and left out. A file that is not TOML at all always fails the load.
// Keyword regexes come back compiled (Keyword::compiled).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_LOADER_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_LOADER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "controller/estimation/device_entry.h"

namespace narrowscan {

struct DeviceDbLoadOptions {
  bool skip_invalid = false;
};

class DeviceDbLoader {
 public:
  explicit DeviceDbLoader(DeviceDbLoadOptions options = {}) : options_(options) {}

  // A file, or a folder whose *.toml files are loaded in file-name order.
  Status AddPath(const std::string& path);
  // One TOML document; `source_name` is used in messages and DeviceEntry::file.
  Status AddText(std::string_view text, const std::string& source_name);

  // Messages of the entries left out (only with skip_invalid).
  const std::vector<std::string>& skipped() const { return skipped_; }
  size_t files() const { return files_; }
  // Moves the entries out; the loader is empty afterwards.
  DeviceDb TakeDb();

 private:
  Status AddFile(const std::string& path);

  DeviceDbLoadOptions options_;
  DeviceDb db_;
  std::set<std::string, std::less<>> ids_;
  std::vector<std::string> skipped_;
  size_t files_ = 0;
};

// Convenience: loads every path in order into one DB.
Result<DeviceDb> LoadDeviceDb(const std::vector<std::string>& paths,
                              DeviceDbLoadOptions options = {},
                              std::vector<std::string>* skipped = nullptr);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_LOADER_H_

#include "controller/cli/cli_options.h"

#include <cstdlib>
#include <filesystem>

#include "common/printable.h"

namespace narrowscan {

std::string DefaultStorePath() {
  const char* env = std::getenv("NARROWSCAN_STORE");
  return env && *env ? env : "narrowscan.db";
}

void AddStoreOption(CLI::App* command, std::string* path, StoreUse use) {
  *path = DefaultStorePath();
  command
      ->add_option("--store", *path,
                   "SQLite store (default: $NARROWSCAN_STORE, else ./narrowscan.db)")
      ->capture_default_str();
  if (use == StoreUse::kExisting)
    command->parse_complete_callback([path] { RequireExistingStore(*path); });
}

void RequireExistingStore(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw CommandExit{kExitBadInput, "store '" + Printable(path) +
                                         "' does not exist (probes add, targets add, exclude "
                                         "add or ingest create one; check --store / "
                                         "$NARROWSCAN_STORE)"};
}

void AddJsonOption(CLI::App* command, bool* json) {
  command->add_flag("--json", *json, "Print the result as JSON");
}

}  // namespace narrowscan

#include "controller/cli/cli_options.h"

#include <cstdlib>

namespace narrowscan {

std::string DefaultStorePath() {
  const char* env = std::getenv("NARROWSCAN_STORE");
  return env && *env ? env : "narrowscan.db";
}

void AddStoreOption(CLI::App* command, std::string* path) {
  *path = DefaultStorePath();
  command
      ->add_option("--store", *path,
                   "SQLite store (default: $NARROWSCAN_STORE, else ./narrowscan.db)")
      ->capture_default_str();
}

void AddJsonOption(CLI::App* command, bool* json) {
  command->add_flag("--json", *json, "Print the result as JSON");
}

}  // namespace narrowscan

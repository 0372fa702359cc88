// Options every `narrowscan` subcommand shares, so each is spelled one way. Only the
// controller's: the exit codes both binaries share are common/cli/exit_codes.h.
#ifndef NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_
#define NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "common/cli/exit_codes.h"

namespace narrowscan {

// --store FILE (default: $NARROWSCAN_STORE, else ./narrowscan.db). Only the commands
// that set a store up (probes add, targets add, exclude add, ingest) create it; every
// other command refuses a store that does not exist (exit 2) rather than create an
// empty one and report nothing, which would hide a mistyped path.
// kWhenUsed: the command reads the store only in some modes and calls
// RequireExistingStore() itself when it does.
enum class StoreUse { kExisting, kSetUp, kWhenUsed };
std::string DefaultStorePath();
void AddStoreOption(CLI::App* command, std::string* path, StoreUse use = StoreUse::kExisting);
// Throws CommandExit (exit 2) when `path` does not exist.
void RequireExistingStore(const std::string& path);
// --json
void AddJsonOption(CLI::App* command, bool* json);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_

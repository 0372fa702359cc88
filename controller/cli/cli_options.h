// Options every `narrowscan` subcommand shares, so each is spelled one way.
#ifndef NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_
#define NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

namespace narrowscan {

// Exit codes of the design: 0 success, 1 failed operation, 2 bad usage or input.
enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitBadInput = 2 };

// Thrown from a subcommand callback to end the process with `code` after printing
// `message` to stderr (main() catches it). Keeps callbacks free of exit() calls.
struct CommandExit {
  int code;
  std::string message;
};

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

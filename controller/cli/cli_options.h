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

// --store FILE (default: $NARROWSCAN_STORE, else ./narrowscan.db).
std::string DefaultStorePath();
void AddStoreOption(CLI::App* command, std::string* path);
// --json
void AddJsonOption(CLI::App* command, bool* json);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CLI_CLI_OPTIONS_H_

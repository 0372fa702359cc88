// How a command ends the process: the exit codes of the design and the exception a
// command callback throws to end with one. Shared by `narrowscan` (controller/cli)
// and `narrowscan-probe` (probe/main.cc), so both binaries exit the same way.
//
// Contract: 0 success, 1 failed operation, 2 bad usage or input — never another code.
// A callback throws CommandExit instead of calling exit(), so destructors run and
// main() is the one place that prints `message` (when not empty) to stderr and
// returns `code`.
#ifndef NARROWSCAN_COMMON_CLI_EXIT_CODES_H_
#define NARROWSCAN_COMMON_CLI_EXIT_CODES_H_

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

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_CLI_EXIT_CODES_H_

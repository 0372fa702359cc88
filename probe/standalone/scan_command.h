// `narrowscan-probe scan`: standalone scanning like masscan, JSONL to a file or stdout.
#ifndef NARROWSCAN_PROBE_STANDALONE_SCAN_COMMAND_H_
#define NARROWSCAN_PROBE_STANDALONE_SCAN_COMMAND_H_

#include <CLI/CLI.hpp>

#include "probe/standalone/scan_options.h"

namespace narrowscan {

// Registers the subcommand; its callback runs the scan and throws CommandExit
// (common/cli/exit_codes.h) with the exit code when it is not 0.
void AddScanCommand(CLI::App& app);

// Runs a resolved scan to completion (or SIGINT/SIGTERM). Returns the exit code.
int RunScan(const ScanOptions& options);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_SCAN_COMMAND_H_

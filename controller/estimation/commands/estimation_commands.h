// Registers `narrowscan estimate` and `narrowscan db test|import nmap|import recog`.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_ESTIMATION_COMMANDS_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_ESTIMATION_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace narrowscan {

void RegisterEstimationCommands(CLI::App* app);

// Parts, one per file.
void RegisterEstimateCommand(CLI::App* app);
void RegisterDbCommands(CLI::App* app);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_ESTIMATION_COMMANDS_H_

// Registers `narrowscan sweep` (the (th, α) evaluation of paper §5.2) and
// `narrowscan evaluate` (a round's traffic, coverage and estimation quality against a
// ground truth, as report.json and report.html).
#ifndef NARROWSCAN_CONTROLLER_REPORT_REPORT_COMMANDS_H_
#define NARROWSCAN_CONTROLLER_REPORT_REPORT_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace narrowscan {

void RegisterSweepCommand(CLI::App* app);
void RegisterEvaluateCommand(CLI::App* app);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_REPORT_COMMANDS_H_

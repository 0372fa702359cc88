// Registers `narrowscan ingest` and `narrowscan curate run|funnel|list|show|promote|
// skip|decisions|datasets|rules|evaluate`.
#ifndef NARROWSCAN_CONTROLLER_CURATE_COMMANDS_CURATE_COMMANDS_H_
#define NARROWSCAN_CONTROLLER_CURATE_COMMANDS_CURATE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace narrowscan {

void RegisterCurateCommands(CLI::App* app);

// Parts, one per file.
void RegisterIngestCommand(CLI::App* app);
void RegisterCuratePipelineCommands(CLI::App* curate);  // run, funnel, datasets, rules
void RegisterCurateReviewCommands(CLI::App* curate);    // list, show, promote, skip, decisions
void RegisterCurateEvaluateCommand(CLI::App* curate);   // evaluate

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_COMMANDS_CURATE_COMMANDS_H_

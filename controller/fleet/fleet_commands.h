// Registers the fleet's subcommands on the `narrowscan` CLI: serve, keys, probes,
// targets, exclude, round, plan, report.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace narrowscan {

void RegisterFleetCommands(CLI::App* app);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_

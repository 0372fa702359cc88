// Registers the fleet's subcommands on the `narrowscan` CLI: serve, keys, probes,
// targets, exclude, round, plan, report.
// `serve --http ADDR:PORT` overrides the config's [http] listen.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "common/result.h"
#include "controller/fleet/controller_config.h"
#include "controller/fleet/service_board.h"

namespace narrowscan {

// What runs beside `serve`'s service while it runs (the status server, wired in by
// main.cc so the fleet does not depend on it): called with the config (after --store
// and --http) and the board the service publishes on, once the store is open and
// locked. It returns a handle whose destruction stops it (nullptr: nothing to run), or
// an error, after which serve exits 1 before the service starts.
using ServeCompanion = std::function<Result<std::shared_ptr<void>>(
    const fleet::ControllerConfig& config, const fleet::ServiceBoard& board)>;

void RegisterFleetCommands(CLI::App* app, ServeCompanion companion = {});

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_COMMANDS_H_

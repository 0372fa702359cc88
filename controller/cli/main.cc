// narrowscan: the controller's CLI. Only parses options and wires the subcommands
// that each component registers.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "controller/cli/cli_options.h"
#include "controller/curate/commands/curate_commands.h"
#include "controller/estimation/commands/estimation_commands.h"
#include "controller/fleet/fleet_commands.h"
#include "controller/http/serve_status.h"
#include "controller/report/report_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"narrowscan: narrowed wide-area IoT scanning — controller and tools"};
  app.set_version_flag("--version", std::string("narrowscan ") + NARROWSCAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  // Each component adds its subcommands here (one line each).
  narrowscan::RegisterCurateCommands(&app);
  narrowscan::RegisterEstimationCommands(&app);
  narrowscan::RegisterSweepCommand(&app);
  narrowscan::RegisterEvaluateCommand(&app);
  narrowscan::RegisterFleetCommands(&app, narrowscan::http::StartServeStatus);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : narrowscan::kExitBadInput;
  } catch (const narrowscan::CommandExit& e) {
    if (!e.message.empty()) std::fprintf(stderr, "narrowscan: %s\n", e.message.c_str());
    return e.code;
  }
  return narrowscan::kExitOk;
}

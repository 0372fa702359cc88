// narrowscan-probe: the probe binary. Only parses options and wires the subcommands
// that each part registers.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/cli/exit_codes.h"
#include "probe/agent/run_command.h"
#include "probe/standalone/scan_command.h"

int main(int argc, char** argv) {
  CLI::App app{"narrowscan-probe: rate-limited TCP scanning and banner grabbing"};
  app.set_version_flag("--version", std::string("narrowscan-probe ") + NARROWSCAN_VERSION);
  app.require_subcommand(1);

  // Each part adds its subcommand here (one line each).
  narrowscan::AddScanCommand(app);
  narrowscan::AddRunCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : narrowscan::kExitBadInput;
  } catch (const narrowscan::CommandExit& e) {
    if (!e.message.empty()) std::fprintf(stderr, "narrowscan-probe: %s\n", e.message.c_str());
    return e.code;
  }
  return narrowscan::kExitOk;
}

// `narrowscan-probe run --config probe.toml`: the probe as a fleet member.
#ifndef NARROWSCAN_PROBE_AGENT_RUN_COMMAND_H_
#define NARROWSCAN_PROBE_AGENT_RUN_COMMAND_H_

#include <CLI/CLI.hpp>

namespace narrowscan {

void AddRunCommand(CLI::App& app);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_RUN_COMMAND_H_

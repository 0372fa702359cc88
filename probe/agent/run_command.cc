#include "probe/agent/run_command.h"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "common/cli/exit_codes.h"
#include "probe/agent/probe_agent.h"

namespace narrowscan {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop = true; }
}  // namespace

void AddRunCommand(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  auto* run = app.add_subcommand(
      "run", "Join the fleet: take signed plans from the controller over MQTT, scan, report");
  run->add_option("--config", *config_path, "probe.toml")->required()->check(CLI::ExistingFile);
  run->callback([config_path] {
    auto config = LoadProbeConfig(*config_path);
    if (!config.ok()) throw CommandExit{kExitBadInput, config.error()};
    auto key = SigningKey::LoadFile(config->key_file);
    if (!key.ok()) throw CommandExit{kExitBadInput, key.error()};
    auto controller = VerifyingKey::LoadFile(config->controller_pubkey_file);
    if (!controller.ok()) throw CommandExit{kExitBadInput, controller.error()};
    auto spool = Spool::Open(config->state_dir + "/spool", config->spool_max_bytes);
    if (!spool.ok()) throw CommandExit{kExitFailed, spool.error()};
    auto link = MqttLink::Create(config->mqtt);
    if (!link.ok()) throw CommandExit{kExitBadInput, link.error()};
    if (Status s = (*link)->Start(std::chrono::seconds(5)); !s.ok())
      throw CommandExit{kExitFailed, s.error()};
    std::fprintf(stderr, "narrowscan-probe: probe %s, broker %s (%s)\n", config->id.c_str(),
                 config->mqtt.uri.c_str(), (*link)->Connected() ? "connected" : "connecting");
    std::signal(SIGINT, OnStopSignal);
    std::signal(SIGTERM, OnStopSignal);
    std::signal(SIGPIPE, SIG_IGN);
    ProbeAgent agent(std::move(*config), std::move(*key), std::move(*controller), **link,
                     std::move(*spool));
    Status s = agent.Run(g_stop);
    (*link)->Stop();
    if (!s.ok()) throw CommandExit{kExitFailed, s.error()};
  });
}

}  // namespace narrowscan

// `narrowscan curate evaluate --truth FILE`: precision of the top k clusters in
// IoT-likelihood order (and, as the baseline, in size order) against a ground truth
// JSONL with one {"ip":…,"noise":bool} a line (the testbed's --truth output).
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "controller/cli/cli_options.h"
#include "controller/curate/cluster_catalog.h"
#include "controller/curate/commands/curate_commands.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/rank_evaluation.h"

namespace narrowscan {
namespace {

struct EvaluateOptions {
  std::string store;
  std::string dataset = kDefaultDataset;
  std::string truth;
  std::vector<size_t> ks = {10, 20, 50, 100};
  bool json = false;
};

std::unordered_map<Ipv4, bool> LoadTruth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandExit{kExitBadInput, fmt::format("cannot open ground truth '{}'", path)};
  std::unordered_map<Ipv4, bool> device;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ip") || !j["ip"].is_string())
      throw CommandExit{kExitBadInput, fmt::format("{}:{}: not a ground truth line", path, n)};
    auto ip = ParseIpv4(j["ip"].get<std::string>());
    if (!ip.ok()) throw CommandExit{kExitBadInput, fmt::format("{}:{}: {}", path, n, ip.error())};
    device[*ip] = !j.value("noise", false);
  }
  return device;
}

void RunEvaluate(const EvaluateOptions& o) {
  auto truth = LoadTruth(o.truth);
  auto store = Store::Open(o.store);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  auto dataset = FindDataset(**store, o.dataset);
  if (!dataset.ok()) throw CommandExit{kExitBadInput, dataset.error()};

  nlohmann::json result = {{"dataset", o.dataset}, {"truth", o.truth}};
  for (auto [name, order] : {std::pair{"iot", ClusterOrder::kIot}, {"size", ClusterOrder::kSize}}) {
    ClusterQuery q;
    q.order = order;
    auto clusters = ListClusters(**store, *dataset, q);
    if (!clusters.ok()) throw CommandExit{kExitFailed, clusters.error()};
    std::vector<bool> is_device;
    size_t device_clusters = 0;
    for (const auto& c : *clusters) {
      auto ips = ClusterIps(**store, *dataset, c.key, -1);
      if (!ips.ok()) throw CommandExit{kExitFailed, ips.error()};
      size_t labelled = 0, devices = 0;
      for (Ipv4 ip : *ips) {
        auto it = truth.find(ip);
        if (it == truth.end()) continue;
        ++labelled;
        devices += it->second ? 1 : 0;
      }
      is_device.push_back(MostlyDevices(devices, labelled));
      device_clusters += is_device.back() ? 1 : 0;
    }
    nlohmann::json at = nlohmann::json::array();
    for (const auto& p : PrecisionAtKs(is_device, o.ks))
      at.push_back({{"k", p.k},
                    {"considered", p.considered},
                    {"devices", p.devices},
                    {"precision", p.precision}});
    result[name] = {{"clusters", is_device.size()},
                    {"device_clusters", device_clusters},
                    {"precision_at_k", at}};
  }
  if (o.json) {
    std::printf("%s\n", result.dump().c_str());
    return;
  }
  std::printf("dataset '%s': %zu clusters, %zu of them devices (ground truth %s)\n",
              o.dataset.c_str(), result["iot"]["clusters"].get<size_t>(),
              result["iot"]["device_clusters"].get<size_t>(), o.truth.c_str());
  std::printf("%8s %16s %16s\n", "top k", "iot order", "size order");
  for (size_t i = 0; i < o.ks.size(); ++i) {
    const auto& a = result["iot"]["precision_at_k"][i];
    const auto& b = result["size"]["precision_at_k"][i];
    std::printf("%8zu %9.3f (%zu) %9.3f (%zu)\n", o.ks[i], a["precision"].get<double>(),
                a["considered"].get<size_t>(), b["precision"].get<double>(),
                b["considered"].get<size_t>());
  }
}

}  // namespace

void RegisterCurateEvaluateCommand(CLI::App* curate) {
  auto o = std::make_shared<EvaluateOptions>();
  CLI::App* cmd = curate->add_subcommand(
      "evaluate", "Precision of the top-k clusters by IoT likelihood against a ground truth");
  cmd->add_option("--truth", o->truth, "Ground truth JSONL ({\"ip\":…,\"noise\":bool} a line)")
      ->required();
  cmd->add_option("--k", o->ks, "k values")->delimiter(',')->capture_default_str();
  cmd->add_option("--dataset", o->dataset, "Dataset name")->capture_default_str();
  AddStoreOption(cmd, &o->store);
  AddJsonOption(cmd, &o->json);
  cmd->callback([o] { RunEvaluate(*o); });
}

}  // namespace narrowscan

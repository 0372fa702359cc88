// `narrowscan curate run|funnel|datasets|rules`.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "controller/cli/cli_options.h"
#include "controller/curate/banner_filter.h"
#include "controller/curate/banner_normalizer.h"
#include "controller/curate/commands/curate_commands.h"
#include "controller/curate/curation_run.h"
#include "controller/curate/dataset_catalog.h"

namespace narrowscan {
namespace {

struct PipelineOptions {
  std::string store;
  std::string dataset = kDefaultDataset;
  std::string rules;
  std::string normalize;
  bool json = false;
};

std::unique_ptr<Store> OpenStoreOrExit(const std::string& path) {
  auto store = Store::Open(path);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  return std::move(*store);
}

nlohmann::json FunnelJson(const Funnel& f) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [name, removed] : f.removed_by_rule)
    rules.push_back({{"rule", name}, {"removed", removed}});
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& [port, p] : f.per_port)
    ports.push_back({{"port", port},
                     {"banners", p.banners},
                     {"after_filter", p.after_filter},
                     {"clusters", p.clusters}});
  return {{"dataset", f.dataset},   {"banners", f.banners}, {"after_filter", f.after_filter},
          {"clusters", f.clusters}, {"entries", f.entries}, {"skipped", f.skipped},
          {"filter_rules", rules},  {"ports", ports},       {"rules", f.rules},
          {"ran_at", f.ran_at}};
}

void PrintFunnel(const Funnel& f, double seconds) {
  std::printf("dataset '%s'\n", f.dataset.c_str());
  std::printf("  banners       %10lld\n", static_cast<long long>(f.banners));
  std::printf("  after filter  %10lld\n", static_cast<long long>(f.after_filter));
  std::printf("  clusters      %10lld\n", static_cast<long long>(f.clusters));
  std::printf("  entries       %10lld   (promoted; %lld skipped)\n",
              static_cast<long long>(f.entries), static_cast<long long>(f.skipped));
  std::printf("removed by filter rule (%s):\n", f.rules.c_str());
  for (const auto& [name, removed] : f.removed_by_rule)
    if (removed > 0) std::printf("  %-24s %10lld\n", name.c_str(), static_cast<long long>(removed));
  std::printf("per port:         banners  after-filter  clusters\n");
  for (const auto& [port, p] : f.per_port)
    std::printf("  %5u      %12lld  %12lld  %8lld\n", port, static_cast<long long>(p.banners),
                static_cast<long long>(p.after_filter), static_cast<long long>(p.clusters));
  if (seconds >= 0) std::printf("took %.2f s\n", seconds);
}

void RunPipeline(const PipelineOptions& o) {
  auto filter =
      o.rules.empty() ? Result<BannerFilter>(BannerFilter::Default()) : BannerFilter::Load(o.rules);
  if (!filter.ok()) throw CommandExit{kExitBadInput, filter.error()};
  auto normalizer = o.normalize.empty() ? Result<BannerNormalizer>(BannerNormalizer::Default())
                                        : BannerNormalizer::Load(o.normalize);
  if (!normalizer.ok()) throw CommandExit{kExitBadInput, normalizer.error()};
  auto store = OpenStoreOrExit(o.store);
  std::string source =
      fmt::format("filter: {}; normalise: {}", o.rules.empty() ? "default" : o.rules,
                  o.normalize.empty() ? "default" : o.normalize);
  auto start = std::chrono::steady_clock::now();
  auto funnel = RunCuration(*store, o.dataset, *filter, *normalizer, source);
  if (!funnel.ok()) {
    bool missing = funnel.error().rfind("no dataset", 0) == 0;
    throw CommandExit{missing ? kExitBadInput : kExitFailed, funnel.error()};
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    nlohmann::json j = FunnelJson(*funnel);
    j["seconds"] = seconds;
    std::printf("%s\n", j.dump().c_str());
  } else {
    PrintFunnel(*funnel, seconds);
  }
}

void ShowFunnel(const PipelineOptions& o) {
  auto store = OpenStoreOrExit(o.store);
  auto funnel = LoadFunnel(*store, o.dataset);
  if (!funnel.ok()) throw CommandExit{kExitBadInput, funnel.error()};
  if (o.json) {
    std::printf("%s\n", FunnelJson(*funnel).dump().c_str());
  } else {
    PrintFunnel(*funnel, -1);
  }
}

void ShowDatasets(const PipelineOptions& o) {
  auto store = OpenStoreOrExit(o.store);
  auto all = ListDatasets(*store);
  if (!all.ok()) throw CommandExit{kExitFailed, all.error()};
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& d : *all)
      j.push_back({{"dataset", d.name},
                   {"banners", d.banners},
                   {"open_ports", d.open_ports},
                   {"hosts", d.hosts}});
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("%-24s %12s %12s %10s\n", "dataset", "banners", "open ports", "hosts");
  for (const auto& d : *all)
    std::printf("%-24s %12lld %12lld %10lld\n", d.name.c_str(), static_cast<long long>(d.banners),
                static_cast<long long>(d.open_ports), static_cast<long long>(d.hosts));
}

}  // namespace

void RegisterCuratePipelineCommands(CLI::App* curate) {
  {
    auto o = std::make_shared<PipelineOptions>();
    CLI::App* cmd = curate->add_subcommand(
        "run", "Filter, normalise and aggregate a dataset into clusters (re-runnable)");
    cmd->add_option("--dataset", o->dataset, "Dataset name")->capture_default_str();
    cmd->add_option("--rules", o->rules, "Filter rules file (default: the shipped rules)");
    cmd->add_option("--normalize", o->normalize,
                    "Normalisation rules file (default: the shipped rules)");
    AddStoreOption(cmd, &o->store);
    AddJsonOption(cmd, &o->json);
    cmd->callback([o] { RunPipeline(*o); });
  }
  {
    auto o = std::make_shared<PipelineOptions>();
    CLI::App* cmd = curate->add_subcommand(
        "funnel", "The paper's funnel of a dataset: banners, after filter, clusters, entries");
    cmd->add_option("--dataset", o->dataset, "Dataset name")->capture_default_str();
    AddStoreOption(cmd, &o->store);
    AddJsonOption(cmd, &o->json);
    cmd->callback([o] { ShowFunnel(*o); });
  }
  {
    auto o = std::make_shared<PipelineOptions>();
    CLI::App* cmd = curate->add_subcommand("datasets", "List the datasets of the store");
    AddStoreOption(cmd, &o->store);
    AddJsonOption(cmd, &o->json);
    cmd->callback([o] { ShowDatasets(*o); });
  }
  {
    auto which = std::make_shared<std::string>("filter");
    CLI::App* cmd = curate->add_subcommand(
        "rules", "Print the shipped filter or normalisation rules (a start for your own file)");
    cmd->add_option("kind", *which, "filter | normalize")
        ->check(CLI::IsMember({"filter", "normalize"}))
        ->capture_default_str();
    cmd->callback([which] {
      std::string_view text = *which == "filter" ? BannerFilter::DefaultRulesText()
                                                 : BannerNormalizer::DefaultRulesText();
      std::fwrite(text.data(), 1, text.size(), stdout);
    });
  }
}

}  // namespace narrowscan

// `narrowscan ingest FILE… --format F [--dataset NAME]` and `narrowscan ingest --round N`.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "controller/cli/cli_options.h"
#include "controller/curate/commands/curate_commands.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/fleet_round_import.h"
#include "controller/curate/scan_file_reader.h"

namespace narrowscan {
namespace {

struct IngestOptions {
  std::string store;
  std::vector<std::string> files;
  std::string format;
  std::string dataset;
  int64_t round = -1;
  bool replace = false;
  bool json = false;
  bool skip_invalid = false;
  size_t max_reported = 20;
};

std::unique_ptr<Store> OpenStore(const std::string& path) {
  auto store = Store::Open(path);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  return std::move(*store);
}

void RunIngest(const IngestOptions& o) {
  if (o.round >= 0 && !o.files.empty())
    throw CommandExit{kExitBadInput, "give either scan files or --round, not both"};
  if (o.round < 0 && o.files.empty())
    throw CommandExit{kExitBadInput,
                      "nothing to ingest: give scan files (with --format) or --round N"};
  std::string dataset = !o.dataset.empty() ? o.dataset
                        : o.round >= 0     ? fmt::format("round-{}", o.round)
                                           : kDefaultDataset;
  auto store = OpenStore(o.store);
  if (o.replace) {
    auto id = FindOrCreateDataset(*store, dataset);
    if (!id.ok()) throw CommandExit{kExitFailed, id.error()};
    if (Status s = ClearDataset(*store, *id); !s.ok()) throw CommandExit{kExitFailed, s.error()};
  }

  if (o.round >= 0) {
    auto counts = ImportFleetRound(*store, o.round, dataset);
    if (!counts.ok()) throw CommandExit{kExitBadInput, counts.error()};
    if (o.json) {
      std::printf("%s\n", nlohmann::json{{"dataset", dataset},
                                         {"round", o.round},
                                         {"open_ports", counts->open_ports},
                                         {"banners", counts->banners}}
                              .dump()
                              .c_str());
    } else {
      std::printf("dataset '%s': fleet round %lld: %lld open ports, %lld banners\n",
                  dataset.c_str(), static_cast<long long>(o.round),
                  static_cast<long long>(counts->open_ports),
                  static_cast<long long>(counts->banners));
    }
    return;
  }

  auto format = ParseScanFormat(o.format);
  if (!format.ok()) throw CommandExit{kExitBadInput, format.error()};
  auto writer = DatasetWriter::Open(*store, dataset);
  if (!writer.ok()) throw CommandExit{kExitFailed, writer.error()};

  nlohmann::json files = nlohmann::json::array();
  ScanFileCounts total;
  size_t reported = 0;
  for (const std::string& path : o.files) {
    auto counts = ReadScanFile(
        path, *format, [&](ScanRecord&& r) { return (*writer)->Add(r); },
        [&](const std::string& message) {
          if (reported++ < o.max_reported) std::fprintf(stderr, "%s, skipped\n", message.c_str());
        });
    if (!counts.ok()) throw CommandExit{kExitFailed, counts.error()};
    total.lines += counts->lines;
    total.records += counts->records;
    total.banners += counts->banners;
    total.malformed += counts->malformed;
    files.push_back({{"file", path},
                     {"lines", counts->lines},
                     {"records", counts->records},
                     {"banners", counts->banners},
                     {"malformed", counts->malformed}});
    if (!o.json)
      std::printf("%s: %llu lines, %llu records, %llu banners, %llu malformed (skipped)\n",
                  path.c_str(), static_cast<unsigned long long>(counts->lines),
                  static_cast<unsigned long long>(counts->records),
                  static_cast<unsigned long long>(counts->banners),
                  static_cast<unsigned long long>(counts->malformed));
  }
  if (Status s = (*writer)->Finish(); !s.ok()) throw CommandExit{kExitFailed, s.error()};
  if (reported > o.max_reported)
    std::fprintf(stderr, "… %zu more malformed records not shown\n", reported - o.max_reported);
  if (o.json) {
    std::printf("%s\n", nlohmann::json{{"dataset", dataset},
                                       {"format", o.format},
                                       {"lines", total.lines},
                                       {"records", total.records},
                                       {"banners", total.banners},
                                       {"malformed", total.malformed},
                                       {"files", files}}
                            .dump()
                            .c_str());
  } else {
    std::printf("dataset '%s': %llu banners and %llu records ingested, %llu malformed skipped\n",
                dataset.c_str(), static_cast<unsigned long long>(total.banners),
                static_cast<unsigned long long>(total.records),
                static_cast<unsigned long long>(total.malformed));
  }
  // Like `estimate`: the good records are in, but a file with malformed records is not
  // a success unless the caller said it expects some.
  if (total.malformed > 0 && !o.skip_invalid)
    throw CommandExit{
        kExitBadInput,
        fmt::format("{} malformed records (the first {} are above); give "
                    "--skip-invalid to accept a file with some",
                    total.malformed, std::min<uint64_t>(total.malformed, o.max_reported))};
}

}  // namespace

void RegisterIngestCommand(CLI::App* app) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* cmd = app->add_subcommand(
      "ingest", "Load banners and open ports from scan files (or a fleet round) into a dataset");
  cmd->add_option("files", o->files, "Scan files ('-' for stdin)");
  cmd->add_option("--format", o->format,
                  "masscan-json (-oJ, -oD) | masscan-list (-oL) | hosts-jsonl | probe-jsonl");
  cmd->add_option("--dataset", o->dataset,
                  "Dataset name (default: 'default', or 'round-N' with --round)");
  cmd->add_option("--round", o->round, "Import the fleet's scan round N from the store instead");
  cmd->add_flag("--replace", o->replace, "Empty the dataset first (its review decisions are kept)");
  cmd->add_option("--max-reported", o->max_reported, "Malformed records printed at most")
      ->capture_default_str();
  cmd->add_flag("--skip-invalid", o->skip_invalid,
                "Malformed records are skipped and reported, the exit code stays 0");
  AddStoreOption(cmd, &o->store, StoreUse::kSetUp);
  AddJsonOption(cmd, &o->json);
  cmd->callback([o] {
    if (o->round < 0 && o->format.empty() && !o->files.empty())
      throw CommandExit{kExitBadInput, "--format is required with scan files"};
    RunIngest(*o);
  });
}

void RegisterCurateCommands(CLI::App* app) {
  RegisterIngestCommand(app);
  CLI::App* curate = app->add_subcommand(
      "curate", "Build the device DB from scan data: run the pipeline, review, promote");
  curate->require_subcommand(1);
  RegisterCuratePipelineCommands(curate);
  RegisterCurateReviewCommands(curate);
  RegisterCurateEvaluateCommand(curate);
}

}  // namespace narrowscan

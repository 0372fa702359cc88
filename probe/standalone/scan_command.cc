#include "probe/standalone/scan_command.h"

#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <memory>

#include "common/cli/exit_codes.h"
#include "probe/engine/scan_engine.h"
#include "probe/standalone/checkpoint.h"
#include "probe/standalone/hosts_grouping.h"
#include "probe/standalone/result_json.h"
#include "probe/standalone/scan_report.h"

namespace narrowscan {
namespace {

void Fail(int code, const std::string& message) { throw CommandExit{code, message}; }

// Where result lines go: the output file, or (--hosts) a results file that is grouped
// into hosts at the end.
class ResultSink {
 public:
  ~ResultSink() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  }
  Status Open(const std::string& path, bool append) {
    path_ = path;
    if (path == "-") {
      file_ = stdout;
      return Status::Ok();
    }
    file_ = std::fopen(path.c_str(), append ? "a" : "w");
    if (file_ == nullptr) return Error{path + ": cannot open for writing"};
    return Status::Ok();
  }
  void Write(const ScanResult& r) {
    const std::string line =
        ResultToJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  bool Flush() {
    return std::fflush(file_) == 0 &&
           (file_ == stdout || ::fsync(fileno(file_)) == 0 || errno == EINVAL);
  }
  void Close() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    file_ = nullptr;
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int RunScan(const ScanOptions& options) {
  auto resolved = ResolveScanOptions(options);
  if (!resolved.ok()) Fail(kExitBadInput, resolved.error());
  ResolvedScan& scan = *resolved;
  if (scan.space.Empty()) {
    std::fprintf(stderr, "narrowscan-probe: warning: every target is excluded%s; nothing to scan\n",
                 options.no_default_excludes ? ""
                                             : " (reserved ranges are excluded unless "
                                               "--no-default-excludes)");
  }
  if (scan.config.syn && !HasRawSocketCapability()) {
    Fail(kExitBadInput,
         "--syn needs raw sockets (CAP_NET_RAW): run as root or grant it with "
         "`setcap cap_net_raw+ep narrowscan-probe`, or scan without --syn");
  }

  // Resume: refuse a checkpoint of another scan; take its seed and position.
  Checkpoint checkpoint;
  checkpoint.seed = scan.config.seed;
  checkpoint.shard = scan.config.shard;
  checkpoint.shards = scan.config.shards;
  checkpoint.scan_hash = HashScan(scan.targets, scan.ports);
  checkpoint.exclusions_hash = HashRanges(scan.exclusions);
  checkpoint.threads = scan.config.threads;
  bool resuming = false;
  if (!options.resume_file.empty()) {
    if (Status w = CheckCheckpointWritable(options.resume_file); !w.ok())
      Fail(kExitBadInput, w.error());
    auto loaded = LoadCheckpoint(options.resume_file);
    if (!loaded.ok()) Fail(kExitBadInput, loaded.error());
    if (*loaded) {
      const Checkpoint& old = **loaded;
      if (old.scan_hash != checkpoint.scan_hash) {
        Fail(kExitBadInput, options.resume_file + ": checkpoint of other targets or ports");
      }
      if (old.exclusions_hash != checkpoint.exclusions_hash) {
        Fail(kExitBadInput, options.resume_file +
                                ": the exclusions changed since the checkpoint; start a new scan");
      }
      if (old.shard != checkpoint.shard || old.shards != checkpoint.shards) {
        Fail(kExitBadInput, options.resume_file + ": checkpoint of shard " +
                                std::to_string(old.shard + 1) + "/" + std::to_string(old.shards));
      }
      if (options.threads && *options.threads != old.threads) {
        Fail(kExitBadInput, options.resume_file + ": checkpoint of a scan with --threads " +
                                std::to_string(old.threads) +
                                " (each thread walks its own part); resume with --threads " +
                                std::to_string(old.threads) + " or without --threads");
      }
      if (options.seed && *options.seed != old.seed) {
        Fail(kExitBadInput, options.resume_file + ": checkpoint has seed " +
                                std::to_string(old.seed) + ", not " +
                                std::to_string(*options.seed));
      }
      if (Status p = CheckCheckpointPositions(options.resume_file, old, scan.space.Size()); !p.ok())
        Fail(kExitBadInput, p.error());
      if (old.complete) {
        std::fprintf(stderr, "narrowscan-probe: %s: scan already complete\n",
                     options.resume_file.c_str());
        return kExitOk;
      }
      checkpoint.seed = old.seed;
      checkpoint.threads = old.threads;
      checkpoint.position = old.position;
      checkpoint.positions = old.positions;
      scan.config.seed = old.seed;
      scan.config.threads = old.threads;
      scan.config.start_position = old.position;
      scan.config.start_positions = old.positions;
      resuming = true;
    }
  }

  // With --hosts, result lines are kept where a resumed run can find them again.
  const bool hosts_via_file = options.hosts && !options.resume_file.empty();
  const std::string results_path =
      options.hosts ? (hosts_via_file ? options.resume_file + ".results.jsonl" : "")
                    : options.output;
  ResultSink sink;
  HostsGrouping hosts;
  if (!results_path.empty()) {
    Status opened = sink.Open(results_path, resuming);
    if (!opened.ok()) Fail(kExitBadInput, opened.error());
  }
  if (options.hosts && options.output != "-") {
    // Fail now, not after the scan, when the output cannot be written.
    std::FILE* probe_open = std::fopen(options.output.c_str(), "a");
    if (probe_open == nullptr) Fail(kExitBadInput, options.output + ": cannot open for writing");
    std::fclose(probe_open);
  }

  asio::io_context io;
  const bool all_states = options.all_states;
  ScanEngine engine(io, scan.config, std::move(scan.space), [&](ScanResult&& r) {
    if (r.state != PortState::kOpen && !all_states) return;
    if (options.hosts && !hosts_via_file) {
      hosts.Add(r);
    } else {
      sink.Write(r);
    }
  });

  bool interrupted = false;
  auto write_checkpoint = [&](bool complete) {
    if (options.resume_file.empty()) return;
    sink.Flush();  // results up to the checkpoint must be on disk before it
    if (checkpoint.threads == 1) {
      checkpoint.position = engine.CheckpointPosition();
    } else {
      checkpoint.positions = engine.CheckpointPositions();
    }
    checkpoint.complete = complete;
    Status saved = SaveCheckpoint(options.resume_file, checkpoint);
    if (!saved.ok()) std::fprintf(stderr, "narrowscan-probe: %s\n", saved.error().c_str());
  };

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    engine.Stop();
  });

  const bool progress = ::isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  asio::steady_timer tick(io);
  std::chrono::steady_clock::time_point last_checkpoint = started;
  std::function<void()> on_tick = [&] {
    tick.expires_after(std::chrono::seconds(1));
    tick.async_wait([&](const std::error_code& ec) {
      if (ec || engine.Finished()) return;
      if (progress) {
        std::fprintf(stderr, "\r%s\033[K",
                     FormatProgress(engine.counters().Read(), engine.TotalPairs(), Seconds(started))
                         .c_str());
      }
      if (std::chrono::steady_clock::now() - last_checkpoint >=
          std::chrono::seconds(options.checkpoint_every_s)) {
        write_checkpoint(false);
        last_checkpoint = std::chrono::steady_clock::now();
      }
      on_tick();
    });
  };

  Status started_ok = engine.Start([&] {
    tick.cancel();
    signals.cancel();
  });
  if (!started_ok.ok()) Fail(kExitFailed, started_ok.error());
  on_tick();
  io.run();

  write_checkpoint(!interrupted);
  if (progress) std::fprintf(stderr, "\r\033[K");
  int code = kExitOk;
  if (options.hosts) {
    if (hosts_via_file) {
      sink.Close();
      Status read = hosts.AddResultsFile(results_path);
      if (!read.ok()) {
        std::fprintf(stderr, "narrowscan-probe: %s\n", read.error().c_str());
        code = kExitFailed;
      }
    }
    if (!interrupted) {
      std::FILE* out = options.output == "-" ? stdout : std::fopen(options.output.c_str(), "w");
      Status written = out ? hosts.Write(out) : Status(Error{options.output + ": cannot write"});
      if (out != nullptr && out != stdout) std::fclose(out);
      if (!written.ok()) {
        std::fprintf(stderr, "narrowscan-probe: %s\n", written.error().c_str());
        code = kExitFailed;
      }
    }
  } else if (!sink.Flush()) {
    std::fprintf(stderr, "narrowscan-probe: %s: write failed\n", options.output.c_str());
    code = kExitFailed;
  }
  std::fflush(stdout);

  const auto snapshot = engine.counters().Read();
  const double elapsed = Seconds(started);
  if (options.json) {
    std::fprintf(stderr, "%s\n", SummaryJson(snapshot, elapsed, interrupted).dump().c_str());
  } else {
    std::fprintf(stderr, "narrowscan-probe: %s\n",
                 FormatSummary(snapshot, elapsed, interrupted).c_str());
  }
  if (interrupted && code == kExitOk) code = kExitFailed;
  return code;
}

void AddScanCommand(CLI::App& app) {
  auto options = std::make_shared<ScanOptions>();
  CLI::App* scan = app.add_subcommand(
      "scan", "Scan targets × ports (TCP connect, or --syn) and grab banners; JSONL output");
  scan->add_option("--targets", options->targets,
                   "CIDR, range a.b.c.d-e.f.g.h, address, comma list of those, or a file of them")
      ->required();
  scan->add_option("--ports", options->ports, "Port list/ranges, e.g. 22,80,8000-8100")->required();
  scan->add_option("--rate", options->rate, "Connection attempts (SYNs) per second, overall")
      ->capture_default_str();
  scan->add_option("--rate-per-24", options->rate_per_24,
                   "Attempts per second to any one /24 (0 = no cap)")
      ->capture_default_str();
  scan->add_option("--exclude-file", options->exclude_files,
                   "Exclusion file (CIDR/range/address a line, # comments); repeatable");
  scan->add_flag("--no-default-excludes", options->no_default_excludes,
                 "Do not exclude the reserved ranges (private, loopback, multicast, …)");
  scan->add_option("--seed", options->seed, "Permutation seed (default: random; kept on resume)");
  scan->add_option("--shard", options->shard, "Scan shard i of k (1 <= i <= k)")
      ->capture_default_str();
  scan->add_option("--max-concurrency", options->max_concurrency, "Open sockets at once")
      ->capture_default_str();
  scan->add_option("--threads", options->threads,
                   "Scanning threads, each with its own sockets, sub-shard and 1/N of the rate, "
                   "per-/24 cap and concurrency (default: online CPUs, at most 4, here " +
                       std::to_string(DefaultScanThreads()) + "; a resume keeps the checkpoint's)");
  scan->add_option("--resume", options->resume_file,
                   "Checkpoint file: continue the scan it holds, else start it; written every "
                   "few seconds and on SIGINT/SIGTERM");
  scan->add_option("--output,-o", options->output, "Output file ('-' = stdout)")
      ->capture_default_str();
  scan->add_flag("--hosts", options->hosts,
                 "Write hosts JSONL (one line per IP, input of `narrowscan estimate`)");
  scan->add_flag("--all-states", options->all_states,
                 "Write closed/timeout/error results too (default: open only)");
  scan->add_flag("--syn", options->syn,
                 "Stateless SYN discovery on a raw socket (needs CAP_NET_RAW), then grab "
                 "banners of answering ports");
  scan->add_flag("--no-banners", options->no_banners, "Only port states, no banner grabbing");
  scan->add_option("--connect-timeout", options->connect_timeout_ms, "Connect timeout (ms)")
      ->capture_default_str();
  scan->add_option("--banner-wait", options->banner_wait_ms,
                   "How long to wait for a server-first greeting before speaking (ms)")
      ->capture_default_str();
  scan->add_option("--grab-timeout", options->grab_timeout_ms,
                   "Bound on one banner grab after connect (ms)")
      ->capture_default_str();
  scan->add_option("--idle", options->idle_ms, "End a grab after this much silence (ms)")
      ->capture_default_str();
  scan->add_option("--max-banner", options->max_banner, "Banner bytes kept per port")
      ->capture_default_str();
  scan->add_option("--syn-wait", options->syn_wait_ms,
                   "--syn: listen this long after the last SYN (ms)")
      ->capture_default_str();
  scan->add_option("--checkpoint-every", options->checkpoint_every_s,
                   "Seconds between checkpoints with --resume")
      ->capture_default_str();
  scan->add_flag("--json", options->json, "Final summary as JSON (stderr)");
  scan->callback([options] {
    const int code = RunScan(*options);
    if (code != kExitOk) throw CommandExit{code, ""};
  });
}

}  // namespace narrowscan

// Option parsing and output of the fleet's subcommands; the work is in the library.
#include "controller/fleet/fleet_commands.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/exclusion_list.h"
#include "common/listen_address.h"
#include "common/port_list.h"
#include "common/signature.h"
#include "common/wire/messages.h"
#include "controller/cli/cli_options.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/client_id_lock.h"
#include "controller/fleet/controller_config.h"
#include "controller/fleet/fleet_report.h"
#include "controller/fleet/fleet_service.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/probe_json.h"
#include "controller/fleet/profile_store.h"
#include "controller/fleet/round_planning.h"
#include "controller/store/store_lock.h"

namespace narrowscan {
namespace {

using fleet::FleetStore;
using nlohmann::json;

std::unique_ptr<FleetStore> OpenStore(const std::string& path) {
  auto store = FleetStore::Open(path);
  if (!store.ok()) throw CommandExit{kExitFailed, store.error()};
  return std::move(*store);
}

void Check(const Status& s, int code = kExitFailed) {
  if (!s.ok()) throw CommandExit{code, s.error()};
}

template <class T>
T Take(Result<T> r, int code = kExitFailed) {
  if (!r.ok()) throw CommandExit{code, r.error()};
  return std::move(*r);
}

void Print(bool as_json, const json& j, const std::string& text) {
  if (as_json) {
    std::cout << j.dump() << "\n";
  } else {
    std::cout << text;
  }
}

// Probe ids are MQTT topic levels: keep them to a safe alphabet.
bool ValidProbeId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

RangeSet ParseRanges(const std::vector<std::string>& items, const char* what) {
  RangeSet set;
  for (const std::string& item : items) {
    auto r = ParseIpv4Range(item);
    if (!r.ok()) throw CommandExit{kExitBadInput, fmt::format("{}: {}", what, r.error())};
    set.Add(*r);
  }
  return set;
}

std::string FormatRanges(const RangeSet& set) {
  std::string out;
  for (const Ipv4Range& r : set.ranges()) out += (out.empty() ? "" : " ") + FormatIpv4Range(r);
  return out;
}

json RangesJson(const RangeSet& set) {
  json a = json::array();
  for (const Ipv4Range& r : set.ranges()) a.push_back(FormatIpv4Range(r));
  return a;
}

// ---- keys ---------------------------------------------------------------------------

void RegisterKeys(CLI::App* app) {
  auto* keys = app->add_subcommand("keys", "Signing keys (ECDSA P-256, PEM)");
  keys->require_subcommand(1);
  struct Opts {
    std::string key = "controller.key", pub = "controller.pub";
    bool force = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* init = keys->add_subcommand(
      "init",
      "Create a key pair: the controller's (signs plans and exclusions) or a probe's "
      "(signs its reports; register the .pub with `probes add`)");
  init->add_option("--key", o->key, "Private key file to write (mode 0600)")->capture_default_str();
  init->add_option("--pub", o->pub, "Public key file to write")->capture_default_str();
  init->add_flag("--force", o->force, "Overwrite existing files");
  AddJsonOption(init, &o->json);
  init->callback([o] {
    if (!o->force && (std::filesystem::exists(o->key) || std::filesystem::exists(o->pub)))
      throw CommandExit{kExitFailed,
                        fmt::format("'{}' or '{}' exists; --force overwrites", o->key, o->pub)};
    SigningKey key = Take(SigningKey::Generate());
    Check(key.SaveFile(o->key));
    std::ofstream pub(o->pub, std::ios::trunc);
    pub << key.PublicPem();
    if (!pub) throw CommandExit{kExitFailed, fmt::format("cannot write '{}'", o->pub)};
    Print(o->json, {{"key", o->key}, {"pub", o->pub}},
          fmt::format("wrote {} (private) and {} (public)\n", o->key, o->pub));
  });
}

// ---- probes -------------------------------------------------------------------------

void RegisterProbes(CLI::App* app) {
  auto* probes = app->add_subcommand("probes", "Registered probes");
  probes->require_subcommand(1);
  struct Opts {
    std::string store, id, pubkey;
    std::vector<std::string> region;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();

  auto* add = probes->add_subcommand("add", "Register a probe with its public key and region");
  add->add_option("id", o->id, "Probe id ([A-Za-z0-9._-], also its MQTT topic level)")->required();
  add->add_option("--pubkey", o->pubkey, "The probe's public key (PEM)")->required();
  add->add_option("--region", o->region, "CIDRs/ranges the probe scans and may report on")
      ->required();
  AddStoreOption(add, &o->store, StoreUse::kSetUp);
  AddJsonOption(add, &o->json);
  add->callback([o] {
    if (!ValidProbeId(o->id))
      throw CommandExit{kExitBadInput,
                        fmt::format("probe id '{}': use 1..64 of [A-Za-z0-9._-]", o->id)};
    std::ifstream in(o->pubkey);
    if (!in) throw CommandExit{kExitBadInput, fmt::format("--pubkey '{}': cannot read", o->pubkey)};
    std::stringstream pem;
    pem << in.rdbuf();
    auto key = VerifyingKey::FromPem(pem.str());
    if (!key.ok())
      throw CommandExit{kExitBadInput, fmt::format("--pubkey '{}': {}", o->pubkey, key.error())};
    const RangeSet region = ParseRanges(o->region, "--region");
    auto store = OpenStore(o->store);
    Check(store->AddProbe(o->id, key->PublicPem(), region));
    Print(o->json, {{"probe", o->id}, {"region", RangesJson(region)}},
          fmt::format("probe {} added, region {}\n", o->id, FormatRanges(region)));
  });

  auto* list = probes->add_subcommand("list", "Probes with status, last seen, progress, spool");
  AddStoreOption(list, &o->store);
  AddJsonOption(list, &o->json);
  list->callback([o] {
    auto store = OpenStore(o->store);
    json arr = json::array();
    std::string text = fmt::format("{:<16} {:<18} {:<20} {:>10} {:>8} {}\n", "id", "state",
                                   "last_seen", "progress", "spool", "region");
    for (const fleet::ProbeRecord& p : Take(store->Probes())) {
      json j = fleet::ProbeJson(p);
      json status = j["status"];
      arr.push_back(j);
      std::string progress = "-", spool = "-";
      if (status.contains("total") && status["total"].get<uint64_t>() > 0)
        progress =
            fmt::format("{}/{}", status["done"].get<uint64_t>(), status["total"].get<uint64_t>());
      if (status.contains("spool_depth"))
        spool = std::to_string(status["spool_depth"].get<uint64_t>());
      text += fmt::format("{:<16} {:<18} {:<20} {:>10} {:>8} {}\n", p.id, p.state,
                          p.last_seen ? std::to_string(p.last_seen) : "never", progress, spool,
                          FormatRanges(p.region));
    }
    Print(o->json, arr, text);
  });

  auto* remove = probes->add_subcommand("remove", "Unregister a probe");
  remove->add_option("id", o->id, "Probe id")->required();
  AddStoreOption(remove, &o->store);
  AddJsonOption(remove, &o->json);
  remove->callback([o] {
    auto store = OpenStore(o->store);
    Check(store->RemoveProbe(o->id));
    Print(o->json, {{"removed", o->id}}, fmt::format("probe {} removed\n", o->id));
  });
}

// ---- targets ------------------------------------------------------------------------

void RegisterTargets(CLI::App* app) {
  auto* targets = app->add_subcommand("targets", "Address ranges to scan (within probe regions)");
  targets->require_subcommand(1);
  struct Opts {
    std::string store, file;
    std::vector<std::string> ranges;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* add = targets->add_subcommand("add", "Add CIDRs/ranges (arguments or --file)");
  add->add_option("ranges", o->ranges, "CIDR, a.b.c.d-e.f.g.h or one address");
  add->add_option("--file", o->file, "A file of ranges, one a line, '#' comments");
  AddStoreOption(add, &o->store, StoreUse::kSetUp);
  AddJsonOption(add, &o->json);
  add->callback([o] {
    RangeSet set = ParseRanges(o->ranges, "target");
    if (!o->file.empty()) set = set.Union(Take(LoadExclusionFile(o->file), kExitBadInput));
    if (set.Empty()) throw CommandExit{kExitBadInput, "targets add: no ranges given"};
    auto store = OpenStore(o->store);
    Check(store->AddTargets(set));
    Print(o->json, {{"added", RangesJson(set)}, {"addresses", set.Size()}},
          fmt::format("added {} addresses: {}\n", set.Size(), FormatRanges(set)));
  });
  auto* list = targets->add_subcommand("list", "Show the targets");
  AddStoreOption(list, &o->store);
  AddJsonOption(list, &o->json);
  list->callback([o] {
    auto store = OpenStore(o->store);
    const RangeSet set = Take(store->Targets());
    std::string text;
    for (const Ipv4Range& r : set.ranges()) text += FormatIpv4Range(r) + "\n";
    text += fmt::format("{} addresses\n", set.Size());
    Print(o->json, {{"ranges", RangesJson(set)}, {"addresses", set.Size()}}, text);
  });
}

// ---- exclude ------------------------------------------------------------------------

void RegisterExclude(CLI::App* app) {
  auto* exclude = app->add_subcommand(
      "exclude", "Opt-outs: signed and pushed to every probe by `serve` at once");
  exclude->require_subcommand(1);
  struct Opts {
    std::string store, range, reason;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* add = exclude->add_subcommand("add", "Exclude a CIDR/range");
  add->add_option("range", o->range, "CIDR, a.b.c.d-e.f.g.h or one address")->required();
  add->add_option("--reason", o->reason, "Why (kept with the entry and in the audit log)")
      ->required();
  AddStoreOption(add, &o->store, StoreUse::kSetUp);
  AddJsonOption(add, &o->json);
  add->callback([o] {
    auto range = ParseIpv4Range(o->range);
    if (!range.ok()) throw CommandExit{kExitBadInput, range.error()};
    if (o->reason.empty()) throw CommandExit{kExitBadInput, "--reason must not be empty"};
    if (o->reason.size() > wire::kMaxStringBytes)  // probes refuse longer reasons
      throw CommandExit{kExitBadInput, fmt::format("--reason is {} bytes, more than {}",
                                                   o->reason.size(), wire::kMaxStringBytes)};
    auto store = OpenStore(o->store);
    const int64_t id = Take(store->AddExclusion(*range, o->reason));
    Print(o->json,
          {{"id", id}, {"range", FormatIpv4Range(*range)}, {"version", store->ExclusionVersion()}},
          fmt::format("excluded {} (entry {}, list version {})\n", FormatIpv4Range(*range), id,
                      store->ExclusionVersion()));
  });
  auto* list = exclude->add_subcommand("list", "Active exclusions");
  AddStoreOption(list, &o->store);
  AddJsonOption(list, &o->json);
  list->callback([o] {
    auto store = OpenStore(o->store);
    json arr = json::array();
    std::string text;
    for (const fleet::ExclusionRecord& e : Take(store->Exclusions())) {
      arr.push_back({{"id", e.id},
                     {"range", FormatIpv4Range(e.range)},
                     {"reason", e.reason},
                     {"added_at", e.added_at}});
      text += fmt::format("{:>4} {:<20} {}\n", e.id, FormatIpv4Range(e.range), e.reason);
    }
    Print(o->json, {{"version", store->ExclusionVersion()}, {"entries", arr}},
          text + fmt::format("list version {}\n", store->ExclusionVersion()));
  });
  auto* remove = exclude->add_subcommand("remove", "Lift an exclusion (the exact range)");
  remove->add_option("range", o->range, "The range as added")->required();
  AddStoreOption(remove, &o->store);
  AddJsonOption(remove, &o->json);
  remove->callback([o] {
    auto range = ParseIpv4Range(o->range);
    if (!range.ok()) throw CommandExit{kExitBadInput, range.error()};
    auto store = OpenStore(o->store);
    const int64_t n = Take(store->RemoveExclusion(*range));
    if (n == 0)
      throw CommandExit{kExitFailed,
                        fmt::format("no active exclusion {}", FormatIpv4Range(*range))};
    Print(o->json, {{"removed", n}, {"version", store->ExclusionVersion()}},
          fmt::format("removed {} entr{} for {}\n", n, n == 1 ? "y" : "ies",
                      FormatIpv4Range(*range)));
  });
}

// ---- round --------------------------------------------------------------------------

std::string RoundText(const json& t) {
  const json& total = t["total"];
  std::string text = fmt::format(
      "round {} {}{}: {}/{} probes done, attempts {} (planned narrowed {}, standard {}, "
      "discovery {}), results {}\n  reduction {:.1f}%, responsive reduction {:.1f}%, wire bytes "
      "{} (payload sent {}, received {})\n",
      t["round"].get<int64_t>(), t["state"].get<std::string>(),
      t["end_reason"].get<std::string>().empty() ? ""
                                                 : " (" + t["end_reason"].get<std::string>() + ")",
      t["probes_done"].get<int64_t>(), t["probes"].size(), total["attempts"].get<int64_t>(),
      total["planned"]["narrowed"].get<int64_t>(), total["planned"]["standard"].get<int64_t>(),
      total["planned"]["discovery"].get<int64_t>(), total["results"].get<int64_t>(),
      100.0 * total["reduction"].get<double>(), 100.0 * total["responsive_reduction"].get<double>(),
      total["wire_bytes"].get<int64_t>(), total["bytes_sent"].get<int64_t>(),
      total["bytes_received"].get<int64_t>());
  return text;
}

void RegisterRound(CLI::App* app) {
  auto* round = app->add_subcommand("round", "Scan rounds (run by `narrowscan serve`)");
  round->require_subcommand(1);
  struct Opts {
    std::string store;
    int64_t deadline = 3600, round = 0;
    double timeout = 0;
    bool wait = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* start = round->add_subcommand(
      "start", "Request a round; `serve` plans it, publishes the plans and ends it");
  start->add_option("--deadline", o->deadline, "Seconds until the round ends regardless")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  start->add_flag("--wait", o->wait, "Return only when the round has ended");
  start->add_option("--timeout", o->timeout,
                    "With --wait: give up after this many seconds (0 = never)");
  AddStoreOption(start, &o->store);
  AddJsonOption(start, &o->json);
  start->callback([o] {
    auto store = OpenStore(o->store);
    if (auto last = Take(store->Round(0)); last && last->state != "done")
      throw CommandExit{kExitFailed, fmt::format("round {} is still {}", last->id, last->state)};
    const int64_t id = Take(store->CreateRound(o->deadline));
    Check(store->Audit("round.request", fmt::format("round {} (cli)", id)));
    if (!o->wait) {
      Print(o->json, {{"round", id}, {"state", "requested"}},
            fmt::format("round {} requested\n", id));
      return;
    }
    const auto begin = std::chrono::steady_clock::now();
    for (;;) {
      auto r = Take(store->Round(id));
      if (r && r->state == "done") {
        const json t = Take(fleet::RoundTraffic(*store, *r));
        Print(o->json, t, RoundText(t));
        return;
      }
      if (o->timeout > 0 &&
          std::chrono::steady_clock::now() - begin > std::chrono::duration<double>(o->timeout))
        throw CommandExit{
            kExitFailed,
            fmt::format("round {} did not end within {} s (is `narrowscan serve` running?)", id,
                        o->timeout)};
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  auto* status = round->add_subcommand("status", "State and traffic of a round");
  status->add_option("--round", o->round, "Round id (default: the latest)");
  AddStoreOption(status, &o->store);
  AddJsonOption(status, &o->json);
  status->callback([o] {
    auto store = OpenStore(o->store);
    auto r = Take(store->Round(o->round));
    if (!r)
      throw CommandExit{kExitFailed,
                        o->round ? fmt::format("no round {}", o->round) : "no rounds yet"};
    const json t = Take(fleet::RoundTraffic(*store, *r));
    Print(o->json, t, RoundText(t));
  });
}

// ---- plan ---------------------------------------------------------------------------

void RegisterPlan(CLI::App* app) {
  auto* plan = app->add_subcommand("plan", "Per-probe port plans");
  plan->require_subcommand(1);
  struct Opts {
    std::string store, probe;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* show = plan->add_subcommand("show", "The latest plan of a probe");
  show->add_option("--probe", o->probe, "Probe id")->required();
  AddStoreOption(show, &o->store);
  AddJsonOption(show, &o->json);
  show->callback([o] {
    auto store = OpenStore(o->store);
    auto p = Take(fleet::LatestPlan(*store, o->probe));
    if (!p) throw CommandExit{kExitFailed, fmt::format("no plan for probe '{}' yet", o->probe)};
    json s = json::parse(p->summary_json);
    std::string text = fmt::format(
        "probe {} plan version {} (round {}), {} chunk(s)\n  scope {} addresses, sweep {} "
        "addresses with the standard set {}\n",
        o->probe, p->version, p->round_id, p->chunks.size(), s["scope_addresses"].get<uint64_t>(),
        s["sweep_addresses"].get<uint64_t>(), s["standard_ports"].get<std::string>());
    for (const auto& prof : s["profiles"])
      text += fmt::format("  {:>8} hosts: {}\n", prof["hosts"].get<uint64_t>(),
                          prof["ports"].get<std::string>());
    text += fmt::format(
        "  planned attempts: narrowed {}, standard {}, discovery {} (standard "
        "set on all: {})\n",
        s["planned_attempts"]["narrowed"].get<uint64_t>(),
        s["planned_attempts"]["standard"].get<uint64_t>(),
        s["planned_attempts"]["discovery"].get<uint64_t>(),
        s["standard_equivalent"].get<uint64_t>());
    Print(o->json, s, text);
  });
}

// ---- profiles -----------------------------------------------------------------------

json ProfileJson(const fleet::ProfileRecord& r, double min_share) {
  json ports = json::array();
  for (const auto& [port, n] : r.stats.port_counts)
    ports.push_back({{"port", port},
                     {"hosts", n},
                     {"share", r.stats.support ? double(n) / double(r.stats.support) : 0.0}});
  return {{"id", r.id},
          {"key", r.key},
          {"source", fleet::ProfileSourceName(r.source)},
          {"hosts", r.stats.hosts},
          {"support", r.stats.support},
          {"ports", ports},
          {"planned_ports", FormatPortList(fleet::FrequentPorts(r.stats, min_share))},
          {"sample_ip", FormatIpv4(r.stats.sample_ip)},
          {"learned_round", r.learned_round},
          {"last_round_saved", {{"round", r.planned_round},
                                {"hosts", r.planned_hosts},
                                {"attempts", r.saved_attempts}}}};
}

void RegisterProfiles(CLI::App* app) {
  auto* profiles = app->add_subcommand(
      "profiles", "Learned port profiles: groups of hosts that expose the same ports");
  profiles->require_subcommand(1);
  struct Opts {
    std::string store;
    int64_t id = 0;
    double min_share = 0.1;
    size_t limit = 50;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto share_option = [o](CLI::App* cmd) {
    cmd->add_option("--min-share", o->min_share,
                    "Share of fully scanned hosts a port needs to be planned (plan.profile_min_share)")
        ->check(CLI::Range(0.000001, 1.0))
        ->capture_default_str();
  };

  auto* list = profiles->add_subcommand("list", "Profiles, most hosts first");
  AddStoreOption(list, &o->store);
  AddJsonOption(list, &o->json);
  share_option(list);
  list->add_option("--limit", o->limit, "Show at most N profiles in text (0 = all)")
      ->capture_default_str();
  list->callback([o] {
    auto store = OpenStore(o->store);
    const auto all = Take(fleet::ListProfiles(*store));
    json arr = json::array();
    std::string text = fmt::format("{:>6} {:<7} {:>8} {:>8} {:>9} {:<24} {}\n", "id", "source",
                                   "hosts", "support", "saved", "planned ports", "key");
    size_t shown = 0;
    for (const fleet::ProfileRecord& r : all) {
      arr.push_back(ProfileJson(r, o->min_share));
      if (o->limit && shown >= o->limit) continue;
      ++shown;
      std::string key = r.key.size() > 48 ? r.key.substr(0, 45) + "..." : r.key;
      text += fmt::format("{:>6} {:<7} {:>8} {:>8} {:>9} {:<24} {}\n", r.id,
                          fleet::ProfileSourceName(r.source), r.stats.hosts, r.stats.support,
                          r.saved_attempts,
                          FormatPortList(fleet::FrequentPorts(r.stats, o->min_share)), key);
    }
    if (shown < all.size())
      text += fmt::format("({} more; --limit 0 shows all)\n", all.size() - shown);
    Print(o->json, arr, text);
  });

  auto* show = profiles->add_subcommand("show", "One profile: its ports with their frequencies");
  show->add_option("id", o->id, "Profile id (from `profiles list`)")->required();
  AddStoreOption(show, &o->store);
  AddJsonOption(show, &o->json);
  share_option(show);
  show->callback([o] {
    auto store = OpenStore(o->store);
    auto found = Take(fleet::FindProfile(*store, o->id));
    if (!found) throw CommandExit{kExitBadInput, fmt::format("no profile with id {}", o->id)};
    const fleet::ProfileRecord& r = *found;
    std::string text = fmt::format(
        "profile {} ({})\n  key {}\n  hosts {}, fully scanned {}, e.g. {}\n  learned in round {}; "
        "round {}: {} hosts narrowed, {} attempts saved\n  planned ports (share >= {}): {}\n  "
        "port     hosts   share\n",
        r.id, fleet::ProfileSourceName(r.source), r.key, r.stats.hosts, r.stats.support,
        FormatIpv4(r.stats.sample_ip), r.learned_round, r.planned_round, r.planned_hosts,
        r.saved_attempts, o->min_share, FormatPortList(fleet::FrequentPorts(r.stats, o->min_share)));
    for (const auto& [port, n] : r.stats.port_counts)
      text += fmt::format("  {:<6} {:>7} {:>6.1f}%\n", port, n,
                          r.stats.support ? 100.0 * double(n) / double(r.stats.support) : 0.0);
    Print(o->json, ProfileJson(r, o->min_share), text);
  });
}

// ---- report -------------------------------------------------------------------------

void RegisterReport(CLI::App* app) {
  struct Opts {
    std::string store;
    int64_t round = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* report = app->add_subcommand(
      "report", "Hosts, estimates by type and level, traffic per round and its reduction");
  report->add_option("--round", o->round, "Only this round's traffic (default: all)");
  AddStoreOption(report, &o->store);
  AddJsonOption(report, &o->json);
  report->callback([o] {
    auto store = OpenStore(o->store);
    const json r = Take(fleet::BuildFleetReport(*store, o->round));
    Print(o->json, r, fleet::FormatFleetReport(r));
  });
}

// ---- serve --------------------------------------------------------------------------

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop = true; }

void RegisterServe(CLI::App* app, ServeCompanion companion) {
  struct Opts {
    std::string config, store, http;
    std::vector<std::string> db;
  };
  auto o = std::make_shared<Opts>();
  auto* serve = app->add_subcommand(
      "serve", "Run the controller: ingest reports, estimate, plan rounds, publish plans");
  serve->add_option("--config", o->config, "controller.toml")->required()->check(CLI::ExistingFile);
  serve->add_option("--store", o->store, "SQLite store (overrides the config's `store`)");
  serve->add_option("--db", o->db, "Device DB files/folders (overrides the config; 'default')");
  serve->add_option("--http", o->http,
                    "Serve the status page, /metrics and the JSON API on ADDR:PORT "
                    "(overrides [http] listen)");
  serve->callback([o, companion] {
    fleet::ControllerConfig config = Take(fleet::LoadControllerConfig(o->config), kExitBadInput);
    if (!o->http.empty()) {
      auto listen = ParseListenAddress(o->http);
      if (!listen.ok()) throw CommandExit{kExitBadInput, "--http " + listen.error()};
      config.http_listen = *listen;
    }
    if (!o->store.empty()) config.store = o->store;
    if (config.store.empty()) config.store = DefaultStorePath();
    if (!o->db.empty()) config.device_db = o->db;
    SigningKey key = Take(SigningKey::LoadFile(config.signing_key), kExitBadInput);
    auto paths = Take(ResolveDbPaths(config.device_db), kExitBadInput);
    auto db = Take(LoadDeviceDb(paths), kExitBadInput);
    const size_t entries = db.entries.size();
    Estimator estimator = Take(
        Estimator::Create(std::move(db), {.alpha = config.alpha, .threshold = config.threshold}),
        kExitBadInput);
    auto store = OpenStore(config.store);
    StoreLock lock = Take(StoreLock::Acquire(config.store));  // one controller per store
    std::signal(SIGINT, OnStopSignal);
    std::signal(SIGTERM, OnStopSignal);
    // And one per MQTT client id on the broker (waits for the broker to check).
    auto id_lock = fleet::ClientIdLock::Acquire(config.mqtt, config.store, g_stop);
    if (!id_lock.ok() && g_stop) return;
    const fleet::ClientIdLock holder = Take(std::move(id_lock));
    holder.SetWillOf(config.mqtt);
    auto link = Take(MqttLink::Create(config.mqtt), kExitBadInput);
    link->Subscribe({config.mqtt.prefix + "probe/+/report", config.mqtt.prefix + "probe/+/status"});
    Check(link->Start(std::chrono::seconds(5)));
    spdlog::info("serving: store {}, broker {} ({}), {} device entries", config.store,
                 config.mqtt.uri, link->Connected() ? "connected" : "connecting", entries);
    fleet::FleetService service(config, *store, *link, std::move(key), estimator);
    service.RetainOnConnect(holder.topic(), holder.record());
    fleet::ServiceBoard board;
    service.ShowOn(&board);
    std::shared_ptr<void> beside;
    if (companion) beside = Take(companion(config, board));
    Status s = service.Run(g_stop);
    beside.reset();
    holder.Release(*link);
    link->Stop();
    const auto& c = service.counters();
    spdlog::info("stopped: {} batches committed, {} duplicate, {} refused, {} results",
                 c.batches_committed, c.batches_duplicate, c.batches_refused, c.results_committed);
    Check(s);
  });
}

}  // namespace

void RegisterFleetCommands(CLI::App* app, ServeCompanion companion) {
  RegisterServe(app, std::move(companion));
  RegisterKeys(app);
  RegisterProbes(app);
  RegisterTargets(app);
  RegisterExclude(app);
  RegisterRound(app);
  RegisterPlan(app);
  RegisterProfiles(app);
  RegisterReport(app);
}

}  // namespace narrowscan

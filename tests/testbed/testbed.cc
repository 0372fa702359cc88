#include "tests/testbed/testbed.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/testbed/churn.h"
#include "tests/testbed/ground_truth.h"

namespace narrowscan::testbed {
namespace {

std::string Failure(const std::string& why) {
  return nlohmann::json{{"ok", false}, {"error", why}}.dump();
}

// The next word of `words` as a count; `fallback` when there is none.
Result<uint64_t> CountArgument(std::istringstream* words, const char* command, uint64_t fallback) {
  std::string word;
  if (!(*words >> word)) return fallback;
  if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos ||
      word.size() > 9) {
    return Error{fmt::format("{}: '{}' is not a count", command, word)};
  }
  return std::stoull(word);
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr) return Error{fmt::format("{}: cannot write", temporary)};
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Error{fmt::format("{}: cannot write", path)};
  }
  return Status::Ok();
}

}  // namespace

Testbed::Testbed(asio::io_context* io, Population population, TestbedOptions options)
    : io_(io),
      population_(std::move(population)),
      options_(std::move(options)),
      server_(io, &population_, &tls_, &log_),
      control_(io, [this](std::string_view line) { return Execute(line); }),
      signals_(*io) {
  server_.set_idle_timeout(options_.idle_timeout);
}

Testbed::~Testbed() { Stop(); }

Status Testbed::Start() {
  if (!options_.log_path.empty()) {
    if (Status s = log_.Open(options_.log_path); !s.ok()) return s;
  }
  if (Status s = tls_.Create(population_.spec); !s.ok()) return s;
  if (Status s = server_.Start(); !s.ok()) return s;
  if (!options_.truth_path.empty()) {
    if (Status s = WriteGroundTruth(population_, options_.truth_path); !s.ok()) return s;
  }
  if (options_.control_port >= 0) {
    if (Status s = control_.Start(static_cast<uint16_t>(options_.control_port)); !s.ok()) return s;
  }
  if (options_.handle_signals) {
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGUSR1);
    WaitForSignal();
  }
  if (!options_.ready_file.empty()) {
    // What a scan of this population should cover: where hosts live plus silent space.
    nlohmann::json scope = nlohmann::json::array();
    for (const Ipv4Range& r : population_.ranges) scope.push_back(FormatIpv4Range(r));
    for (const Ipv4Range& r : population_.spec.silent) scope.push_back(FormatIpv4Range(r));
    nlohmann::json ready{{"pid", static_cast<int64_t>(getpid())},
                         {"scope", scope},
                         {"hosts", population_.hosts.size()},
                         {"listeners", server_.listeners()},
                         {"control_port", options_.control_port >= 0 ? control_.port() : 0},
                         {"truth", options_.truth_path}};
    if (Status s = WriteFileAtomically(options_.ready_file, ready.dump() + "\n"); !s.ok()) return s;
  }
  return Status::Ok();
}

void Testbed::Stop() {
  server_.Stop();
  control_.Stop();
  asio::error_code ignored;
  signals_.cancel(ignored);
}

void Testbed::WaitForSignal() {
  signals_.async_wait([this](const asio::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGUSR1) {
      std::string reply = Execute("change");
      std::fprintf(stderr, "narrowscan-testbed: SIGUSR1: %s\n", reply.c_str());
      WaitForSignal();
      return;
    }
    Stop();
  });
}

std::string Testbed::ApplyChanges(Result<std::vector<HostChange>> changes) {
  if (!changes.ok()) return Failure(changes.error());
  nlohmann::json list = nlohmann::json::array();
  for (const HostChange& c : *changes) {
    nlohmann::json item{{"ip", FormatIpv4(c.ip)},
                        {"kind", ChangeKindName(c.kind)},
                        {"host_id", c.host_id},
                        {"profile", population_.spec.profiles[c.profile].id}};
    switch (c.kind) {
      case ChangeKind::kFirmware:
      case ChangeKind::kPortOpened:
      case ChangeKind::kPortClosed:
        item["port"] = c.port;
        item["old_firmware"] = c.old_firmware;
        item["new_firmware"] = c.new_firmware;
        break;
      case ChangeKind::kMove:
        item["from"] = FormatIpv4(c.from);
        break;
      case ChangeKind::kVanish:
      case ChangeKind::kAppear:
        break;
    }
    list.push_back(std::move(item));
  }
  if (Status s = server_.SyncListeners(); !s.ok()) return Failure(s.error());
  if (!options_.truth_path.empty()) {
    if (Status s = WriteGroundTruth(population_, options_.truth_path); !s.ok())
      return Failure(s.error());
  }
  return nlohmann::json{{"ok", true}, {"changed", list}}.dump();
}

std::string Testbed::Execute(std::string_view command) {
  std::istringstream words{std::string(command)};
  std::string verb;
  words >> verb;
  if (verb == "change") {
    auto count = CountArgument(&words, "change", population_.spec.change_count);
    if (!count.ok()) return Failure(count.error());
    return ApplyChanges(ChangeHosts(&population_, *count));
  }
  if (verb == "churn") {
    std::string extra;
    if (words >> extra)
      return Failure(fmt::format("churn: unexpected '{}' (it takes no argument)", extra));
    return ApplyChanges(ChurnRound(&population_));
  }
  if (verb == "change-kind") {
    std::string kind;
    words >> kind;
    auto count = CountArgument(&words, "change-kind", 1);
    if (!count.ok()) return Failure(count.error());
    ChurnCounts counts;
    if (kind == "move") {
      counts.move = *count;
    } else if (kind == "vanish") {
      counts.vanish = *count;
    } else if (kind == "appear") {
      counts.appear = *count;
    } else {
      return Failure(fmt::format("change-kind: unknown kind '{}' (move, vanish, appear)", kind));
    }
    return ApplyChanges(ApplyChurn(&population_, counts));
  }
  if (verb == "change-ip") {
    std::vector<Ipv4> ips;
    std::string word;
    while (words >> word) {
      auto ip = ParseIpv4(word);
      if (!ip.ok()) return Failure(ip.error());
      ips.push_back(*ip);
    }
    if (ips.empty()) return Failure("change-ip: name at least one address");
    return ApplyChanges(ChangeHostsAt(&population_, ips));
  }
  if (verb == "stats") {
    const DeviceServer::Counters& c = server_.counters();
    return nlohmann::json{{"ok", true},
                          {"hosts", population_.hosts.size()},
                          {"listeners", server_.listeners()},
                          {"connections", c.accepted},
                          {"replies", c.replies},
                          {"tls_handshakes", c.tls_handshakes},
                          {"change_rounds", population_.changes_applied}}
        .dump();
  }
  if (verb == "truth") {
    if (options_.truth_path.empty()) return Failure("truth: no --truth file was given");
    if (Status s = WriteGroundTruth(population_, options_.truth_path); !s.ok())
      return Failure(s.error());
    return nlohmann::json{{"ok", true}, {"truth", options_.truth_path}}.dump();
  }
  if (verb == "shutdown") {
    // Let the reply go out before the control connection is closed.
    auto timer = std::make_shared<asio::steady_timer>(*io_, std::chrono::milliseconds(100));
    timer->async_wait([this, timer](const asio::error_code&) { Stop(); });
    return nlohmann::json{{"ok", true}}.dump();
  }
  return Failure(fmt::format(
      "unknown command '{}' (change [N], change-ip IP…, churn, change-kind move|vanish|appear "
      "[N], stats, truth, shutdown)",
      verb));
}

}  // namespace narrowscan::testbed

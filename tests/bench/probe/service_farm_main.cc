// narrowscan-bench-services: starts many real services on loopback for the probe
// benchmark (tests/bench/probe/compare-nmap), writes "ip port service" for each to
// --list, then serves until SIGINT/SIGTERM.
//
// Listeners are --count distinct (address, port) pairs drawn with --seed from
// --addresses × --ports (or every pair when --count is 0). A listener's protocol follows
// its port (21 ftp, 22 ssh, 23 telnet, 25 smtp, 80/8080 http, 110 pop3, 143 imap,
// 443/8443 https, 554/8554 rtsp); other ports get HTTP, or silence with --silent.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <random>
#include <set>

#include "common/port_list.h"
#include "common/range_set.h"
#include "tests/probe/service_server.h"

namespace {

narrowscan::Personality ForPort(uint16_t port, bool silent) {
  using narrowscan::Personality;
  if (silent) return Personality::kSilent;
  switch (port) {
    case 21:
      return Personality::kFtp;
    case 22:
      return Personality::kSsh;
    case 23:
      return Personality::kTelnet;
    case 25:
      return Personality::kSmtp;
    case 110:
      return Personality::kPop3;
    case 143:
      return Personality::kImap;
    case 443:
    case 8443:
      return Personality::kHttps;
    case 554:
    case 8554:
      return Personality::kRtsp;
    default:
      return Personality::kHttp;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Real loopback services for the probe benchmark"};
  std::string addresses, ports_text, list_path;
  uint64_t count = 0, seed = 1;
  bool silent = false;
  app.add_option("--addresses", addresses, "CIDR of 127.x addresses")->required();
  app.add_option("--ports", ports_text, "Port list")->required();
  app.add_option("--count", count, "Listeners (0 = every pair)")->capture_default_str();
  app.add_option("--seed", seed, "Seed for the pairs")->capture_default_str();
  app.add_flag("--silent", silent, "Every listener accepts and stays silent");
  app.add_option("--list", list_path, "Write 'ip port service' lines here")->required();
  CLI11_PARSE(app, argc, argv);

  auto range = narrowscan::ParseIpv4Range(addresses);
  auto ports = narrowscan::ParsePortList(ports_text);
  if (!range.ok() || !ports.ok() || (range->first >> 24) != 127) {
    std::fprintf(stderr, "bad --addresses (must be 127.0.0.0/8) or --ports\n");
    return 2;
  }
  const uint64_t total = range->size() * ports->size();
  std::set<uint64_t> chosen;
  if (count == 0 || count >= total) {
    for (uint64_t i = 0; i < total; ++i) chosen.insert(i);
  } else {
    std::mt19937_64 rng(seed);
    while (chosen.size() < count) chosen.insert(rng() % total);
  }
  narrowscan::ServiceServer server;
  std::FILE* list = std::fopen(list_path.c_str(), "w");
  if (list == nullptr) {
    std::fprintf(stderr, "%s: cannot write\n", list_path.c_str());
    return 2;
  }
  for (uint64_t i : chosen) {
    const narrowscan::Ipv4 ip = range->first + static_cast<uint32_t>(i / ports->size());
    const uint16_t port = (*ports)[i % ports->size()];
    const narrowscan::Personality p = ForPort(port, silent);
    auto bound = server.Listen(ip, port, p);
    if (!bound.ok()) {
      std::fprintf(stderr, "%s\n", bound.error().c_str());
      return 1;
    }
    std::fprintf(list, "%s %u %s\n", narrowscan::FormatIpv4(ip).c_str(), port,
                 narrowscan::PersonalityName(p));
  }
  std::fclose(list);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server thread starts
  server.Start();
  std::fprintf(stderr, "serving %zu listeners\n", chosen.size());
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  return 0;
}

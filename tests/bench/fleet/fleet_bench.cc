// bench_fleet: report batches through a real Mosquitto into SQLite, end to end.
//
// Simulates the paper's national round by default: 3.4M responsive hosts of which
// 1,645,475 sent a banner (banners taken from the default device DB's examples, so
// estimation has real work), published by P probe threads as signed FlatBuffers batches
// (QoS 1, a window of unacked batches each) to a private broker on 127.0.0.1; the
// controller's FleetService verifies, commits and acks them; then every host is
// estimated. Prints committed results/s and the wall time of ingest + estimation.
//
//   bench_fleet [--hosts N] [--banners N] [--probes P] [--batch N] [--window N] [--dir D]
#include <fmt/format.h>

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/mqtt/mqtt_link.h"
#include "common/wire/ack_codec.h"
#include "common/wire/report_codec.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/fleet_service.h"
#include "controller/fleet/host_update.h"
#include "controller/fleet/profile_store.h"
#include "controller/fleet/round_planning.h"

using namespace narrowscan;
namespace fs = std::filesystem;

namespace {

struct Options {
  uint64_t hosts = 3'400'000, banners = 1'645'475;
  int probes = 4, window = 16;
  size_t batch = 5000;
  std::string dir;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU seconds of the calling thread: the controller's share of a phase, apart from
// the probe threads and the broker that run beside it.
double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "bench_fleet: %s\n", why.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--hosts")
      o.hosts = std::stoull(v);
    else if (k == "--banners")
      o.banners = std::stoull(v);
    else if (k == "--probes")
      o.probes = std::stoi(v);
    else if (k == "--batch")
      o.batch = std::stoul(v);
    else if (k == "--window")
      o.window = std::stoi(v);
    else if (k == "--dir")
      o.dir = v;
    else
      Die("unknown option " + k);
  }
  if (o.dir.empty())
    o.dir = (fs::temp_directory_path() / fmt::format("bench-fleet-{}", ::getpid())).string();
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  const char* src = std::getenv("NARROWSCAN_SOURCE_DIR");
  const std::string source = src ? src : NARROWSCAN_BENCH_SOURCE_DIR;

  // Broker.
  std::string cmd = fmt::format(
      "{}/controller/broker/start-broker '{}/broker' --controller-password cpw", source, o.dir);
  for (int p = 0; p < o.probes; ++p) cmd += fmt::format(" --probe b{}:pw", p);
  FILE* f = ::popen(cmd.c_str(), "r");
  int port = 0, broker_pid = 0;
  if (!f || std::fscanf(f, "port=%d pid=%d", &port, &broker_pid) != 2) Die("start-broker failed");
  ::pclose(f);

  // Device DB and banner pool from its examples.
  auto paths = ResolveDbPaths({});
  if (!paths.ok()) Die(paths.error());
  auto db = LoadDeviceDb(*paths);
  if (!db.ok()) Die(db.error());
  std::vector<std::pair<uint16_t, std::string>> pool;
  for (const DeviceEntry& e : db->entries)
    for (const DeviceExample& x : e.examples)
      if (x.expect_match && x.field.empty() && !x.banner.empty())
        pool.emplace_back(x.port.value_or(80), x.banner);
  if (pool.empty()) Die("no banners in the device DB examples");
  auto estimator = Estimator::Create(std::move(*db));
  if (!estimator.ok()) Die(estimator.error());

  // Store: probes with regions splitting 127.64.0.0/10, one running round.
  auto store = fleet::FleetStore::Open(o.dir + "/bench.db");
  if (!store.ok()) Die(store.error());
  const Ipv4 base = 0x7F400000;
  const uint64_t per_probe = (o.hosts + o.probes - 1) / o.probes;
  std::vector<SigningKey> keys;
  for (int p = 0; p < o.probes; ++p) {
    keys.push_back(std::move(SigningKey::Generate().value()));
    RangeSet region;
    region.Add(Ipv4Range{static_cast<Ipv4>(base + p * per_probe),
                         static_cast<Ipv4>(base + (p + 1) * per_probe - 1)});
    if (Status s = (*store)->AddProbe(fmt::format("b{}", p), keys.back().PublicPem(), region);
        !s.ok())
      Die(s.error());
  }
  // The targets: every probe's region, so the next round's plans cover all hosts.
  if (Status s = (*store)->AddTargets(RangeSet({{base, static_cast<Ipv4>(
                                                           base + o.probes * per_probe - 1)}}));
      !s.ok())
    Die(s.error());
  // Round 1 is planned as the service plans it (every probe sweeps its region with the
  // standard set), since the controller takes only results its plans asked for. The
  // standard set holds every port of the banner pool.
  fleet::PlanSettings plan_settings;
  plan_settings.planner.standard_ports = fleet::DefaultStandardPorts();
  for (const auto& [port, banner] : pool) plan_settings.planner.standard_ports.push_back(port);
  std::sort(plan_settings.planner.standard_ports.begin(), plan_settings.planner.standard_ports.end());
  plan_settings.planner.standard_ports.erase(
      std::unique(plan_settings.planner.standard_ports.begin(),
                  plan_settings.planner.standard_ports.end()),
      plan_settings.planner.standard_ports.end());
  plan_settings.planner.discovery_slices = 16;
  auto plan_key = SigningKey::Generate();
  if (!plan_key.ok()) Die(plan_key.error());
  const int64_t round = (*store)->CreateRound(3600).value();
  if (auto first = fleet::PlanRound(**store, round, plan_settings, *plan_key); !first.ok())
    Die(first.error());
  (void)(*store)->store().Exec(
      fmt::format("UPDATE fleet_rounds SET state='running' WHERE id={}", round));

  fleet::ControllerConfig config;
  config.mqtt.uri = fmt::format("tcp://127.0.0.1:{}", port);
  config.mqtt.client_id = "bench-controller";
  config.mqtt.username = "controller";
  config.mqtt.password = "cpw";
  config.plan.planner.standard_ports = fleet::DefaultStandardPorts();
  auto link = MqttLink::Create(config.mqtt);
  if (!link.ok() || !(*link)->Start(std::chrono::seconds(5)).ok()) Die("controller cannot connect");
  SigningKey controller_key = std::move(SigningKey::Generate().value());
  fleet::FleetService service(config, **store, **link, std::move(controller_key), *estimator);
  std::atomic<bool> stop{false};
  double service_cpu_s = 0;
  std::thread service_thread([&] {
    Status s = service.Run(stop);
    if (!s.ok()) std::fprintf(stderr, "service: %s\n", s.error().c_str());
    service_cpu_s = ThreadCpuSeconds();
  });

  // Probes: pre-encode nothing; encoding and signing are part of the probe's cost.
  std::atomic<uint64_t> published_results{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> probes;
  for (int p = 0; p < o.probes; ++p) {
    probes.emplace_back([&, p] {
      MqttConfig mc = config.mqtt;
      mc.client_id = fmt::format("bench-b{}", p);
      mc.username = fmt::format("b{}", p);
      mc.password = "pw";
      auto pl = MqttLink::Create(mc);
      if (!pl.ok()) Die(pl.error());
      MqttLink& l = **pl;
      const std::string id = fmt::format("b{}", p);
      l.Subscribe({"narrowscan/probe/" + id + "/ack"});
      if (!l.Start(std::chrono::seconds(5)).ok() || !l.Connected()) Die("probe cannot connect");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // subscription settles
      const uint64_t first = p * per_probe, last = std::min<uint64_t>(o.hosts, (p + 1) * per_probe);
      uint64_t seq = 0, acked = 0;
      std::map<uint64_t, std::string> unacked;
      auto drain = [&](std::chrono::milliseconds wait) {
        while (auto m = l.Receive(wait)) {
          auto ack = wire::DecodeAck(
              {reinterpret_cast<const uint8_t*>(m->payload.data()), m->payload.size()});
          if (ack.ok() && ack->highest_seq > acked) acked = ack->highest_seq;
          wait = std::chrono::milliseconds(0);
        }
      };
      for (uint64_t h = first; h < last;) {
        wire::ReportBatch b;
        b.probe_id = id;
        b.round_id = static_cast<uint64_t>(round);
        b.seq = ++seq;
        for (; h < last && b.results.size() < o.batch; ++h) {
          wire::PortResult r;
          r.ip = static_cast<Ipv4>(base + h);
          r.state = wire::PortState::kOpen;
          if (h < o.banners) {
            const auto& [port, banner] = pool[h % pool.size()];
            r.port = port;
            r.banner = banner;
          } else {
            r.port = 80;
          }
          b.results.push_back(std::move(r));
        }
        b.counters.attempts = h - first;
        b.done = h >= last;
        auto bytes = wire::EncodeReport(b, keys[p]);
        if (!bytes.ok()) Die(bytes.error());
        unacked[b.seq] = std::string(bytes->begin(), bytes->end());
        while (!l.Publish("narrowscan/probe/" + id + "/report", unacked[b.seq], false).ok())
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        published_results += b.results.size();
        drain(std::chrono::milliseconds(0));
        while (seq - acked >= static_cast<uint64_t>(o.window)) drain(std::chrono::milliseconds(50));
      }
      auto last_send = std::chrono::steady_clock::now();
      while (acked < seq) {
        drain(std::chrono::milliseconds(100));
        if (Seconds(last_send) > 20) {  // lost in a reconnect: send again (harmless)
          for (auto it = unacked.upper_bound(acked); it != unacked.end(); ++it)
            (void)l.Publish("narrowscan/probe/" + id + "/report", it->second, false);
          last_send = std::chrono::steady_clock::now();
        }
      }
      l.Stop();
    });
  }
  for (auto& t : probes) t.join();
  const double ingest_s = Seconds(start);
  // Estimation: what the service does when the round closes (all probes sent `done`)
  // plus whatever it left dirty when stopped, so the phase ends when every host is
  // estimated.
  const auto est_start = std::chrono::steady_clock::now();
  stop = true;
  service_thread.join();
  (*link)->Stop();
  const double est_cpu_start = ThreadCpuSeconds();
  fleet::HostUpdateOptions update;
  update.standard_ports = plan_settings.planner.standard_ports;
  update.batch = 20000;
  auto estimated = fleet::EstimateDirtyHosts(**store, *estimator, update);
  if (!estimated.ok()) Die(estimated.error());
  const double est_s = Seconds(est_start);
  const double est_cpu_s = ThreadCpuSeconds() - est_cpu_start;
  ::kill(broker_pid, SIGTERM);

  // What the service does next: learn the port profiles at the round's end, then plan
  // the next round for every probe (known hosts narrowed by their profiles, liveness
  // probes, signed chunks stored).
  const auto learn_start = std::chrono::steady_clock::now();
  auto learned = fleet::LearnProfiles(**store, round, 2);
  if (!learned.ok()) Die(learned.error());
  if (Status s = (*store)->EndRound(round, "bench"); !s.ok()) Die(s.error());
  const double learn_s = Seconds(learn_start);
  const auto plan_start = std::chrono::steady_clock::now();
  const int64_t next = (*store)->CreateRound(3600).value();
  auto plans = fleet::PlanRound(**store, next, plan_settings, *plan_key);
  if (!plans.ok()) Die(plans.error());
  const double plan_s = Seconds(plan_start);

  auto count = [&](const char* sql) {
    auto st = (*store)->store().Prepare(sql);
    return st.ok() && *st->Step() ? st->ColumnInt(0) : -1;
  };
  const int64_t results = count("SELECT COUNT(*) FROM fleet_results");
  const int64_t banners = count("SELECT COUNT(*) FROM fleet_results WHERE length(banner) > 0");
  const int64_t hosts_estimated = count("SELECT COUNT(DISTINCT ip) FROM fleet_estimates");
  std::printf("bench_fleet: %d probes, batches of %zu, window %d, broker 127.0.0.1:%d\n", o.probes,
              o.batch, o.window, port);
  std::printf(
      "  committed results: %lld (banners %lld) in %.2f s through the broker = %.0f results/s\n",
      static_cast<long long>(results), static_cast<long long>(banners), ingest_s,
      results / ingest_s);
  std::printf(
      "  estimated %llu hosts (%llu by the service, %llu after it stopped; %lld with a match) "
      "in %.2f s after ingest\n",
      static_cast<unsigned long long>(service.counters().hosts_estimated + *estimated),
      static_cast<unsigned long long>(service.counters().hosts_estimated),
      static_cast<unsigned long long>(*estimated), static_cast<long long>(hosts_estimated), est_s);
  std::printf(
      "  controller CPU: service thread %.2f s (%.2f us/result), "
      "estimation after it stopped %.2f s; total %.2f s\n",
      service_cpu_s, 1e6 * service_cpu_s / static_cast<double>(std::max<int64_t>(results, 1)),
      est_cpu_s, service_cpu_s + est_cpu_s);
  uint64_t listed = 0, plan_bytes = 0;
  for (const fleet::StoredPlan& p : *plans)
    for (const wire::Bytes& c : p.chunks) plan_bytes += c.size();
  {
    auto st = (*store)->store().Prepare(
        fmt::format("SELECT COUNT(*) FROM fleet_host_plans WHERE planned_round = {}", next));
    if (st.ok() && *st->Step()) listed = static_cast<uint64_t>(st->ColumnInt(0));
  }
  std::printf("  profile learning: %.2f s (%llu profiles); planning the next round: %.2f s "
              "(%llu known hosts listed, %zu plans, %.1f MB signed)\n",
              learn_s, static_cast<unsigned long long>(*learned), plan_s,
              static_cast<unsigned long long>(listed), plans->size(), plan_bytes / 1e6);
  std::printf("  ingest + estimation: %.2f s; with profile learning and planning: %.2f s "
              "(goal <= 60 s)\n",
              ingest_s + est_s, ingest_s + est_s + learn_s + plan_s);
  const auto& c = service.counters();
  std::printf("  service: %llu batches committed, %llu duplicate, %llu refused\n",
              static_cast<unsigned long long>(c.batches_committed),
              static_cast<unsigned long long>(c.batches_duplicate),
              static_cast<unsigned long long>(c.batches_refused));
  fs::remove_all(o.dir);
  return results == static_cast<int64_t>(o.hosts) ? 0 : 1;
}

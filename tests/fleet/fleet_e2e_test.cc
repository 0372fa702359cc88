// The fleet end to end (issue 5 acceptance) on loopback: a real Mosquitto, the testbed
// population on a 127.x /22, `narrowscan serve` and two probes with different regions.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/signature.h"
#include "common/wire/plan_codec.h"
#include "controller/store/store.h"
#include "tests/fleet/fleet_cluster.h"

namespace narrowscan::fleettest {
namespace {

using nlohmann::json;
using Pairs = std::set<std::pair<Ipv4, uint16_t>>;

const std::vector<ProbeSpec> kTwoProbes = {{"p1", 0}, {"p2", 1}};

Pairs StoredResults(const std::string& store_path, int64_t round) {
  Pairs out;
  auto store = Store::Open(store_path);
  if (!store.ok()) return out;
  auto st =
      (*store)->Prepare("SELECT ip, port FROM fleet_results WHERE round_id = ? AND state = 0");
  st->Bind(1, round);
  while (*st->Step())
    out.emplace(static_cast<Ipv4>(st->ColumnInt(0)), static_cast<uint16_t>(st->ColumnInt(1)));
  return out;
}

int64_t Count(const std::string& store_path, const std::string& sql) {
  auto store = Store::Open(store_path);
  auto st = (*store)->Prepare(sql);
  return st.ok() && *st->Step() ? st->ColumnInt(0) : -1;
}

json RunRound(FleetCluster& c) {
  CommandOutput out = c.Narrowscan({"round", "start", "--wait", "--timeout", "90", "--json"});
  EXPECT_EQ(out.exit_code, 0) << out.out;
  return json::parse(out.out, nullptr, false);
}

TEST(FleetEndToEnd, TwoProbesTwoRoundsNarrowTheSecondRound) {
  FleetCluster c("rounds", kTwoProbes, 3000);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(c.StartProbe("p1"));
  ASSERT_TRUE(c.StartProbe("p2"));

  size_t after_round1 = 0;
  const json r1 = RunRound(c);
  ASSERT_FALSE(r1.is_discarded());
  EXPECT_EQ(r1["end_reason"], "all probes done");
  EXPECT_EQ(r1["probes_done"], 2);
  const Pairs logged1 = c.LoggedConnections(0, &after_round1);
  const Pairs stored1 = StoredResults(c.Store(), r1["round"].get<int64_t>());
  EXPECT_GT(stored1.size(), 300u);
  EXPECT_EQ(stored1, logged1) << "every connection of round 1 is stored exactly once";

  const json r2 = RunRound(c);
  ASSERT_FALSE(r2.is_discarded());
  EXPECT_EQ(r2["probes_done"], 2);
  EXPECT_GT(r2["total"]["planned"]["narrowed"].get<int64_t>(), 0);
  EXPECT_LT(r2["total"]["attempts"].get<int64_t>(), r1["total"]["attempts"].get<int64_t>() / 2);
  EXPECT_EQ(StoredResults(c.Store(), r2["round"].get<int64_t>()),
            c.LoggedConnections(after_round1));

  CommandOutput report = c.Narrowscan({"report", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.out;
  const json rep = json::parse(report.out);
  ASSERT_EQ(rep["rounds"].size(), 2u);
  EXPECT_GT(rep["hosts"]["estimated"].get<int64_t>(), 100);
  EXPECT_GT(rep["rounds"][1]["total"]["reduction"].get<double>(),
            rep["rounds"][0]["total"]["reduction"].get<double>());
  EXPECT_FALSE(rep["estimates"]["by_type"].empty());
  EXPECT_FALSE(rep["estimates"]["by_level"].empty());

  CommandOutput plan = c.Narrowscan({"plan", "show", "--probe", "p1", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out;
  EXPECT_GT(json::parse(plan.out)["profiles"].size(), 1u);
  CommandOutput probes = c.Narrowscan({"probes", "list", "--json"});
  ASSERT_EQ(probes.exit_code, 0);
  EXPECT_EQ(json::parse(probes.out).size(), 2u);
}

// Services start in any order (systemd, a reboot): a controller and a probe that come
// up before the broker keep retrying their first connect and join once it listens.
TEST(FleetEndToEnd, ControllerAndProbeStartedBeforeTheBrokerJoinOnceItIsUp) {
  FleetCluster c("order", {{"p1", 0}}, 3000, FleetCluster::Broker::kStartLater);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(c.StartProbe("p1"));
  // Both report that their first attempt found no broker (they start at once, then
  // retry in the background).
  auto waiting = [&](const std::string& log) {
    for (int i = 0; i < 600 && c.Log(log).find("connecting") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return c.Log(log).find("connecting") != std::string::npos;
  };
  ASSERT_TRUE(waiting("controller")) << c.Log("controller");
  ASSERT_TRUE(waiting("p1")) << c.Log("p1");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a few failed retries
  ASSERT_TRUE(c.StartBroker());

  const json r = RunRound(c);
  ASSERT_FALSE(r.is_discarded());
  EXPECT_EQ(r["end_reason"], "all probes done");
  EXPECT_EQ(r["probes_done"], 1);
  const Pairs stored = StoredResults(c.Store(), r["round"].get<int64_t>());
  EXPECT_GT(stored.size(), 100u);
  EXPECT_EQ(stored, c.LoggedConnections());
}

TEST(FleetEndToEnd, ASecondControllerWithTheSameMqttClientIdExits1) {
  FleetCluster c("clientid", {{"p1", 0}}, 3000);
  ASSERT_TRUE(c.ok());
  auto serving = [&](size_t times) {
    auto count = [&] {
      size_t n = 0;
      for (size_t at = 0; (at = c.Log("controller").find("serving:", at)) != std::string::npos; ++at)
        ++n;
      return n;
    };
    for (int i = 0; i < 200 && count() < times; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return count() >= times;
  };
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(c.StartProbe("p1"));
  ASSERT_TRUE(serving(1)) << c.Log("controller");
  // The same config on another store (a copied config): same broker, same client id.
  {
    std::ifstream in(c.dir() + "/controller.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string conf = text.str();
    conf.replace(conf.find("narrowscan.db"), 13, "other.db");
    std::ofstream(c.dir() + "/other.toml") << conf;
  }
  const CommandOutput second = c.Narrowscan({"serve", "--config", c.dir() + "/other.toml"}, false);
  EXPECT_EQ(second.exit_code, 1) << second.out;
  EXPECT_NE(second.out.find("MQTT client id 'narrowscan-controller' is in use by another "
                            "controller (pid "),
            std::string::npos)
      << second.out;
  EXPECT_NE(second.out.find("store '" + c.dir() + "/narrowscan.db'"), std::string::npos)
      << second.out;
  // The holder was left alone: it is still connected and serves a round.
  EXPECT_EQ(c.Log("controller").find("taking over"), std::string::npos);
  const json r = RunRound(c);
  ASSERT_FALSE(r.is_discarded());
  EXPECT_EQ(r["end_reason"], "all probes done");

  // Killed -9, its socket closes and the broker's will clears the record. A record left
  // behind anyway (a broker restored from its persistence file) by a process of this
  // host that no longer runs is stale: the restart takes over.
  c.KillController(SIGKILL);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::ofstream(c.dir() + "/stale.json")
      << R"({"pid":2147483000,"host":")" << host << R"(","store":"/elsewhere.db","since":1})";
  ASSERT_TRUE(c.PublishAsController("narrowscan/controller/narrowscan-controller/holder",
                                    c.dir() + "/stale.json", true));
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(serving(2)) << c.Log("controller");
  EXPECT_NE(c.Log("controller").find("the last holder is gone; taking over"), std::string::npos)
      << c.Log("controller");
  // Stopped cleanly, it clears its record: then the other store's controller starts
  // (and is stopped after 3 s).
  c.KillController(SIGTERM);
  const std::string other_log = c.dir() + "/other.log";
  const std::string cmd = "timeout -s TERM 3 " NARROWSCAN_TEST_BINARY_DIR
                          "/controller/cli/narrowscan serve --config '" +
                          c.dir() + "/other.toml' >'" + other_log + "' 2>&1";
  (void)std::system(cmd.c_str());
  std::ifstream in(other_log);
  std::stringstream other;
  other << in.rdbuf();
  EXPECT_NE(other.str().find("serving:"), std::string::npos) << other.str();
  EXPECT_EQ(other.str().find("in use"), std::string::npos) << other.str();
}

TEST(FleetEndToEnd, FaultsLoseNothingAndStoreEverythingOnce) {
  FleetCluster c("faults", kTwoProbes, 600);  // slow enough to break things mid-round
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(c.StartProbe("p1"));
  ASSERT_TRUE(c.StartProbe("p2"));
  CommandOutput start = c.Narrowscan({"round", "start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.out;
  auto committed = [&] { return Count(c.Store(), "SELECT COUNT(*) FROM fleet_batches"); };
  auto wait_for_more = [&](int64_t than) {
    for (int i = 0; i < 200 && committed() <= than; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  wait_for_more(2);
  c.KillController(SIGKILL);  // during ingest
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(c.StartController());
  wait_for_more(committed() + 2);
  ASSERT_TRUE(c.RestartBroker());
  wait_for_more(committed() + 2);
  c.KillProbe("p1", SIGKILL);  // mid-round
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(c.StartProbe("p1"));

  for (int i = 0; i < 1200; ++i) {
    CommandOutput s = c.Narrowscan({"round", "status", "--json"});
    if (s.exit_code == 0 && json::parse(s.out)["state"] == "done") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CommandOutput s = c.Narrowscan({"round", "status", "--json"});
  const json st = json::parse(s.out);
  ASSERT_EQ(st["state"], "done") << s.out;
  EXPECT_EQ(st["end_reason"], "all probes done");
  EXPECT_EQ(StoredResults(c.Store(), st["round"].get<int64_t>()), c.LoggedConnections());
  EXPECT_EQ(Count(c.Store(), "SELECT COUNT(*) FROM fleet_refusals"), 0);
}

TEST(FleetEndToEnd, ExclusionAddedMidRoundStopsConnectionsWithinTwoSeconds) {
  FleetCluster c("exclude", kTwoProbes, 300);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.StartController());
  ASSERT_TRUE(c.StartProbe("p1"));
  ASSERT_TRUE(c.StartProbe("p2"));
  ASSERT_EQ(c.Narrowscan({"round", "start"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_EQ(c.Narrowscan(
                 {"exclude", "add", FormatIpv4(c.base() + 256) + "/24", "--reason", "opt-out test"})
                .exit_code,
            0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  size_t mark = 0;
  c.LoggedConnections(0, &mark);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const Ipv4 first = c.base() + 256, last = c.base() + 511;
  for (const auto& [ip, port] : c.LoggedConnectionList(mark))
    EXPECT_FALSE(ip >= first && ip <= last)
        << FormatIpv4(ip) << ":" << port << " after the exclusion";
}

TEST(FleetEndToEnd, ForeignPlansAreRefusedAndOutOfScopeTargetsNeverContacted) {
  FleetCluster c("plans", {{"p1", 0}}, 2000);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.StartProbe("p1"));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  SigningKey controller = std::move(SigningKey::LoadFile(c.ControllerKey()).value());
  SigningKey stranger = std::move(SigningKey::Generate().value());
  auto publish = [&](const wire::Plan& plan, const SigningKey& key, size_t cut = 0) {
    auto chunks = wire::EncodePlan(plan, key, 1 << 20);
    ASSERT_TRUE(chunks.ok());
    std::string bytes(chunks->front().begin(), chunks->front().end());
    if (cut) bytes.resize(bytes.size() - cut);
    const std::string file = c.dir() + "/plan.bin";
    std::ofstream(file, std::ios::binary) << bytes;
    ASSERT_TRUE(c.PublishAsController("narrowscan/probe/p1/plan/0", file, true));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  };
  wire::Plan plan;
  plan.probe_id = "p1";
  plan.round_id = 1;
  plan.version = 10;
  plan.rate = 2000;
  plan.standard_ports = {21, 22, 23, 80, 443, 554, 8080};
  // The whole testbed, though p1's local scope is only its first /23.
  plan.scope = {{c.base(), c.base() + 1023}};
  plan.default_profile = 0;
  plan.profiles.push_back({plan.standard_ports, {}});

  wire::Plan other_probe = plan;
  other_probe.probe_id = "p2";
  publish(other_probe, controller);  // bound to another probe
  publish(plan, stranger);           // signed by another key
  publish(plan, controller, 40);     // truncated
  publish(plan, controller);         // valid: accepted, clipped to the local scope
  wire::Plan older = plan;
  older.version = 9;
  publish(older, controller);  // older than the accepted one
  std::this_thread::sleep_for(std::chrono::seconds(3));

  for (const auto& [ip, port] : c.LoggedConnections())
    EXPECT_LT(ip, c.base() + 512) << FormatIpv4(ip) << ":" << port << " is outside p1's scope";
  EXPECT_FALSE(c.LoggedConnections().empty()) << "the valid plan ran";
  std::ifstream state(c.dir() + "/state-p1/state.json");
  const json j = json::parse(state);
  EXPECT_EQ(j["refused_plans"], 4);
  EXPECT_EQ(j["plan_version"], 10);
}

}  // namespace
}  // namespace narrowscan::fleettest

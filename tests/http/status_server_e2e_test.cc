// `narrowscan serve --http` end to end: a private Mosquitto, the testbed on a 127.x /22,
// serve with the status server on a free loopback port and one probe run a round; then
// /metrics parses, /healthz is 200, the JSON API lists the round and answers for a
// host, and headless Chromium renders the page with the probe and the round in it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "controller/store/store.h"
#include "tests/fleet/fleet_cluster.h"
#include "tests/http/prometheus_text.h"

namespace narrowscan::fleettest {
namespace {

using nlohmann::json;

class StatusServerEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    port_ = FreeLoopbackPort(4099);  // another salt than the broker's
    ASSERT_GT(port_, 0) << "no free loopback port";
    cluster_ = new FleetCluster("http", {{"p1", 0}}, 3000);
    ASSERT_TRUE(cluster_->ok());
    ASSERT_TRUE(cluster_->StartController({"--http", "127.0.0.1:" + std::to_string(port_)}));
    ASSERT_TRUE(cluster_->StartProbe("p1"));
    CommandOutput out =
        cluster_->Narrowscan({"round", "start", "--wait", "--timeout", "90", "--json"});
    ASSERT_EQ(out.exit_code, 0) << out.out << cluster_->Log("controller");
    round_ = json::parse(out.out, nullptr, false);
    ASSERT_FALSE(round_.is_discarded()) << out.out;
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    if (!cluster_ || !cluster_->ok() || round_.is_null()) GTEST_SKIP() << "set-up failed";
  }

  static httplib::Result Get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(20);
    return client.Get(path);
  }

  static inline FleetCluster* cluster_ = nullptr;
  static inline int port_ = 0;
  static inline json round_;
};

TEST_F(StatusServerEndToEnd, MetricsHealthAndTheJsonApiAnswer) {
  // /healthz: the broker connected and the store writable (the service publishes its
  // state every turn, so a short wait covers a reconnect after the round).
  int health_status = 0;
  std::string health_body;
  for (int i = 0; i < 50 && health_status != 200; ++i) {
    if (auto health = Get("/healthz")) {
      health_status = health->status;
      health_body = health->body;
    }
    if (health_status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_NE(health_status, 0) << "no answer on port " << port_ << "\n"
                              << cluster_->Log("controller");
  EXPECT_EQ(health_status, 200) << health_body;
  EXPECT_EQ(health_body, "ok\n");

  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200) << metrics->body;
  EXPECT_EQ(metrics->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  const auto p = httptest::ParsePrometheusText(metrics->body);
  for (const std::string& e : p.errors) ADD_FAILURE() << e;
  const int64_t id = round_["round"].get<int64_t>();
  EXPECT_EQ(p.Value("narrowscan_round_current_id"), static_cast<double>(id));
  EXPECT_EQ(p.Value("narrowscan_round_current_state", {{"state", "done"}}), 1);
  EXPECT_EQ(p.Value("narrowscan_probe_attempts_total", {{"probe", "p1"}}),
            round_["total"]["attempts"].get<double>());
  EXPECT_EQ(p.Value("narrowscan_probe_results_total", {{"probe", "p1"}}),
            round_["total"]["results"].get<double>());
  EXPECT_EQ(p.Value("narrowscan_probes_online"), 1);
  EXPECT_EQ(p.Value("narrowscan_broker_connected"), 1);
  EXPECT_GT(p.Value("narrowscan_store_size_bytes"), 0);
  EXPECT_GE(p.Value("narrowscan_last_round_planning_seconds", {{"round", std::to_string(id)}}), 0);
  EXPECT_GE(p.Value("narrowscan_last_round_estimation_seconds", {{"round", std::to_string(id)}}),
            0);

  auto rounds = Get("/api/rounds");
  ASSERT_TRUE(rounds);
  ASSERT_EQ(rounds->status, 200);
  const json list = json::parse(rounds->body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["round"], id);
  EXPECT_EQ(list[0]["total"]["attempts"], round_["total"]["attempts"]) << "as `round status`";
  auto one = Get("/api/rounds/" + std::to_string(id));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(Get("/api/rounds/999")->status, 404);
  EXPECT_EQ(Get("/api/rounds/abc")->status, 400);

  auto probes = Get("/api/probes");
  ASSERT_TRUE(probes);
  const json pj = json::parse(probes->body);
  ASSERT_EQ(pj.size(), 1u);
  EXPECT_EQ(pj[0]["id"], "p1");

  // A host the round found, read from the store as the other e2e tests do.
  auto store = Store::Open(cluster_->Store());
  ASSERT_TRUE(store.ok());
  auto st = (*store)->Prepare("SELECT ip FROM fleet_results WHERE state = 0 LIMIT 1");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->Step());
  const std::string ip = FormatIpv4(static_cast<Ipv4>(st->ColumnInt(0)));
  auto host = Get("/api/hosts/" + ip);
  ASSERT_TRUE(host);
  ASSERT_EQ(host->status, 200) << host->body;
  const json hj = json::parse(host->body);
  EXPECT_EQ(hj["ip"], ip);
  EXPECT_FALSE(hj["results"].empty());
  EXPECT_FALSE(hj["host"].is_null());
  EXPECT_TRUE(hj.contains("plan")) << "null until a round plans the known host";
  auto bad = Get("/api/hosts/1.2.3");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(json::parse(bad->body)["error"].get<std::string>().find("1.2.3"), std::string::npos);
  EXPECT_EQ(Get("/api/hosts/127.255.255.254")->status, 404);  // parsed only, never contacted
  auto raw = Get("/api/hosts/%FF%1B");  // not UTF-8, a control character: escaped, not raw
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 400);
  EXPECT_FALSE(json::parse(raw->body, nullptr, false).is_discarded()) << raw->body;
  EXPECT_EQ(raw->body.find('\x1b'), std::string::npos) << raw->body;  // parsed only, never contacted
  auto summary = Get("/api/hosts");
  ASSERT_TRUE(summary);
  EXPECT_GT(json::parse(summary->body)["answered"].get<int64_t>(), 0);
}

TEST_F(StatusServerEndToEnd, ThePageRendersProbesAndRoundsInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  ASSERT_TRUE(std::filesystem::exists(chromium))
      << "chromium is not installed: run scripts/setup (it installs Debian's chromium)";
  const std::string profile = cluster_->dir() + "/chromium-profile";
  const std::string cmd =
      std::string("timeout 90 ") + chromium +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --user-data-dir='" + profile + "' --virtual-time-budget=5000 --dump-dom"
      " http://127.0.0.1:" + std::to_string(port_) + "/ 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string dom;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) dom.append(buf, n);
  const int status = ::pclose(pipe);
  ASSERT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("data-probe=\"p1\""), std::string::npos) << dom.substr(0, 4000);
  EXPECT_NE(dom.find("data-round=\"" + std::to_string(round_["round"].get<int64_t>()) + "\""),
            std::string::npos)
      << dom.substr(0, 4000);
  EXPECT_NE(dom.find(">p1<"), std::string::npos) << "the probe id is shown, not only tagged";
  const std::string id = std::to_string(round_["round"].get<int64_t>());
  EXPECT_NE(dom.find("id=\"status\">round " + id + " done"), std::string::npos)
      << "the status line says the API answered: " << dom.substr(0, 4000);
}

}  // namespace
}  // namespace narrowscan::fleettest

// The status server's pure parts: the Prometheus text format (escaping, values), the
// fleet metrics rendered from a hand-made input and parsed back line by line, refusal
// kinds, the listen address and the `[http] listen` key of controller.toml.
#include <gtest/gtest.h>

#include <cmath>

#include "common/listen_address.h"
#include "controller/fleet/controller_config.h"
#include "controller/fleet/fleet_stats.h"
#include "controller/http/fleet_metrics.h"
#include "controller/http/metrics_text.h"
#include "tests/http/prometheus_text.h"

namespace narrowscan::http {
namespace {

using httptest::ParsePrometheusText;

TEST(MetricsText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue(R"(a"b\c)" "\nd"), R"(a\"b\\c\nd)");
  MetricsText m;
  m.Family("narrowscan_x_total", "Line one\nback\\slash", MetricsText::kCounter);
  m.Sample(3, {{"probe", "p\"1"}, {"reason", "x\\y\nz"}});
  EXPECT_EQ(m.text(),
            "# HELP narrowscan_x_total Line one\\nback\\\\slash\n"
            "# TYPE narrowscan_x_total counter\n"
            "narrowscan_x_total{probe=\"p\\\"1\",reason=\"x\\\\y\\nz\"} 3\n");
  const auto parsed = ParsePrometheusText(m.text());
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  ASSERT_EQ(parsed.samples.size(), 1u);
  EXPECT_EQ(parsed.samples[0].labels.at("probe"), "p\"1");
  EXPECT_EQ(parsed.samples[0].labels.at("reason"), "x\\y\nz");
}

TEST(MetricsText, FormatsValues) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(123456789012), "123456789012");
  EXPECT_EQ(FormatMetricValue(-2), "-2");
  EXPECT_EQ(FormatMetricValue(0.25), "0.25");
  EXPECT_EQ(FormatMetricValue(NAN), "NaN");
  EXPECT_EQ(FormatMetricValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatMetricValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatMetricValue(1e300), "1e+300");
}

TEST(PrometheusParser, RefusesMalformedLines) {
  EXPECT_FALSE(ParsePrometheusText("x 1\n").errors.empty()) << "no HELP/TYPE";
  EXPECT_FALSE(ParsePrometheusText("# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n").errors.empty());
  EXPECT_FALSE(ParsePrometheusText("# HELP x h\n# TYPE x gauge\nx one\n").errors.empty());
  EXPECT_FALSE(ParsePrometheusText("# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n").errors.empty());
  EXPECT_FALSE(ParsePrometheusText("# HELP x h\n# TYPE x kind\nx 1\n").errors.empty());
  EXPECT_TRUE(ParsePrometheusText("# HELP x h\n# TYPE x gauge\nx{a=\"1\",b=\"2\"} 1.5\n")
                  .errors.empty());
}

FleetMetricsInput SampleInput() {
  FleetMetricsInput in;
  in.rounds = 2;
  fleet::RoundRecord current;
  current.id = 2;
  current.state = "running";
  in.current_round = current;
  fleet::ProbeRecord a;
  a.id = "p1";
  a.state = "scanning";
  a.last_seen = 100;
  a.status_json = R"({"spool_depth":4,"done":5,"total":20})";
  fleet::ProbeRecord b;
  b.id = "p2";
  b.state = "offline";
  b.last_seen = 90;
  fleet::ProbeRecord c;
  c.id = "p3";  // never seen, no status
  in.probes = {a, b, c};
  in.stats.probes = {{"p1", 1000, 40}, {"p2", 500, 10}};
  in.stats.refusals = {{"p1", "outside_region", 2}, {"", "unknown_probe", 1}};
  in.stats.hosts_by_type_vendor = {{"camera", "Acme \"Cams\"\\", 7}, {"unknown", "unknown", 3}};
  in.stats.profiles = 5;
  in.stats.hosts_answered = 12;
  in.stats.hosts_estimated = 10;
  in.service.published = true;
  in.service.broker_connected = true;
  in.service.counters.batches_committed = 9;
  in.service.planned_round = 2;
  in.service.planning_seconds = 0.125;
  in.service.closed_round = 1;
  in.service.estimation_seconds = 1.5;
  in.store_bytes = 4096;
  return in;
}

TEST(FleetMetrics, EveryLineParsesAndEveryMetricHasHelpAndType) {
  const std::string text = RenderFleetMetrics(SampleInput());
  const auto p = ParsePrometheusText(text);
  for (const std::string& e : p.errors) ADD_FAILURE() << e;
  for (const auto& s : p.samples) {
    EXPECT_EQ(s.name.rfind("narrowscan_", 0), 0u) << s.name;
  }
  for (const auto& [name, type] : p.types) {
    if (type == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
  }

  EXPECT_EQ(p.Value("narrowscan_rounds_total"), 2);
  EXPECT_EQ(p.Value("narrowscan_round_current_id"), 2);
  EXPECT_EQ(p.Value("narrowscan_round_current_state", {{"state", "running"}}), 1);
  EXPECT_EQ(p.Value("narrowscan_round_current_state", {{"state", "done"}}), 0);
  EXPECT_EQ(p.Value("narrowscan_probe_attempts_total", {{"probe", "p1"}}), 1000);
  EXPECT_EQ(p.Value("narrowscan_probe_results_total", {{"probe", "p2"}}), 10);
  EXPECT_EQ(p.Value("narrowscan_fleet_refusals_total",
                    {{"probe", "p1"}, {"reason", "outside_region"}}),
            2);
  EXPECT_EQ(p.Value("narrowscan_probes_registered"), 3);
  EXPECT_EQ(p.Value("narrowscan_probes_online"), 1);
  EXPECT_EQ(p.Value("narrowscan_probe_online", {{"probe", "p2"}}), 0);
  EXPECT_EQ(p.Value("narrowscan_probe_spool_depth", {{"probe", "p1"}}), 4);
  EXPECT_EQ(p.Value("narrowscan_probe_spool_depth", {{"probe", "p3"}}), -1) << "no status";
  EXPECT_EQ(p.Value("narrowscan_probe_round_progress_ratio", {{"probe", "p1"}}), 0.25);
  EXPECT_EQ(p.Value("narrowscan_batches_total", {{"outcome", "committed"}}), 9);
  EXPECT_EQ(p.Value("narrowscan_broker_connected"), 1);
  EXPECT_EQ(p.Value("narrowscan_last_round_planning_seconds", {{"round", "2"}}), 0.125);
  EXPECT_EQ(p.Value("narrowscan_last_round_estimation_seconds", {{"round", "1"}}), 1.5);
  EXPECT_EQ(p.Value("narrowscan_store_size_bytes"), 4096);
  EXPECT_EQ(p.Value("narrowscan_learned_profiles"), 5);
  EXPECT_EQ(p.Value("narrowscan_hosts_by_type", {{"type", "camera"}, {"vendor", "Acme \"Cams\"\\"}}),
            7);
}

TEST(FleetMetrics, AnEmptyFleetStillDeclaresEveryFamily) {
  const auto p = ParsePrometheusText(RenderFleetMetrics({}));
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.Value("narrowscan_round_current_id"), 0);
  EXPECT_TRUE(p.types.count("narrowscan_fleet_refusals_total"));
  EXPECT_TRUE(p.types.count("narrowscan_last_round_planning_seconds"));
}

TEST(RefusalKind, MapsTheIngestTextsToAFixedSet) {
  using fleet::RefusalKind;
  EXPECT_EQ(RefusalKind("report from unknown probe 'x'"), "unknown_probe");
  EXPECT_EQ(RefusalKind("probe 'p1': batch names probe 'p2'"), "wrong_probe");
  EXPECT_EQ(RefusalKind("probe 'p1': result for 10.0.0.1 outside its region (round 1, seq 2)"),
            "outside_region");
  EXPECT_EQ(RefusalKind("probe 'p1': round 3 has ended (seq 4)"), "round_ended");
  EXPECT_EQ(RefusalKind("probe 'p1': result for 1.2.3.4:99 on a port its plan for round 2 does "
                        "not have"),
            "port_not_planned");
  EXPECT_EQ(RefusalKind("probe 'p1': 900 results in round 2 (seq 3) where its plan has 10 pairs"),
            "too_many_results");
  EXPECT_EQ(RefusalKind("probe 'p1': bad signature"), "invalid_batch");
}

TEST(ListenAddress, ParsesAddrPortAndNamesTheBadInput) {
  auto a = ParseListenAddress("127.0.0.1:9100");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_TRUE(a->loopback());
  EXPECT_EQ(a->port, 9100);
  EXPECT_EQ(a->ToString(), "127.0.0.1:9100");
  auto any = ParseListenAddress("0.0.0.0:80");
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(any->loopback());
  for (const char* bad : {"9100", "localhost:9100", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:9x", "1.2.3:80"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find(bad), std::string::npos) << r.error();
  }
}

TEST(ControllerConfigHttp, ListenIsOffByDefaultCheckedAndInItsTable) {
  auto none = fleet::ParseControllerConfig("", "/etc/ns/controller.toml");
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE(none->http_listen);
  auto on = fleet::ParseControllerConfig("[http]\nlisten = \"127.0.0.1:9100\"\n",
                                         "/etc/ns/controller.toml");
  ASSERT_TRUE(on.ok()) << on.error();
  ASSERT_TRUE(on->http_listen);
  EXPECT_EQ(on->http_listen->port, 9100);
  auto bad = fleet::ParseControllerConfig("[http]\nlisten = \"127.0.0.1:99999\"\n",
                                          "/etc/ns/controller.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("http.listen"), std::string::npos) << bad.error();
  auto typo = fleet::ParseControllerConfig("[http]\nlisen = \"127.0.0.1:9100\"\n",
                                           "/etc/ns/controller.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().find("did you mean"), std::string::npos) << typo.error();
  auto wrong_table = fleet::ParseControllerConfig("listen = \"127.0.0.1:9100\"\n",
                                                  "/etc/ns/controller.toml");
  EXPECT_FALSE(wrong_table.ok());
}

}  // namespace
}  // namespace narrowscan::http

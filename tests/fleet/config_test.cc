// probe.toml and controller.toml refuse what they do not understand: unknown keys and
// keys in the wrong table (with the nearest known key), values of the wrong type or out
// of range, MQTT URIs that cannot be parsed or carry credentials.
#include <gtest/gtest.h>

#include <string>

#include "controller/fleet/controller_config.h"
#include "probe/agent/probe_config.h"

namespace narrowscan {
namespace {

const std::string kProbe =
    "id = \"p1\"\nkey = \"p1.key\"\ncontroller_pubkey = \"c.pub\"\n"
    "scope = [\"127.9.0.0/24\"]\ndefault_excludes = false\n";

std::string ProbeError(const std::string& extra) {
  auto c = ParseProbeConfig(kProbe + extra, "/etc/ns/probe.toml");
  return c.ok() ? "" : c.error();
}

std::string ControllerError(const std::string& text) {
  auto c = fleet::ParseControllerConfig(text, "/etc/ns/controller.toml");
  return c.ok() ? "" : c.error();
}

TEST(ProbeConfig, AcceptsEveryDocumentedKey) {
  auto c = ParseProbeConfig(
      kProbe +
          "state_dir = \"s\"\nexclude_file = \"\"\nstatus_interval_ms = 300\n"
          "[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\nclient_id = \"x\"\nusername = \"p1\"\n"
          "password = \"pw\"\nversion = 5\nprefix = \"ns/\"\nca_file = \"\"\ncert_file = \"\"\n"
          "key_file = \"\"\ntls_verify = true\n"
          "[scan]\nrate_cap = 500\nmax_concurrency = 20\nconnect_timeout_ms = 100\n"
          "server_first_wait_ms = 0\ngrab_timeout_ms = 100\nmax_banner_bytes = 100\n"
          "[spool]\nmax_bytes = 1048576\nbatch_results = 5\nbatch_interval_ms = 10\n"
          "resend_after_ms = 1000\n",
      "/etc/ns/probe.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->state_dir, "/etc/ns/s");
  EXPECT_EQ(c->scan.max_concurrency, 20u);
  EXPECT_EQ(c->mqtt.version, 5);
  EXPECT_DOUBLE_EQ(c->rate_cap, 500);
}

TEST(ProbeConfig, AMisspeltSafetyKeyIsAnErrorNotIgnored) {
  EXPECT_EQ(ProbeError("exclude_flie = \"optout.txt\"\n"),
            "/etc/ns/probe.toml:6: unknown key 'exclude_flie' (did you mean 'exclude_file'?)");
  EXPECT_EQ(ProbeError("rate_cap = 10\n"),
            "/etc/ns/probe.toml:6: unknown key 'rate_cap' (did you mean 'scan.rate_cap'?)");
  EXPECT_EQ(ProbeError("[spool]\nrate_cap = 10\n"),
            "/etc/ns/probe.toml:7: unknown key 'spool.rate_cap' (did you mean 'scan.rate_cap'?)");
  EXPECT_NE(ProbeError("[scanner]\nrate_cap = 10\n").find("unknown key 'scanner'"),
            std::string::npos);
}

TEST(ProbeConfig, NumbersAreRangeCheckedAndTyped) {
  for (const char* bad :
       {"[scan]\nmax_concurrency = -1\n", "[scan]\nrate_cap = 0\n", "[scan]\nrate_cap = \"fast\"\n",
        "[spool]\nmax_bytes = 0\n", "[spool]\nbatch_results = 0\n",
        "[scan]\nconnect_timeout_ms = 0\n", "status_interval_ms = -5\n",
        "default_excludes = \"no\"\n", "[mqtt]\nversion = 3\n"}) {
    const std::string e = ProbeError(bad);
    EXPECT_NE(e.find("/etc/ns/probe.toml:"), std::string::npos) << bad << " → " << e;
  }
  EXPECT_EQ(ProbeError("[scan]\nmax_concurrency = -1\n"),
            "/etc/ns/probe.toml:7: scan.max_concurrency: -1 is outside 1..1000000");
}

TEST(ProbeConfig, MqttUriIsCheckedAndCredentialsRefused) {
  EXPECT_NE(ProbeError("[mqtt]\nuri = \"127.0.0.1:1883\"\n").find("mqtt.uri"), std::string::npos);
  const std::string creds = ProbeError("[mqtt]\nuri = \"tcp://p1:hunter2@127.0.0.1:1883\"\n");
  EXPECT_NE(creds.find("credentials"), std::string::npos) << creds;
  EXPECT_EQ(creds.find("hunter2"), std::string::npos) << creds;
}

TEST(ControllerConfig, AcceptsEveryDocumentedKey) {
  auto c = fleet::ParseControllerConfig(
      "store = \"ns.db\"\nsigning_key = \"c.key\"\ndevice_db = [\"db\"]\n"
      "[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\n"
      "[plan]\nstandard_ports = [80, 443]\ndiscovery_slices = 2\nmax_deviation = 0.4\n"
      "refresh_slices = 6\nprofile_min_support = 3\nprofile_min_share = 0.2\n"
      "liveness_ports = 2\nbootstrap_liveness_ports = 1\nsilent_rechecks = 1\n"
      "watch_rounds = 2\nmax_liveness_addresses = 1000\nrate = 50\nper24_rate = 1\n"
      "max_chunk_bytes = 4096\n"
      "[estimation]\nthreshold = 0.7\nalpha = 2\n"
      "[rounds]\ndeadline_seconds = 60\ninterval_seconds = 0\n",
      "/etc/ns/controller.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->store, "/etc/ns/ns.db");
  EXPECT_EQ(c->plan.planner.refresh_slices, 6u);
  EXPECT_EQ(c->plan.planner.max_liveness_addresses, 1000u);
  EXPECT_EQ(c->plan.liveness_ports, 2u);
  EXPECT_DOUBLE_EQ(c->alpha, 2.0);
  EXPECT_EQ(c->plan.planner.standard_ports.size(), 2u);
}

TEST(ControllerConfig, UnknownKeysWrongTablesAndRanges) {
  EXPECT_EQ(ControllerError("[plan]\nrefresh_slice = 3\n"),
            "/etc/ns/controller.toml:2: unknown key 'plan.refresh_slice' (did you mean "
            "'plan.refresh_slices'?)");
  EXPECT_EQ(ControllerError("[rounds]\nthreshold = 0.5\n"),
            "/etc/ns/controller.toml:2: unknown key 'rounds.threshold' (did you mean "
            "'estimation.threshold'?)");
  for (const char* bad :
       {"[plan]\nrate = 0\n", "[plan]\ndiscovery_slices = 0\n", "[plan]\nprofile_min_share = 0\n",
        "[plan]\nliveness_ports = 65\n", "[plan]\nstandard_ports = [80, \"x\"]\n",
        "[plan]\nmax_chunk_bytes = 10\n", "[estimation]\nthreshold = 2\n",
        "[rounds]\ndeadline_seconds = 0\n", "[rounds]\ninterval_seconds = -1\n", "device_db = 5\n",
        "[mqtt]\nuri = \"tcp://u:p@127.0.0.1\"\n"}) {
    const std::string e = ControllerError(bad);
    EXPECT_NE(e.find("/etc/ns/controller.toml"), std::string::npos) << bad << " → " << e;
  }
}

}  // namespace
}  // namespace narrowscan

#include "controller/fleet/controller_config.h"

#include <fmt/format.h>

#include <optional>
#include <type_traits>

#include "common/listen_address.h"
#include "common/port_list.h"
#include "common/toml_config_file.h"

namespace narrowscan::fleet {

const std::vector<uint16_t>& DefaultStandardPorts() {
  static const std::vector<uint16_t> ports = [] {
    auto p = ParsePortList(
        "21-23,25,53,80-81,110,143,443,445,554,1883,1900,2323,5000-5001,5431,7547,8000-8001,8080-"
        "8081,8443,8888,9000,37215,49152,52869");
    return std::move(p.value());
  }();
  return ports;
}

namespace {

std::vector<std::string_view> KnownKeys() {
  std::vector<std::string_view> keys = {"store",
                                        "signing_key",
                                        "device_db",
                                        "plan.standard_ports",
                                        "plan.discovery_slices",
                                        "plan.max_deviation",
                                        "plan.refresh_slices",
                                        "plan.profile_min_support",
                                        "plan.profile_min_share",
                                        "plan.liveness_ports",
                                        "plan.bootstrap_liveness_ports",
                                        "plan.silent_rechecks",
                                        "plan.watch_rounds",
                                        "plan.max_liveness_addresses",
                                        "plan.rate",
                                        "plan.per24_rate",
                                        "plan.max_chunk_bytes",
                                        "estimation.threshold",
                                        "estimation.alpha",
                                        "rounds.deadline_seconds",
                                        "rounds.interval_seconds",
                                        "http.listen"};
  keys.insert(keys.end(), MqttTableKeys().begin(), MqttTableKeys().end());
  return keys;
}

Result<ControllerConfig> Load(const TomlConfigFile& t) {
  if (Status s = t.CheckKnownKeys(KnownKeys()); !s.ok()) return Error{s.error()};
  ControllerConfig c;
  auto store = t.String("store", "");
  if (!store.ok()) return Error{store.error()};
  c.store = t.Path(*store);
  auto signing_key = t.String("signing_key", "controller.key");
  if (!signing_key.ok()) return Error{signing_key.error()};
  c.signing_key = t.Path(*signing_key);
  if (auto* arr = t["device_db"].as_array()) {
    for (auto& v : *arr) {
      auto s = v.value<std::string>();
      if (!s) return t.FailAt("device_db", "entries must be strings");
      c.device_db.push_back(t.Path(*s));
    }
  } else {
    auto db = t.String("device_db", "");
    if (!db.ok()) return t.FailAt("device_db", "must be a string or an array of strings");
    if (!db->empty()) c.device_db.push_back(t.Path(*db));
  }
  if (Status s = ReadMqttTable(t, "narrowscan-controller", "", c.mqtt); !s.ok())
    return Error{s.error()};

  auto p = t["plan"];
  c.plan.planner.standard_ports = DefaultStandardPorts();
  std::optional<std::string> ports_text = p["standard_ports"].value<std::string>();
  if (auto* arr = p["standard_ports"].as_array()) {
    ports_text.emplace();
    for (auto& v : *arr) {
      auto port = v.value<int64_t>();
      if (!port) return t.FailAt("plan.standard_ports", "array entries must be port numbers");
      *ports_text += (ports_text->empty() ? "" : ",") + std::to_string(*port);
    }
  } else if (!ports_text && p["standard_ports"]) {
    return t.FailAt("plan.standard_ports", "must be a string (\"21-23,80\") or an array of ports");
  }
  if (ports_text) {
    auto ports = ParsePortList(*ports_text);
    if (!ports.ok()) return t.FailAt("plan.standard_ports", ports.error());
    c.plan.planner.standard_ports = std::move(*ports);
  }
  // Every number is range-checked; a value of the wrong type is an error, never a default.
  Error error{""};
  auto integer = [&](const char* key, int64_t def, int64_t lo, int64_t hi, auto* out) {
    auto v = t.Integer(key, def, lo, hi);
    if (!v.ok()) {
      error = Error{v.error()};
      return false;
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(*v);
    return true;
  };
  auto number = [&](const char* key, double def, double lo, double hi, bool lo_open, double* out) {
    auto v = t.Number(key, def, lo, hi, lo_open);
    if (!v.ok()) {
      error = Error{v.error()};
      return false;
    }
    *out = *v;
    return true;
  };
  PlannerConfig& planner = c.plan.planner;
  // Learned port profiles and churn (design §4).
  const bool ok =
      integer("plan.discovery_slices", 4, 1, 1000000, &planner.discovery_slices) &&
      integer("plan.refresh_slices", 12, 0, 1000000, &planner.refresh_slices) &&
      integer("plan.profile_min_support", 5, 1, 1000000000, &c.plan.profiles.min_support) &&
      number("plan.profile_min_share", 0.1, 0, 1, true, &c.plan.profiles.min_share) &&
      integer("plan.liveness_ports", 3, 0, 64, &c.plan.liveness_ports) &&
      integer("plan.bootstrap_liveness_ports", 1, 0, 64, &c.plan.bootstrap_liveness_ports) &&
      integer("plan.silent_rechecks", 2, 0, 1000, &planner.silent_rechecks) &&
      integer("plan.watch_rounds", 3, 0, 1000, &planner.watch_rounds) &&
      integer("plan.max_liveness_addresses", 1 << 20, 0, int64_t{1} << 32,
              &planner.max_liveness_addresses) &&
      number("plan.max_deviation", 0.5, 0, 1, false, &c.max_deviation) &&
      number("plan.rate", 1000.0, 0, 1e8, true, &c.plan.rate) &&
      number("plan.per24_rate", 0.0, 0, 1e8, false, &c.plan.per24_rate) &&
      integer("plan.max_chunk_bytes", 256 << 10, 1024, 16 << 20, &c.plan.max_chunk_bytes) &&
      number("estimation.threshold", 0.8, 0, 1, false, &c.threshold) &&
      number("estimation.alpha", 1.0, 0, 1e6, false, &c.alpha) &&
      integer("rounds.deadline_seconds", 3600, 1, int64_t{366} * 86400, &c.deadline_seconds) &&
      integer("rounds.interval_seconds", 0, 0, int64_t{366} * 86400, &c.interval_seconds);
  if (!ok) return error;
  auto listen = t.String("http.listen", "");
  if (!listen.ok()) return Error{listen.error()};
  if (!listen->empty()) {
    auto address = ParseListenAddress(*listen);
    if (!address.ok()) return t.FailAt("http.listen", address.error());
    c.http_listen = *address;
  }
  return c;
}

}  // namespace

Result<ControllerConfig> LoadControllerConfig(const std::string& path) {
  auto file = TomlConfigFile::Open(path);
  if (!file.ok()) return Error{file.error()};
  return Load(*file);
}

Result<ControllerConfig> ParseControllerConfig(std::string_view text, const std::string& source) {
  auto file = TomlConfigFile::Parse(text, source);
  if (!file.ok()) return Error{file.error()};
  return Load(*file);
}

}  // namespace narrowscan::fleet

#include "controller/fleet/controller_config.h"

#include <fmt/format.h>

#include <optional>

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

Result<ControllerConfig> LoadControllerConfig(const std::string& path) {
  auto file = TomlConfigFile::Open(path);
  if (!file.ok()) return Error{file.error()};
  const TomlConfigFile& t = *file;
  ControllerConfig c;
  c.store = t.PathAt(t["store"], "");
  c.signing_key = t.PathAt(t["signing_key"], "controller.key");
  if (auto* arr = t["device_db"].as_array()) {
    for (auto& v : *arr)
      if (auto s = v.value<std::string>()) c.device_db.push_back(t.Path(*s));
  } else if (auto s = t["device_db"].value<std::string>()) {
    c.device_db.push_back(t.Path(*s));
  }
  if (Status s = ReadMqttTable(t, "narrowscan-controller", "", c.mqtt); !s.ok())
    return Error{s.error()};

  auto p = t["plan"];
  c.plan.planner.standard_ports = DefaultStandardPorts();
  std::optional<std::string> ports_text = p["standard_ports"].value<std::string>();
  if (auto* arr = p["standard_ports"].as_array()) {
    ports_text.emplace();
    for (auto& v : *arr)
      *ports_text += (ports_text->empty() ? "" : ",") + std::to_string(v.value_or(int64_t{0}));
  }
  if (ports_text) {
    auto ports = ParsePortList(*ports_text);
    if (!ports.ok()) return t.Fail(fmt::format("plan.standard_ports: {}", ports.error()));
    c.plan.planner.standard_ports = std::move(*ports);
  }
  const int64_t k = p["discovery_slices"].value_or(int64_t{4});
  if (k < 1 || k > 1000000) return t.Fail("plan.discovery_slices must be 1..1000000");
  c.plan.planner.discovery_slices = static_cast<uint32_t>(k);
  // Learned port profiles and churn (design §4).
  auto in_range = [&](const char* key, int64_t def, int64_t lo, int64_t hi,
                      int64_t* out) -> Status {
    const int64_t v = p[key].value_or(def);
    if (v < lo || v > hi) return t.Fail(fmt::format("plan.{} must be {}..{}", key, lo, hi));
    *out = v;
    return Status::Ok();
  };
  int64_t v = 0;
  if (Status s = in_range("refresh_slices", 12, 0, 1000000, &v); !s.ok()) return Error{s.error()};
  c.plan.planner.refresh_slices = static_cast<uint32_t>(v);
  if (Status s = in_range("profile_min_support", 5, 1, 1000000000, &v); !s.ok())
    return Error{s.error()};
  c.plan.profiles.min_support = static_cast<uint32_t>(v);
  c.plan.profiles.min_share = p["profile_min_share"].value_or(0.1);
  if (!(c.plan.profiles.min_share > 0 && c.plan.profiles.min_share <= 1))
    return t.Fail("plan.profile_min_share must be in (0, 1]");
  if (Status s = in_range("liveness_ports", 3, 0, 64, &v); !s.ok()) return Error{s.error()};
  c.plan.liveness_ports = static_cast<size_t>(v);
  if (Status s = in_range("bootstrap_liveness_ports", 1, 0, 64, &v); !s.ok())
    return Error{s.error()};
  c.plan.bootstrap_liveness_ports = static_cast<size_t>(v);
  if (Status s = in_range("silent_rechecks", 2, 0, 1000, &v); !s.ok()) return Error{s.error()};
  c.plan.planner.silent_rechecks = static_cast<uint32_t>(v);
  if (Status s = in_range("watch_rounds", 3, 0, 1000, &v); !s.ok()) return Error{s.error()};
  c.plan.planner.watch_rounds = static_cast<uint32_t>(v);
  if (Status s = in_range("max_liveness_addresses", 1 << 20, 0, int64_t{1} << 32, &v); !s.ok())
    return Error{s.error()};
  c.plan.planner.max_liveness_addresses = static_cast<uint64_t>(v);
  c.max_deviation = p["max_deviation"].value_or(0.5);
  if (!(c.max_deviation >= 0 && c.max_deviation <= 1))
    return t.Fail("plan.max_deviation must be in [0, 1]");
  c.plan.rate = p["rate"].value_or(1000.0);
  c.plan.per24_rate = p["per24_rate"].value_or(0.0);
  if (!(c.plan.rate > 0) || !(c.plan.per24_rate >= 0))
    return t.Fail("plan.rate must be > 0 and plan.per24_rate >= 0");
  c.plan.max_chunk_bytes = static_cast<size_t>(p["max_chunk_bytes"].value_or(int64_t{256 << 10}));
  if (c.plan.max_chunk_bytes < 1024 || c.plan.max_chunk_bytes > (16u << 20))
    return t.Fail("plan.max_chunk_bytes must be 1024..16777216");

  c.threshold = t["estimation"]["threshold"].value_or(0.8);
  c.alpha = t["estimation"]["alpha"].value_or(1.0);
  c.deadline_seconds = t["rounds"]["deadline_seconds"].value_or(int64_t{3600});
  c.interval_seconds = t["rounds"]["interval_seconds"].value_or(int64_t{0});
  if (c.deadline_seconds < 1) return t.Fail("rounds.deadline_seconds must be >= 1");
  return c;
}

}  // namespace narrowscan::fleet

#include "controller/fleet/probe_json.h"

namespace narrowscan::fleet {

nlohmann::json ProbeStatusJson(const ProbeRecord& p) {
  if (p.status_json.empty()) return nlohmann::json::object();
  nlohmann::json status = nlohmann::json::parse(p.status_json, nullptr, false);
  return status.is_object() ? status : nlohmann::json::object();
}

nlohmann::json ProbeJson(const ProbeRecord& p) {
  nlohmann::json region = nlohmann::json::array();
  for (const Ipv4Range& r : p.region.ranges()) region.push_back(FormatIpv4Range(r));
  return {{"id", p.id},
          {"state", p.state},
          {"last_seen", p.last_seen},
          {"region", std::move(region)},
          {"status", ProbeStatusJson(p)}};
}

}  // namespace narrowscan::fleet

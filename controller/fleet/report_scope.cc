#include "controller/fleet/report_scope.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/port_list.h"

namespace narrowscan::fleet {

Result<ReportScope> ReportScope::FromPlanSummary(std::string_view summary_json) {
  ReportScope scope;
  if (Status s = scope.AddPlanSummary(summary_json); !s.ok()) return Error{s.error()};
  return scope;
}

Status ReportScope::AddPlanSummary(std::string_view summary_json) {
  const auto j = nlohmann::json::parse(summary_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{"plan summary is not a JSON object"};
  auto add_ports = [&](const nlohmann::json& text) -> Status {
    if (!text.is_string()) return Error{"plan summary: a port list is not a string"};
    if (text.get<std::string>().empty()) return Status::Ok();
    auto ports = ParsePortList(text.get<std::string>());
    if (!ports.ok()) return Error{fmt::format("plan summary: {}", ports.error())};
    for (uint16_t p : *ports) AllowPort(p);
    return Status::Ok();
  };
  if (!j.contains("standard_ports")) return Error{"plan summary has no standard_ports"};
  if (Status s = add_ports(j["standard_ports"]); !s.ok()) return s;
  if (j.contains("liveness_ports"))
    if (Status s = add_ports(j["liveness_ports"]); !s.ok()) return s;
  if (j.contains("profiles") && j["profiles"].is_array())
    for (const auto& p : j["profiles"])
      if (p.is_object() && p.contains("ports"))
        if (Status s = add_ports(p["ports"]); !s.ok()) return s;
  return Status::Ok();
}

Status ReportScope::Check(const wire::ReportBatch& batch, bool round_ended,
                          uint64_t results_so_far) const {
  if (round_ended)
    return Error{fmt::format("round {} has ended (seq {})", batch.round_id, batch.seq)};
  for (const wire::PortResult& r : batch.results)
    if (!PortAllowed(r.port))
      return Error{fmt::format("result for {}:{} on a port its plan for round {} does not have",
                               FormatIpv4(r.ip), r.port, batch.round_id)};
  if (results_so_far + batch.results.size() > MaxResults())
    return Error{fmt::format("{} results in round {} (seq {}) where its plan has {} pairs",
                             results_so_far + batch.results.size(), batch.round_id, batch.seq,
                             planned_pairs_)};
  return Status::Ok();
}

}  // namespace narrowscan::fleet

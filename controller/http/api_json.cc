#include "controller/http/api_json.h"

#include <fmt/format.h>

#include <charconv>

#include "common/ipv4.h"
#include "common/printable.h"
#include "controller/fleet/fleet_report.h"
#include "controller/fleet/fleet_stats.h"
#include "controller/fleet/host_detail.h"
#include "controller/fleet/probe_json.h"

namespace narrowscan::http {

namespace {

using nlohmann::json;

ApiReply Fail(int status, std::string message) {
  return {status, {{"error", std::move(message)}}};
}

}  // namespace

ApiReply ApiRounds(fleet::FleetStore& store) {
  auto rounds = store.Rounds();
  if (!rounds.ok()) return Fail(500, rounds.error());
  json out = json::array();
  for (auto r = rounds->rbegin(); r != rounds->rend(); ++r) {
    auto traffic = fleet::RoundTraffic(store, *r);
    if (!traffic.ok()) return Fail(500, traffic.error());
    out.push_back(std::move(*traffic));
  }
  return {200, std::move(out)};
}

ApiReply ApiRound(fleet::FleetStore& store, std::string_view id_text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (id_text.empty() || ec != std::errc() || end != id_text.data() + id_text.size() || id < 1)
    return Fail(400, fmt::format("round '{}': not a round number", Printable(id_text)));
  auto round = store.Round(id);
  if (!round.ok()) return Fail(500, round.error());
  if (!*round) return Fail(404, fmt::format("no round {}", id));
  auto traffic = fleet::RoundTraffic(store, **round);
  if (!traffic.ok()) return Fail(500, traffic.error());
  return {200, std::move(*traffic)};
}

ApiReply ApiProbes(fleet::FleetStore& store) {
  auto probes = store.Probes();
  if (!probes.ok()) return Fail(500, probes.error());
  json out = json::array();
  for (const fleet::ProbeRecord& p : *probes) out.push_back(fleet::ProbeJson(p));
  return {200, std::move(out)};
}

ApiReply ApiHosts(fleet::FleetStore& store) {
  auto stats = fleet::ReadFleetStats(store);
  if (!stats.ok()) return Fail(500, stats.error());
  json groups = json::array();
  for (const fleet::HostGroup& g : stats->hosts_by_type_vendor)
    groups.push_back({{"type", g.type}, {"vendor", g.vendor}, {"hosts", g.hosts}});
  return {200,
          {{"answered", stats->hosts_answered},
           {"estimated", stats->hosts_estimated},
           {"profiles", stats->profiles},
           {"by_type_vendor", std::move(groups)}}};
}

ApiReply ApiHost(fleet::FleetStore& store, std::string_view ip_text) {
  auto ip = ParseIpv4(ip_text);
  if (!ip.ok())  // ParseIpv4's message quotes the text raw: escape it here instead
    return Fail(400, fmt::format("host '{}': not an IPv4 address (a.b.c.d)", Printable(ip_text)));
  auto detail = fleet::HostDetail(store, *ip);
  if (!detail.ok()) return Fail(500, detail.error());
  if (!*detail) return Fail(404, fmt::format("no host {} in the store", FormatIpv4(*ip)));
  return {200, std::move(**detail)};
}

}  // namespace narrowscan::http

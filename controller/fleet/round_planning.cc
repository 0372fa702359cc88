#include "controller/fleet/round_planning.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <nlohmann/json.hpp>

#include "common/port_list.h"
#include "common/wire/plan_codec.h"
#include "controller/fleet/port_profile.h"
#include "controller/fleet/profile_store.h"

namespace narrowscan::fleet {

namespace {

std::string PackChunks(const std::vector<wire::Bytes>& chunks) {
  std::string out;
  for (const wire::Bytes& c : chunks) {
    const auto n = static_cast<uint32_t>(c.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(reinterpret_cast<const char*>(c.data()), c.size());
  }
  return out;
}

Result<std::vector<wire::Bytes>> UnpackChunks(const std::string& blob) {
  std::vector<wire::Bytes> out;
  size_t at = 0;
  while (at < blob.size()) {
    uint32_t n = 0;
    if (blob.size() - at < sizeof n) return Error{"stored plan chunks are truncated"};
    std::memcpy(&n, blob.data() + at, sizeof n);
    at += sizeof n;
    if (blob.size() - at < n) return Error{"stored plan chunks are truncated"};
    out.emplace_back(blob.begin() + static_cast<std::ptrdiff_t>(at),
                     blob.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  return out;
}

// The known hosts in `scope`, each with the learned ports of its most specific
// supported profile (port_profile.h).
Result<std::vector<KnownHost>> KnownHostsIn(Store& db, const RangeSet& scope,
                                            const LearnedProfiles& learned,
                                            const ProfileRules& rules) {
  std::vector<KnownHost> hosts;
  auto st = db.Prepare(
      "SELECT ip, estimated_ports, deviated, open_ports, devices, banner_key, "
      "full_open_ports IS NOT NULL, silent_streak, first_round, last_round, full_round "
      "FROM fleet_hosts WHERE ip BETWEEN ? AND ? ORDER BY ip");
  if (!st.ok()) return Error{st.error()};
  for (const Ipv4Range& r : scope.ranges()) {
    st->Reset();
    st->Bind(1, int64_t{r.first}).Bind(2, int64_t{r.last});
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return Error{row.error()};
      if (!*row) break;
      KnownHost h;
      h.ip = static_cast<Ipv4>(st->ColumnInt(0));
      h.estimated_ports = StoredPortList(st->ColumnText(1));
      h.deviated = st->ColumnInt(2) != 0;
      const std::string open_text = st->ColumnText(3);
      h.open_ports = StoredPortList(open_text);
      const ProfileKeys keys = ProfileKeysOf(st->ColumnText(4), open_text, st->ColumnText(5));
      ProfileBook::Choice choice = learned.book.Choose(keys, rules);
      if (choice.key) {
        h.has_profile = true;
        h.learned_ports = std::move(choice.ports);
        if (auto it = learned.ids.find(*choice.key); it != learned.ids.end())
          h.profile = it->second;
      }
      h.fully_observed = st->ColumnInt(6) != 0;
      h.silent_streak = static_cast<uint32_t>(st->ColumnInt(7));
      h.first_round = st->ColumnInt(8);
      h.last_round = st->ColumnInt(9);
      h.full_round = st->ColumnInt(10);
      hosts.push_back(std::move(h));
    }
  }
  return hosts;
}

// Ports that cover the most responsive hosts, from the open-port profiles.
std::vector<uint16_t> LivenessPorts(const LearnedProfiles& learned,
                                    const std::vector<uint16_t>& standard, size_t max_ports) {
  std::vector<std::pair<std::vector<uint16_t>, uint64_t>> sets;
  for (const auto& [key, stats] : learned.book.profiles())
    if (SourceOfKey(key) == ProfileSource::kPorts)
      sets.emplace_back(PortsOfPortKey(key), stats.hosts);
  std::sort(sets.begin(), sets.end());  // a stable input order whatever the hash map's
  return CoverPorts(sets, standard, max_ports);
}

}  // namespace

Result<std::vector<StoredPlan>> PlanRound(FleetStore& fleet, int64_t round_id,
                                          const PlanSettings& settings, const SigningKey& key) {
  Store& db = fleet.store();
  auto probes = fleet.Probes();
  if (!probes.ok()) return Error{probes.error()};
  auto targets = fleet.Targets();
  if (!targets.ok()) return Error{targets.error()};
  auto excluded = fleet.ExcludedSet();
  if (!excluded.ok()) return Error{excluded.error()};

  auto learned = LoadProfiles(fleet);
  if (!learned.ok()) return Error{learned.error()};
  const std::vector<uint16_t> liveness =
      LivenessPorts(*learned, settings.planner.standard_ports, settings.liveness_ports);

  Transaction tx(db);
  if (!tx.status().ok()) return Error{tx.status().error()};
  auto live_ins = db.Prepare(
      "INSERT OR REPLACE INTO fleet_liveness(round_id, first, last, ports) VALUES(?,?,?,?)");
  if (!live_ins.ok()) return Error{live_ins.error()};
  // Liveness records serve the estimation of the round they belong to, no later one.
  if (Status s = db.Exec(fmt::format("DELETE FROM fleet_liveness WHERE round_id < {}", round_id - 1));
      !s.ok())
    return Error{s.error()};
  std::map<int32_t, ProfileSaving> savings;
  std::vector<StoredPlan> out;
  for (const ProbeRecord& probe : *probes) {
    const RangeSet scope = probe.region.Intersection(*targets).Subtract(*excluded);
    auto hosts = KnownHostsIn(db, scope, *learned, settings.profiles);
    if (!hosts.ok()) return Error{hosts.error()};
    auto history = fleet.History(probe.id);
    if (!history.ok()) return Error{history.error()};
    const bool first_round = history->completed_rounds == 0;
    DiscoveryHints hints;
    hints.liveness_ports = liveness;
    hints.bootstrap_ports = settings.bootstrap_liveness_ports;
    hints.completed_rounds = history->completed_rounds;
    hints.probe_first_round = history->first_round == 0 ? round_id : history->first_round;
    const ProbePlan plan = MakeProbePlan(settings.planner, scope, *hosts,
                                         static_cast<uint64_t>(round_id), first_round, hints);
    for (const auto& [id, saving] : plan.savings) {
      savings[id].hosts += saving.hosts;
      savings[id].saved += saving.saved;
    }

    auto version = fleet.NextCounter("plan_version/" + probe.id);
    if (!version.ok()) return Error{version.error()};
    // The sweep is scanned with profile 0, the standard set; listed hosts are never
    // in the sweep, so the wire's "scope minus listed hosts" is the sweep itself.
    wire::Plan wire_plan;
    wire_plan.probe_id = probe.id;
    wire_plan.version = static_cast<uint64_t>(*version);
    wire_plan.round_id = static_cast<uint64_t>(round_id);
    wire_plan.scope = plan.sweep.ranges();
    wire_plan.default_profile = 0;
    wire_plan.standard_ports = settings.planner.standard_ports;
    wire_plan.rate = settings.rate;
    wire_plan.per24_rate = settings.per24_rate;
    for (size_t i = 0; i < plan.profiles.size(); ++i)
      wire_plan.profiles.push_back({plan.profiles[i], plan.hosts_by_profile[i]});
    auto chunks = wire::EncodePlan(wire_plan, key, settings.max_chunk_bytes);
    if (!chunks.ok()) return Error{chunks.error()};

    nlohmann::json summary = {{"probe", probe.id},
                              {"version", *version},
                              {"round", round_id},
                              {"scope_addresses", scope.Size()},
                              {"sweep_addresses", plan.sweep.Size()},
                              {"sweep_ranges", plan.sweep.ranges().size()},
                              {"standard_ports", FormatPortList(settings.planner.standard_ports)},
                              {"first_round", first_round},
                              {"planned_attempts",
                               {{"narrowed", plan.planned_narrowed},
                                {"standard", plan.planned_standard},
                                {"discovery", plan.planned_discovery},
                                {"refresh", plan.planned_refresh},
                                {"liveness", plan.planned_liveness}}},
                              {"liveness_ports", FormatPortList(liveness)},
                              {"watched_blocks", plan.watched_blocks},
                              {"standard_equivalent", plan.standard_equivalent},
                              {"responsive_equivalent", plan.responsive_equivalent},
                              {"chunks", chunks->size()},
                              {"rate", settings.rate},
                              {"per24_rate", settings.per24_rate}};
    nlohmann::json profiles = nlohmann::json::array();
    for (size_t i = 0; i < plan.profiles.size(); ++i)
      profiles.push_back({{"ports", FormatPortList(plan.profiles[i])},
                          {"hosts", plan.hosts_by_profile[i].size()}});
    summary["profiles"] = profiles;

    auto ins = db.Prepare(
        "INSERT INTO fleet_plans(probe_id, version, round_id, created_at, summary_json, chunks) "
        "VALUES(?,?,?,?,?,?)");
    if (!ins.ok()) return Error{ins.error()};
    const std::string blob = PackChunks(*chunks);
    ins->Bind(1, probe.id).Bind(2, *version).Bind(3, round_id).Bind(4, UnixNow());
    ins->Bind(5, summary.dump()).BindBlob(6, blob.data(), blob.size());
    if (Status s = ins->Run(); !s.ok()) return Error{s.error()};

    auto rp = db.Prepare(
        "INSERT INTO fleet_round_probes(round_id, probe_id, plan_version, planned_narrowed, "
        "planned_standard, planned_discovery, standard_equivalent, planned_refresh, "
        "responsive_equivalent) VALUES(?,?,?,?,?,?,?,?,?)");
    if (!rp.ok()) return Error{rp.error()};
    rp->Bind(1, round_id).Bind(2, probe.id).Bind(3, *version);
    rp->Bind(4, static_cast<int64_t>(plan.planned_narrowed));
    rp->Bind(5, static_cast<int64_t>(plan.planned_standard));
    rp->Bind(6, static_cast<int64_t>(plan.planned_discovery));
    rp->Bind(7, static_cast<int64_t>(plan.standard_equivalent));
    rp->Bind(8, static_cast<int64_t>(plan.planned_refresh));
    rp->Bind(9, static_cast<int64_t>(plan.responsive_equivalent));
    if (Status s = rp->Run(); !s.ok()) return Error{s.error()};

    // What the plan gave each known host (liveness addresses that are no known host
    // have no row: the liveness ranges below record them).
    auto mark = db.Prepare(
        "INSERT INTO fleet_host_plans(ip, planned_round, scanned_ports) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(ip) DO UPDATE SET planned_round = ?2, scanned_ports = ?3");
    if (!mark.ok()) return Error{mark.error()};
    auto known = [&hosts](Ipv4 ip) {  // hosts are sorted by address
      auto it = std::lower_bound(hosts->begin(), hosts->end(), ip,
                                 [](const KnownHost& h, Ipv4 a) { return h.ip < a; });
      return it != hosts->end() && it->ip == ip;
    };
    for (size_t i = 0; i < plan.profiles.size(); ++i) {
      const bool liveness_set =
          std::find(plan.liveness_port_sets.begin(), plan.liveness_port_sets.end(),
                    plan.profiles[i]) != plan.liveness_port_sets.end();
      const std::string ports = i == 0 ? "*" : FormatPortList(plan.profiles[i]);
      for (Ipv4 ip : plan.hosts_by_profile[i]) {
        if (liveness_set && !known(ip)) continue;
        mark->Reset();
        mark->Bind(1, int64_t{ip}).Bind(2, round_id).Bind(3, ports);
        if (Status s = mark->Run(); !s.ok()) return Error{s.error()};
      }
    }
    // The liveness-probed addresses, as ranges per port set, for the estimation of
    // this round (a host found there was scanned on those ports only).
    for (size_t i = 1; i < plan.profiles.size(); ++i) {
      if (std::find(plan.liveness_port_sets.begin(), plan.liveness_port_sets.end(),
                    plan.profiles[i]) == plan.liveness_port_sets.end())
        continue;
      const std::string ports = FormatPortList(plan.profiles[i]);
      std::vector<Ipv4Range> ranges;
      for (Ipv4 ip : plan.hosts_by_profile[i]) ranges.push_back({ip, ip});
      const RangeSet merged(std::move(ranges));
      for (const Ipv4Range& r : merged.ranges()) {
        live_ins->Reset();
        live_ins->Bind(1, round_id).Bind(2, int64_t{r.first}).Bind(3, int64_t{r.last});
        live_ins->Bind(4, ports);
        if (Status s = live_ins->Run(); !s.ok()) return Error{s.error()};
      }
    }
    out.push_back({probe.id, *version, round_id, summary.dump(), std::move(*chunks)});
  }
  if (Status s = RecordSavings(fleet, round_id, savings); !s.ok()) return Error{s.error()};
  if (Status s =
          fleet.Audit("round.plan", fmt::format("round {}: {} probe plans", round_id, out.size()));
      !s.ok())
    return Error{s.error()};
  if (Status s = tx.Commit(); !s.ok()) return Error{s.error()};
  return out;
}

Result<std::optional<StoredPlan>> LatestPlan(FleetStore& fleet, const std::string& probe_id) {
  auto st = fleet.store().Prepare(
      "SELECT version, round_id, summary_json, chunks FROM fleet_plans WHERE probe_id = ? "
      "ORDER BY version DESC LIMIT 1");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, probe_id);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return std::optional<StoredPlan>();
  auto chunks = UnpackChunks(st->ColumnBlob(3));
  if (!chunks.ok()) return Error{fmt::format("plan of '{}': {}", probe_id, chunks.error())};
  return std::optional<StoredPlan>(StoredPlan{probe_id, st->ColumnInt(0), st->ColumnInt(1),
                                              st->ColumnText(2), std::move(*chunks)});
}

Result<std::vector<wire::Plan>> RoundPlans(FleetStore& fleet, const std::string& probe_id,
                                           int64_t round_id, const VerifyingKey& key) {
  auto st = fleet.store().Prepare(
      "SELECT version, chunks FROM fleet_plans WHERE probe_id = ? AND round_id = ? "
      "ORDER BY version");
  if (!st.ok()) return Error{st.error()};
  st->Bind(1, probe_id).Bind(2, round_id);
  std::vector<wire::Plan> plans;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    const int64_t version = st->ColumnInt(0);
    auto fail = [&](const std::string& why) {
      return Error{fmt::format("its plan version {} of round {}: {}", version, round_id, why)};
    };
    auto chunks = UnpackChunks(st->ColumnBlob(1));
    if (!chunks.ok()) return fail(chunks.error());
    if (chunks->empty()) return fail("it has no chunks");
    if (version < 1) return fail("version is not positive");
    wire::PlanAssembler assembler(probe_id, static_cast<uint64_t>(version - 1));
    std::optional<wire::Plan> whole;
    for (const wire::Bytes& bytes : *chunks) {
      auto chunk = wire::DecodePlanChunk(bytes, key);
      if (!chunk.ok()) return fail(chunk.error());
      auto added = assembler.Add(std::move(*chunk));
      if (!added.ok()) return fail(added.error());
      if (*added) whole = std::move(**added);
    }
    if (!whole) return fail(fmt::format("{} of its chunks are missing", assembler.missing()));
    plans.push_back(std::move(*whole));
  }
  return plans;
}

}  // namespace narrowscan::fleet

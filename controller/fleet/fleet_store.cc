#include "controller/fleet/fleet_store.h"

#include <fmt/format.h>

#include <chrono>

#include "controller/fleet/fleet_schema.h"

namespace narrowscan::fleet {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<FleetStore>> FleetStore::Open(const std::string& path) {
  auto store = Store::Open(path);
  if (!store.ok()) return Error{store.error()};
  if (Status s = MigrateFleetSchema(**store); !s.ok())
    return Error{fmt::format("store '{}': {}", path, s.error())};
  return std::make_unique<FleetStore>(std::move(*store));
}

#define NS_TRY_PREPARE(var, sql)   \
  auto var = store_->Prepare(sql); \
  if (!var.ok()) return Error{var.error()};
#define NS_TRY_STATUS(expr) \
  if (Status s_ = (expr); !s_.ok()) return Error{s_.error()};

Status FleetStore::Audit(const std::string& action, const std::string& detail) {
  NS_TRY_PREPARE(st, "INSERT INTO fleet_audit(at, action, detail) VALUES(?,?,?)");
  st->Bind(1, UnixNow()).Bind(2, action).Bind(3, detail);
  return st->Run();
}

Status FleetStore::Refusal(const std::string& probe_id, const std::string& reason) {
  NS_TRY_PREPARE(st, "INSERT INTO fleet_refusals(at, probe_id, reason) VALUES(?,?,?)");
  st->Bind(1, UnixNow()).Bind(2, probe_id).Bind(3, reason);
  return st->Run();
}

int64_t FleetStore::RefusalCount() {
  auto st = store_->Prepare("SELECT COUNT(*) FROM fleet_refusals");
  if (!st.ok()) return 0;
  auto row = st->Step();
  return row.ok() && *row ? st->ColumnInt(0) : 0;
}

Status FleetStore::AddProbe(const std::string& id, const std::string& pubkey_pem,
                            const RangeSet& region) {
  if (region.Empty()) return Error{fmt::format("probe '{}': empty region", id)};
  Transaction tx(*store_);
  NS_TRY_STATUS(tx.status());
  {
    NS_TRY_PREPARE(exists, "SELECT 1 FROM fleet_probes WHERE id = ?");
    exists->Bind(1, id);
    auto row = exists->Step();
    if (!row.ok()) return Error{row.error()};
    if (*row) return Error{fmt::format("probe '{}' already exists", id)};
  }
  NS_TRY_PREPARE(ins, "INSERT INTO fleet_probes(id, pubkey_pem, created_at) VALUES(?,?,?)");
  ins->Bind(1, id).Bind(2, pubkey_pem).Bind(3, UnixNow());
  NS_TRY_STATUS(ins->Run());
  NS_TRY_PREPARE(reg, "INSERT INTO fleet_probe_regions(probe_id, first, last) VALUES(?,?,?)");
  std::string ranges;
  for (const Ipv4Range& r : region.ranges()) {
    reg->Reset();
    reg->Bind(1, id).Bind(2, int64_t{r.first}).Bind(3, int64_t{r.last});
    NS_TRY_STATUS(reg->Run());
    ranges += (ranges.empty() ? "" : " ") + FormatIpv4Range(r);
  }
  NS_TRY_STATUS(Audit("probe.add", fmt::format("{} region {}", id, ranges)));
  return tx.Commit();
}

Status FleetStore::RemoveProbe(const std::string& id) {
  Transaction tx(*store_);
  NS_TRY_STATUS(tx.status());
  NS_TRY_PREPARE(del, "DELETE FROM fleet_probes WHERE id = ?");
  del->Bind(1, id);
  NS_TRY_STATUS(del->Run());
  if (sqlite3_changes(store_->handle()) == 0) return Error{fmt::format("no probe '{}'", id)};
  NS_TRY_STATUS(Audit("probe.remove", id));
  return tx.Commit();
}

Result<RangeSet> FleetStore::RangesOf(std::string_view sql, const std::string* key) {
  NS_TRY_PREPARE(st, sql);
  if (key) st->Bind(1, *key);
  std::vector<Ipv4Range> ranges;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    ranges.push_back({static_cast<Ipv4>(st->ColumnInt(0)), static_cast<Ipv4>(st->ColumnInt(1))});
  }
  return RangeSet(std::move(ranges));
}

Result<std::vector<ProbeRecord>> FleetStore::Probes() {
  NS_TRY_PREPARE(st,
                 "SELECT id, pubkey_pem, state, COALESCE(last_seen, 0), COALESCE(status_json, '') "
                 "FROM fleet_probes ORDER BY id");
  std::vector<ProbeRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    ProbeRecord p;
    p.id = st->ColumnText(0);
    p.pubkey_pem = st->ColumnText(1);
    p.state = st->ColumnText(2);
    p.last_seen = st->ColumnInt(3);
    p.status_json = st->ColumnText(4);
    out.push_back(std::move(p));
  }
  for (ProbeRecord& p : out) {
    auto region = RangesOf("SELECT first, last FROM fleet_probe_regions WHERE probe_id = ?", &p.id);
    if (!region.ok()) return Error{region.error()};
    p.region = std::move(*region);
  }
  return out;
}

Result<std::optional<ProbeRecord>> FleetStore::Probe(const std::string& id) {
  auto all = Probes();
  if (!all.ok()) return Error{all.error()};
  for (ProbeRecord& p : *all)
    if (p.id == id) return std::optional<ProbeRecord>(std::move(p));
  return std::optional<ProbeRecord>();
}

Status FleetStore::SetProbeStatus(const std::string& id, const std::string& state,
                                  const std::string& status_json) {
  NS_TRY_PREPARE(st,
                 "UPDATE fleet_probes SET state = ?, status_json = ?, last_seen = ? WHERE id = ?");
  st->Bind(1, state).Bind(2, status_json).Bind(3, UnixNow()).Bind(4, id);
  return st->Run();
}

Status FleetStore::AddTargets(const RangeSet& ranges) {
  Transaction tx(*store_);
  NS_TRY_STATUS(tx.status());
  NS_TRY_PREPARE(st, "INSERT OR IGNORE INTO fleet_targets(first, last, added_at) VALUES(?,?,?)");
  std::string text;
  for (const Ipv4Range& r : ranges.ranges()) {
    st->Reset();
    st->Bind(1, int64_t{r.first}).Bind(2, int64_t{r.last}).Bind(3, UnixNow());
    NS_TRY_STATUS(st->Run());
    text += (text.empty() ? "" : " ") + FormatIpv4Range(r);
  }
  NS_TRY_STATUS(Audit("targets.add", text));
  return tx.Commit();
}

Result<RangeSet> FleetStore::Targets() {
  return RangesOf("SELECT first, last FROM fleet_targets", nullptr);
}

Result<int64_t> FleetStore::AddExclusion(Ipv4Range range, const std::string& reason) {
  Transaction tx(*store_);
  NS_TRY_STATUS(tx.status());
  NS_TRY_PREPARE(st, "INSERT INTO fleet_exclusions(first, last, reason, added_at) VALUES(?,?,?,?)");
  st->Bind(1, int64_t{range.first}).Bind(2, int64_t{range.last}).Bind(3, reason).Bind(4, UnixNow());
  NS_TRY_STATUS(st->Run());
  const int64_t id = sqlite3_last_insert_rowid(store_->handle());
  auto version = NextCounter("exclusion_version");
  if (!version.ok()) return Error{version.error()};
  NS_TRY_STATUS(Audit("exclude.add", fmt::format("{} reason: {}", FormatIpv4Range(range), reason)));
  NS_TRY_STATUS(tx.Commit());
  return id;
}

Result<int64_t> FleetStore::RemoveExclusion(Ipv4Range range) {
  Transaction tx(*store_);
  NS_TRY_STATUS(tx.status());
  NS_TRY_PREPARE(st,
                 "UPDATE fleet_exclusions SET removed_at = ? "
                 "WHERE first = ? AND last = ? AND removed_at IS NULL");
  st->Bind(1, UnixNow()).Bind(2, int64_t{range.first}).Bind(3, int64_t{range.last});
  NS_TRY_STATUS(st->Run());
  const int64_t n = sqlite3_changes(store_->handle());
  if (n > 0) {
    auto version = NextCounter("exclusion_version");
    if (!version.ok()) return Error{version.error()};
    NS_TRY_STATUS(Audit("exclude.remove", FormatIpv4Range(range)));
  }
  NS_TRY_STATUS(tx.Commit());
  return n;
}

Result<std::vector<ExclusionRecord>> FleetStore::Exclusions() {
  NS_TRY_PREPARE(st,
                 "SELECT id, first, last, reason, added_at FROM fleet_exclusions "
                 "WHERE removed_at IS NULL ORDER BY first, id");
  std::vector<ExclusionRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back({st->ColumnInt(0),
                   {static_cast<Ipv4>(st->ColumnInt(1)), static_cast<Ipv4>(st->ColumnInt(2))},
                   st->ColumnText(3),
                   st->ColumnInt(4)});
  }
  return out;
}

Result<RangeSet> FleetStore::ExcludedSet() {
  return RangesOf("SELECT first, last FROM fleet_exclusions WHERE removed_at IS NULL", nullptr);
}

int64_t FleetStore::ExclusionVersion() {
  auto v = Meta("exclusion_version");
  return v.ok() && *v ? std::stoll(**v) : 0;
}

Result<std::optional<std::string>> FleetStore::Meta(const std::string& key) {
  NS_TRY_PREPARE(st, "SELECT value FROM fleet_meta WHERE key = ?");
  st->Bind(1, key);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->ColumnText(0));
}

Status FleetStore::SetMeta(const std::string& key, const std::string& value) {
  NS_TRY_PREPARE(st,
                 "INSERT INTO fleet_meta(key, value) VALUES(?,?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st->Bind(1, key).Bind(2, value);
  return st->Run();
}

Result<int64_t> FleetStore::NextCounter(const std::string& key) {
  NS_TRY_PREPARE(st,
                 "INSERT INTO fleet_meta(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE "
                 "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) RETURNING value");
  st->Bind(1, key);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  const int64_t v = std::stoll(st->ColumnText(0));
  (void)st->Step();
  return v;
}

Result<int64_t> FleetStore::CreateRound(int64_t deadline_seconds) {
  NS_TRY_PREPARE(st,
                 "INSERT INTO fleet_rounds(state, started_at, deadline) VALUES('requested', ?, ?)");
  const int64_t now = UnixNow();
  st->Bind(1, now).Bind(2, now + deadline_seconds);
  NS_TRY_STATUS(st->Run());
  return sqlite3_last_insert_rowid(store_->handle());
}

namespace {
RoundRecord ReadRound(const Statement& st) {
  return {st.ColumnInt(0), st.ColumnText(1), st.ColumnInt(2),
          st.ColumnInt(3), st.ColumnInt(4),  st.ColumnText(5)};
}
constexpr std::string_view kRoundColumns =
    "SELECT id, state, started_at, deadline, COALESCE(ended_at, 0), COALESCE(end_reason, '') "
    "FROM fleet_rounds ";
}  // namespace

Result<std::optional<RoundRecord>> FleetStore::Round(int64_t id) {
  NS_TRY_PREPARE(st, fmt::format("{} {}", kRoundColumns,
                                 id == 0 ? "ORDER BY id DESC LIMIT 1" : "WHERE id = ?"));
  if (id != 0) st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  if (!*row) return std::optional<RoundRecord>();
  return std::optional<RoundRecord>(ReadRound(*st));
}

Result<std::vector<RoundRecord>> FleetStore::Rounds() {
  NS_TRY_PREPARE(st, fmt::format("{} ORDER BY id", kRoundColumns));
  std::vector<RoundRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    out.push_back(ReadRound(*st));
  }
  return out;
}

Status FleetStore::EndRound(int64_t id, const std::string& reason) {
  NS_TRY_PREPARE(st,
                 "UPDATE fleet_rounds SET state = 'done', ended_at = ?, end_reason = ? "
                 "WHERE id = ? AND state != 'done'");
  st->Bind(1, UnixNow()).Bind(2, reason).Bind(3, id);
  return st->Run();
}

Result<std::vector<RoundProbeRecord>> FleetStore::RoundProbes(int64_t round_id) {
  NS_TRY_PREPARE(st,
                 "SELECT round_id, probe_id, plan_version, done, results, planned_narrowed, "
                 "planned_standard, planned_discovery, planned_refresh, standard_equivalent, "
                 "responsive_equivalent, attempts, open_count, closed_count, timeout_count, "
                 "bytes_sent, bytes_received FROM fleet_round_probes WHERE round_id = ? "
                 "ORDER BY probe_id");
  st->Bind(1, round_id);
  std::vector<RoundProbeRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return Error{row.error()};
    if (!*row) break;
    RoundProbeRecord r;
    r.round_id = st->ColumnInt(0);
    r.probe_id = st->ColumnText(1);
    r.plan_version = st->ColumnInt(2);
    r.done = st->ColumnInt(3) != 0;
    r.results = st->ColumnInt(4);
    RoundCounters& c = r.counters;
    c.planned_narrowed = st->ColumnInt(5);
    c.planned_standard = st->ColumnInt(6);
    c.planned_discovery = st->ColumnInt(7);
    c.planned_refresh = st->ColumnInt(8);
    c.standard_equivalent = st->ColumnInt(9);
    c.responsive_equivalent = st->ColumnInt(10);
    c.attempts = st->ColumnInt(11);
    c.open = st->ColumnInt(12);
    c.closed = st->ColumnInt(13);
    c.timeout = st->ColumnInt(14);
    c.bytes_sent = st->ColumnInt(15);
    c.bytes_received = st->ColumnInt(16);
    out.push_back(std::move(r));
  }
  return out;
}

Result<RoundCounters> FleetStore::RoundTotal(int64_t round_id) {
  auto probes = RoundProbes(round_id);
  if (!probes.ok()) return Error{probes.error()};
  RoundCounters total;
  for (const RoundProbeRecord& r : *probes) total += r.counters;
  return total;
}

Status FleetStore::SetRoundProbeDone(int64_t round_id, const std::string& probe_id) {
  NS_TRY_PREPARE(st, "UPDATE fleet_round_probes SET done = 1 WHERE round_id = ? AND probe_id = ?");
  st->Bind(1, round_id).Bind(2, probe_id);
  return st->Run();
}

Result<FleetStore::ProbeHistory> FleetStore::History(const std::string& probe_id) {
  NS_TRY_PREPARE(st,
                 "SELECT COALESCE(SUM(done), 0), COALESCE(MIN(round_id), 0) "
                 "FROM fleet_round_probes WHERE probe_id = ?");
  st->Bind(1, probe_id);
  auto row = st->Step();
  if (!row.ok()) return Error{row.error()};
  return ProbeHistory{static_cast<uint64_t>(st->ColumnInt(0)), st->ColumnInt(1)};
}

}  // namespace narrowscan::fleet

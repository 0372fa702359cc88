#include "controller/fleet/report_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "common/wire/report_codec.h"
#include "controller/fleet/round_planning.h"

namespace narrowscan::fleet {

// Compiled once and reused for every batch: preparing them per batch cost more than
// the small batches of a slow probe.
struct ReportIngest::Statements {
  Statement round_probe;  // the probe's row of the round: watermark, counters, done
  Statement batch_seen;   // (probe, round, seq) committed before?
  Statement insert_result, touch_host, insert_batch, update_round_probe;
  Statement round_state;  // has the round ended?
};

ReportIngest::ReportIngest(FleetStore& store, const SigningKey& controller_key)
    : store_(store), plan_key_(VerifyingKey::FromPem(controller_key.PublicPem())) {}
ReportIngest::~ReportIngest() = default;

const ReportIngest::KnownProbe* ReportIngest::Find(const std::string& id) {
  if (auto it = probes_.find(id); it != probes_.end()) return &it->second;
  auto probe = store_.Probe(id);
  if (!probe.ok() || !*probe) return nullptr;
  auto key = VerifyingKey::FromPem((*probe)->pubkey_pem);
  if (!key.ok()) return nullptr;
  auto [it, _] = probes_.emplace(id, KnownProbe{std::move(*key), (*probe)->region});
  return &it->second;
}

IngestOutcome ReportIngest::Refuse(const std::string& probe_id, std::string reason) {
  (void)store_.Refusal(probe_id, reason);
  IngestOutcome out;
  out.kind = IngestOutcome::kRefused;
  out.reason = std::move(reason);
  return out;
}

IngestOutcome ReportIngest::Ingest(const std::string& topic_probe_id,
                                   std::span<const uint8_t> bytes) {
  const KnownProbe* probe = Find(topic_probe_id);
  if (!probe)
    return Refuse(topic_probe_id, fmt::format("report from unknown probe '{}'", topic_probe_id));
  auto batch = wire::DecodeReport(bytes, probe->key);
  if (!batch.ok())
    return Refuse(topic_probe_id, fmt::format("probe '{}': {}", topic_probe_id, batch.error()));
  if (batch->probe_id != topic_probe_id)
    return Refuse(topic_probe_id, fmt::format("probe '{}': batch names probe '{}'", topic_probe_id,
                                              batch->probe_id));
  for (const wire::PortResult& r : batch->results)
    if (!probe->region.Contains(r.ip))
      return Refuse(topic_probe_id,
                    fmt::format("probe '{}': result for {} outside its region (round {}, seq {})",
                                topic_probe_id, FormatIpv4(r.ip), batch->round_id, batch->seq));

  auto committed = Commit(topic_probe_id, *batch);
  if (!committed.ok()) return Refuse(topic_probe_id, committed.error());
  if (committed->kind == IngestOutcome::kRefused)
    (void)store_.Refusal(topic_probe_id, committed->reason);
  return *committed;
}

Status ReportIngest::Prepare() {
  if (st_) return Status::Ok();
  Store& db = store_.store();
  const char* sql[] = {
      "SELECT acked_seq, counters_seq, done_seq, results, "
      "planned_narrowed + planned_standard + planned_discovery FROM fleet_round_probes "
      "WHERE round_id = ? AND probe_id = ?",
      "SELECT 1 FROM fleet_batches WHERE probe_id = ? AND round_id = ? AND seq = ?",
      "INSERT OR IGNORE INTO fleet_results(round_id, probe_id, ip, port, state, service, banner, "
      "tls_subject, tls_issuer, connect_us, committed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
      "INSERT INTO fleet_hosts(ip, first_round, last_round, dirty) VALUES(?, ?, ?, 1) "
      "ON CONFLICT(ip) DO UPDATE SET last_round = MAX(last_round, excluded.last_round), dirty = 1",
      "INSERT INTO fleet_batches(probe_id, round_id, seq, results, committed_at) "
      "VALUES(?,?,?,?,?)",
      // Counters are cumulative: only those of the highest seq seen count.
      "UPDATE fleet_round_probes SET results = results + ?1, acked_seq = ?2, "
      "attempts = CASE WHEN ?3 THEN ?4 ELSE attempts END, "
      "bytes_sent = CASE WHEN ?3 THEN ?5 ELSE bytes_sent END, "
      "bytes_received = CASE WHEN ?3 THEN ?6 ELSE bytes_received END, "
      "open_count = CASE WHEN ?3 THEN ?12 ELSE open_count END, "
      "closed_count = CASE WHEN ?3 THEN ?13 ELSE closed_count END, "
      "timeout_count = CASE WHEN ?3 THEN ?14 ELSE timeout_count END, "
      "counters_seq = MAX(counters_seq, ?7), done_seq = ?8, done = MAX(done, ?9) "
      "WHERE round_id = ?10 AND probe_id = ?11",
      "SELECT state FROM fleet_rounds WHERE id = ?"};
  std::vector<Statement> prepared;
  for (const char* s : sql) {
    auto st = db.Prepare(s);
    if (!st.ok()) return Error{fmt::format("preparing report ingest: {}", st.error())};
    prepared.push_back(std::move(*st));
  }
  st_.reset(new Statements{std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2]),
                           std::move(prepared[3]), std::move(prepared[4]), std::move(prepared[5]),
                           std::move(prepared[6])});
  return Status::Ok();
}

Result<bool> ReportIngest::BatchSeen(const std::string& probe_id, int64_t round, int64_t seq) {
  Statement& seen = st_->batch_seen;
  seen.Reset();
  seen.Bind(1, probe_id).Bind(2, round).Bind(3, seq);
  auto row = seen.Step();
  seen.Reset();  // a cached statement left mid-result would pin a read snapshot
  return row;
}

Result<const ReportScope*> ReportIngest::Scope(const std::string& probe_id, int64_t round) {
  const auto key = std::make_pair(probe_id, round);
  if (auto it = scopes_.find(key); it != scopes_.end()) return &it->second;
  if (!plan_key_.ok()) return Error{fmt::format("the controller's key: {}", plan_key_.error())};
  auto plans = RoundPlans(store_, probe_id, round, *plan_key_);
  if (!plans.ok()) return Error{plans.error()};
  if (plans->empty()) return Error{fmt::format("no plan of round {} was made for it", round)};
  ReportScope scope;
  for (const wire::Plan& plan : *plans) scope.AddPlan(plan);
  return &scopes_.emplace(key, std::move(scope)).first->second;
}

Result<IngestOutcome> ReportIngest::Commit(const std::string& probe_id,
                                           const wire::ReportBatch& batch) {
  Store& db = store_.store();
  const auto round = static_cast<int64_t>(batch.round_id);
  const auto seq = static_cast<int64_t>(batch.seq);
  IngestOutcome out;
  out.round_id = batch.round_id;
  auto fail = [&](const std::string& what) {
    return Error{
        fmt::format("probe '{}': storing round {} seq {} failed: {}", probe_id, round, seq, what)};
  };
  if (Status s = Prepare(); !s.ok()) return fail(s.error());

  Transaction tx(db);
  if (!tx.status().ok()) return fail(tx.status().error());
  Statement& assigned = st_->round_probe;
  assigned.Reset();
  assigned.Bind(1, round).Bind(2, probe_id);
  auto row = assigned.Step();
  if (!row.ok()) return fail(row.error());
  if (!*row)
    return Error{fmt::format("probe '{}': round {} is not assigned to it", probe_id, round)};
  int64_t acked = assigned.ColumnInt(0);
  const int64_t counters_seq = assigned.ColumnInt(1);
  const int64_t done_seq = batch.done ? seq : assigned.ColumnInt(2);
  const auto results_so_far = static_cast<uint64_t>(assigned.ColumnInt(3));
  const auto planned_pairs = static_cast<uint64_t>(assigned.ColumnInt(4));
  assigned.Reset();
  auto dup = BatchSeen(probe_id, round, seq);
  if (!dup.ok()) return fail(dup.error());
  if (*dup) {
    out.kind = IngestOutcome::kDuplicate;
    out.acked_seq = static_cast<uint64_t>(acked);
    return IngestOutcome(out);
  }

  // A real probe key is not a licence: the batch must fit what the probe was asked to do.
  Statement& state = st_->round_state;
  state.Reset();
  state.Bind(1, round);
  auto state_row = state.Step();
  if (!state_row.ok()) return fail(state_row.error());
  const bool ended = *state_row && state.ColumnText(0) == "done";
  state.Reset();
  auto check = [&]() -> Status {
    auto scope = Scope(probe_id, round);
    if (!scope.ok()) return Error{scope.error()};
    return (*scope)->Check(batch, ended, results_so_far, planned_pairs);
  };
  Status in_scope = check();
  if (!in_scope.ok() && !ended) {
    // The cached plans may predate one made for this round since: read them again.
    scopes_.erase({probe_id, round});
    in_scope = check();
  }
  if (Status s = in_scope; !s.ok()) {
    out.kind = IngestOutcome::kRefused;
    out.reason = fmt::format("probe '{}': {}", probe_id, s.error());
    out.ack = ended;  // nothing of an ended round will be taken: let the probe drop it
    out.acked_seq = static_cast<uint64_t>(seq);
    return IngestOutcome(out);
  }

  const int64_t now = UnixNow();
  Statement& ins = st_->insert_result;
  std::vector<Ipv4> open_hosts;
  open_hosts.reserve(batch.results.size());
  for (const wire::PortResult& r : batch.results) {
    ins.Reset();
    ins.Bind(1, round).Bind(2, probe_id).Bind(3, int64_t{r.ip}).Bind(4, int64_t{r.port});
    ins.Bind(5, int64_t{static_cast<uint8_t>(r.state)}).Bind(6, r.service);
    ins.BindBlob(7, r.banner.data(), r.banner.size());
    if (!r.tls || r.tls->subject.empty())
      ins.BindNull(8);
    else
      ins.Bind(8, r.tls->subject);
    if (!r.tls || r.tls->issuer.empty())
      ins.BindNull(9);
    else
      ins.Bind(9, r.tls->issuer);
    ins.Bind(10, int64_t{r.connect_us}).Bind(11, now);
    if (Status s = ins.Run(); !s.ok()) return fail(s.error());
    out.new_results += static_cast<uint64_t>(sqlite3_changes(db.handle()));
    if (r.state == wire::PortState::kOpen) open_hosts.push_back(r.ip);
  }
  // One host row touch per host, however many of its ports the batch holds.
  std::sort(open_hosts.begin(), open_hosts.end());
  open_hosts.erase(std::unique(open_hosts.begin(), open_hosts.end()), open_hosts.end());
  Statement& host = st_->touch_host;
  for (Ipv4 ip : open_hosts) {
    host.Reset();
    host.Bind(1, int64_t{ip}).Bind(2, round).Bind(3, round);
    if (Status s = host.Run(); !s.ok()) return fail(s.error());
  }

  Statement& batch_row = st_->insert_batch;
  batch_row.Reset();
  batch_row.Bind(1, probe_id)
      .Bind(2, round)
      .Bind(3, seq)
      .Bind(4, static_cast<int64_t>(batch.results.size()))
      .Bind(5, now);
  if (Status s = batch_row.Run(); !s.ok()) return fail(s.error());

  // Advance the contiguous watermark over batches that arrived early.
  for (;;) {
    auto has = BatchSeen(probe_id, round, acked + 1);
    if (!has.ok()) return fail(has.error());
    if (!*has) break;
    ++acked;
  }

  // The round is done for this probe once its last batch and all before it are in.
  const wire::Counters& c = batch.counters;
  const bool done = done_seq > 0 && acked >= done_seq;
  Statement& upd = st_->update_round_probe;
  upd.Reset();
  upd.Bind(1, static_cast<int64_t>(out.new_results))
      .Bind(2, acked)
      .Bind(3, int64_t{seq > counters_seq})
      .Bind(4, static_cast<int64_t>(c.attempts))
      .Bind(5, static_cast<int64_t>(c.bytes_sent))
      .Bind(6, static_cast<int64_t>(c.bytes_received))
      .Bind(7, seq)
      .Bind(8, done_seq)
      .Bind(9, int64_t{done})
      .Bind(10, round)
      .Bind(12, static_cast<int64_t>(c.open))
      .Bind(13, static_cast<int64_t>(c.closed))
      .Bind(14, static_cast<int64_t>(c.timeout))
      .Bind(11, probe_id);
  if (Status s = upd.Run(); !s.ok()) return fail(s.error());
  if (Status s = tx.Commit(); !s.ok()) return fail(s.error());

  out.kind = IngestOutcome::kCommitted;
  out.acked_seq = static_cast<uint64_t>(acked);
  out.round_done = batch.done;
  return out;
}

}  // namespace narrowscan::fleet

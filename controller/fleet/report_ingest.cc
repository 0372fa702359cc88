#include "controller/fleet/report_ingest.h"

#include <fmt/format.h>

#include "common/wire/report_codec.h"

namespace narrowscan::fleet {

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
  return *committed;
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

  Transaction tx(db);
  if (!tx.status().ok()) return fail(tx.status().error());
  auto assigned = db.Prepare(
      "SELECT acked_seq, counters_seq FROM fleet_round_probes WHERE round_id = ? AND probe_id = ?");
  if (!assigned.ok()) return fail(assigned.error());
  assigned->Bind(1, round).Bind(2, probe_id);
  auto row = assigned->Step();
  if (!row.ok()) return fail(row.error());
  if (!*row)
    return Error{fmt::format("probe '{}': round {} is not assigned to it", probe_id, round)};
  int64_t acked = assigned->ColumnInt(0);
  const int64_t counters_seq = assigned->ColumnInt(1);
  auto seen =
      db.Prepare("SELECT 1 FROM fleet_batches WHERE probe_id = ? AND round_id = ? AND seq = ?");
  if (!seen.ok()) return fail(seen.error());
  seen->Bind(1, probe_id).Bind(2, round).Bind(3, seq);
  auto dup = seen->Step();
  if (!dup.ok()) return fail(dup.error());
  if (*dup) {
    out.kind = IngestOutcome::kDuplicate;
    out.acked_seq = static_cast<uint64_t>(acked);
    return IngestOutcome(out);
  }

  const int64_t now = UnixNow();
  auto ins = db.Prepare(
      "INSERT OR IGNORE INTO fleet_results(round_id, probe_id, ip, port, state, service, banner, "
      "tls_subject, tls_issuer, connect_us, committed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  auto host = db.Prepare(
      "INSERT INTO fleet_hosts(ip, first_round, last_round, dirty) VALUES(?, ?, ?, 1) "
      "ON CONFLICT(ip) DO UPDATE SET last_round = MAX(last_round, excluded.last_round), dirty = 1");
  if (!ins.ok()) return fail(ins.error());
  if (!host.ok()) return fail(host.error());
  for (const wire::PortResult& r : batch.results) {
    ins->Reset();
    ins->Bind(1, round).Bind(2, probe_id).Bind(3, int64_t{r.ip}).Bind(4, int64_t{r.port});
    ins->Bind(5, int64_t{static_cast<uint8_t>(r.state)}).Bind(6, r.service);
    ins->BindBlob(7, r.banner.data(), r.banner.size());
    if (!r.tls || r.tls->subject.empty())
      ins->BindNull(8);
    else
      ins->Bind(8, r.tls->subject);
    if (!r.tls || r.tls->issuer.empty())
      ins->BindNull(9);
    else
      ins->Bind(9, r.tls->issuer);
    ins->Bind(10, int64_t{r.connect_us}).Bind(11, now);
    if (Status s = ins->Run(); !s.ok()) return fail(s.error());
    out.new_results += static_cast<uint64_t>(sqlite3_changes(db.handle()));
    if (r.state == wire::PortState::kOpen) {
      host->Reset();
      host->Bind(1, int64_t{r.ip}).Bind(2, round).Bind(3, round);
      if (Status s = host->Run(); !s.ok()) return fail(s.error());
    }
  }

  auto batch_row = db.Prepare(
      "INSERT INTO fleet_batches(probe_id, round_id, seq, results, committed_at) "
      "VALUES(?,?,?,?,?)");
  if (!batch_row.ok()) return fail(batch_row.error());
  batch_row->Bind(1, probe_id)
      .Bind(2, round)
      .Bind(3, seq)
      .Bind(4, static_cast<int64_t>(batch.results.size()))
      .Bind(5, now);
  if (Status s = batch_row->Run(); !s.ok()) return fail(s.error());

  // Advance the contiguous watermark over batches that arrived early.
  auto next =
      db.Prepare("SELECT 1 FROM fleet_batches WHERE probe_id = ? AND round_id = ? AND seq = ?");
  if (!next.ok()) return fail(next.error());
  for (;;) {
    next->Reset();
    next->Bind(1, probe_id).Bind(2, round).Bind(3, acked + 1);
    auto has = next->Step();
    if (!has.ok()) return fail(has.error());
    if (!*has) break;
    ++acked;
  }

  // Counters are cumulative: keep those of the highest seq seen.
  const wire::Counters& c = batch.counters;
  const bool newer = seq > counters_seq;
  auto upd = db.Prepare(
      "UPDATE fleet_round_probes SET results = results + ?, acked_seq = ?, done = MAX(done, ?), "
      "attempts = CASE WHEN ? THEN ? ELSE attempts END, "
      "bytes_sent = CASE WHEN ? THEN ? ELSE bytes_sent END, "
      "bytes_received = CASE WHEN ? THEN ? ELSE bytes_received END, "
      "counters_seq = MAX(counters_seq, ?), "
      "done_seq = CASE WHEN ? THEN ? ELSE done_seq END WHERE round_id = ? AND probe_id = ?");
  if (!upd.ok()) return fail(upd.error());
  upd->Bind(1, static_cast<int64_t>(out.new_results))
      .Bind(2, acked)
      .Bind(3, int64_t{0})
      .Bind(4, int64_t{newer})
      .Bind(5, static_cast<int64_t>(c.attempts))
      .Bind(6, int64_t{newer})
      .Bind(7, static_cast<int64_t>(c.bytes_sent))
      .Bind(8, int64_t{newer})
      .Bind(9, static_cast<int64_t>(c.bytes_received))
      .Bind(10, seq)
      .Bind(11, int64_t{batch.done})
      .Bind(12, seq)
      .Bind(13, round)
      .Bind(14, probe_id);
  if (Status s = upd->Run(); !s.ok()) return fail(s.error());
  // The round is done for this probe once its last batch and all before it are in.
  if (Status s = db.Exec(fmt::format(
          "UPDATE fleet_round_probes SET done = 1 WHERE round_id = {} AND probe_id = '{}' "
          "AND done_seq > 0 AND acked_seq >= done_seq",
          round, probe_id));
      !s.ok())
    return fail(s.error());
  if (Status s = tx.Commit(); !s.ok()) return fail(s.error());

  out.kind = IngestOutcome::kCommitted;
  out.acked_seq = static_cast<uint64_t>(acked);
  out.round_done = batch.done;
  return out;
}

}  // namespace narrowscan::fleet

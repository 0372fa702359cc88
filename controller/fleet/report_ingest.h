// ReportIngest: verifies report batches from probes and commits each in one SQLite
// transaction (design §6).
//
// A batch is refused, stores nothing and is counted in fleet_refusals when: the
// probe is unknown; the bytes do not verify (size caps, FlatBuffers, signature by the
// probe's registered key); the probe id inside differs from the topic's; the round is
// not assigned to the probe; any result lies outside the probe's region; the batch is
// outside what the probe was asked to do (ReportScope: a round that has ended, an
// (ip, port) pair none of its plans for the round gives it, far more results than its
// plan has pairs). The plans are read back from fleet_plans and verified with the
// controller's own key, exactly as the probe received them. Refusals are
// counted per probe (fleet_refusals). A batch for a round that has ended is refused
// but acked (`ack` set), so an honest late probe drops it from its spool instead of
// resending it for ever.
// A batch whose (probe, round, seq) was committed before changes nothing. After a
// commit the caller acks `acked_seq`: every seq <= it of that (probe, round) is
// committed, so the probe may drop exactly those from its spool, whatever the order
// in which batches arrived.
#ifndef NARROWSCAN_CONTROLLER_FLEET_REPORT_INGEST_H_
#define NARROWSCAN_CONTROLLER_FLEET_REPORT_INGEST_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "common/range_set.h"
#include "common/signature.h"
#include "common/wire/messages.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/report_scope.h"

namespace narrowscan::fleet {

struct IngestOutcome {
  enum Kind { kCommitted, kDuplicate, kRefused } kind = kRefused;
  std::string reason;  // kRefused: why (names the probe and the problem)
  uint64_t round_id = 0;
  uint64_t acked_seq = 0;    // kCommitted / kDuplicate: what to ack
  uint64_t new_results = 0;  // kCommitted: rows added to fleet_results
  bool round_done = false;   // the batch carried the probe's done flag
  bool ack = false;          // kRefused: ack `acked_seq` all the same (round ended)
};

class ReportIngest {
 public:
  // `controller_key`: the key that signed the stored plans (its public half is kept).
  ReportIngest(FleetStore& store, const SigningKey& controller_key);
  ~ReportIngest();

  // `topic_probe_id`: the <id> of the topic the bytes arrived on.
  IngestOutcome Ingest(const std::string& topic_probe_id, std::span<const uint8_t> bytes);

  // Drops cached keys and regions (after `probes add`/`remove`).
  void Forget() {
    probes_.clear();
    scopes_.clear();
  }

 private:
  struct KnownProbe {
    VerifyingKey key;
    RangeSet region;
  };
  struct Statements;
  const KnownProbe* Find(const std::string& id);
  Status Prepare();
  Result<bool> BatchSeen(const std::string& probe_id, int64_t round, int64_t seq);
  // The pairs the probe's plans for the round give it (cached; loaded from fleet_plans).
  Result<const ReportScope*> Scope(const std::string& probe_id, int64_t round);
  IngestOutcome Refuse(const std::string& probe_id, std::string reason);
  // The transactional part; an error means nothing was stored.
  Result<IngestOutcome> Commit(const std::string& probe_id, const wire::ReportBatch& batch);

  FleetStore& store_;
  Result<VerifyingKey> plan_key_;  // verifies the stored plans
  std::map<std::string, KnownProbe> probes_;
  std::map<std::pair<std::string, int64_t>, ReportScope> scopes_;
  std::unique_ptr<Statements> st_;  // prepared on first use
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_REPORT_INGEST_H_

// FleetStore: typed access to the fleet's tables (see fleet_schema.h) for the CLI
// commands and the service. Every mutation that an operator makes is written to the
// audit log in the same transaction.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_STORE_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/range_set.h"
#include "common/result.h"
#include "controller/fleet/round_metrics.h"
#include "controller/store/store.h"

namespace narrowscan::fleet {

struct ProbeRecord {
  std::string id;
  std::string pubkey_pem;
  RangeSet region;
  std::string state;        // never-seen | online | offline | …(from its status)
  int64_t last_seen = 0;    // unix seconds, 0 = never
  std::string status_json;  // last status the probe published, as JSON
};

struct ExclusionRecord {
  int64_t id = 0;
  Ipv4Range range;
  std::string reason;
  int64_t added_at = 0;
};

struct RoundRecord {
  int64_t id = 0;
  std::string state;  // requested | running | done
  int64_t started_at = 0, deadline = 0, ended_at = 0;
  std::string end_reason;
};

struct RoundProbeRecord {
  int64_t round_id = 0;
  std::string probe_id;
  int64_t plan_version = 0;
  bool done = false;
  int64_t results = 0;
  RoundCounters counters;  // planned, baselines, attempts, outcomes, payload bytes
};

int64_t UnixNow();

class FleetStore {
 public:
  // Opens the store file and applies the fleet migrations. Errors name the path.
  static Result<std::unique_ptr<FleetStore>> Open(const std::string& path);
  explicit FleetStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}

  Store& store() { return *store_; }

  // Probes. AddProbe refuses a duplicate id and an empty region.
  Status AddProbe(const std::string& id, const std::string& pubkey_pem, const RangeSet& region);
  Status RemoveProbe(const std::string& id);
  Result<std::vector<ProbeRecord>> Probes();
  Result<std::optional<ProbeRecord>> Probe(const std::string& id);
  Status SetProbeStatus(const std::string& id, const std::string& state,
                        const std::string& status_json);

  // Targets: the union of everything added.
  Status AddTargets(const RangeSet& ranges);
  Result<RangeSet> Targets();

  // Exclusions (opt-outs). Every change bumps the exclusion version.
  Result<int64_t> AddExclusion(Ipv4Range range, const std::string& reason);
  // Removes active entries equal to `range`; returns how many.
  Result<int64_t> RemoveExclusion(Ipv4Range range);
  Result<std::vector<ExclusionRecord>> Exclusions();
  Result<RangeSet> ExcludedSet();
  int64_t ExclusionVersion();

  // Rounds: requested (by the CLI or the schedule) → running (planned and published by
  // the service) → done. The deadline counts from when the service starts the round.
  Result<int64_t> CreateRound(int64_t deadline_seconds);
  Result<std::optional<RoundRecord>> Round(int64_t id);  // id 0 = the latest
  Result<std::vector<RoundRecord>> Rounds();
  Status EndRound(int64_t id, const std::string& reason);
  Result<std::vector<RoundProbeRecord>> RoundProbes(int64_t round_id);
  // The round's counters summed over its probes.
  Result<RoundCounters> RoundTotal(int64_t round_id);
  Status SetRoundProbeDone(int64_t round_id, const std::string& probe_id);
  // A probe's history: the rounds it completed and the first round it took part in
  // (0 when none).
  struct ProbeHistory {
    uint64_t completed_rounds = 0;
    int64_t first_round = 0;
  };
  Result<ProbeHistory> History(const std::string& probe_id);

  // Small key/value settings the service keeps (e.g. plan versions).
  Result<std::optional<std::string>> Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  // Atomically increments an integer meta value and returns the new value.
  Result<int64_t> NextCounter(const std::string& key);

  Status Audit(const std::string& action, const std::string& detail);
  Status Refusal(const std::string& probe_id, const std::string& reason);
  int64_t RefusalCount();

 private:
  Result<RangeSet> RangesOf(std::string_view sql, const std::string* key);
  std::unique_ptr<Store> store_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_STORE_H_

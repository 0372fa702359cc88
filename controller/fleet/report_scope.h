// ReportScope: what one probe was asked to do in one round, against which a report
// batch signed by that probe is still checked (design §6, "What a probe may send").
//
// A real probe key does not make every result acceptable: a compromised probe could
// otherwise rewrite other rounds or plant hosts. A batch is out of scope when its round
// has ended, when a result's port is in none of the port sets of the probe's plan for
// the round (standard set, narrowed profiles, liveness ports), or when the results the
// round already holds from the probe plus the batch exceed the plan's planned pairs
// (narrowed + standard + discovery, as fleet_round_probes records them) by more than a
// margin (10 % and 64 pairs: a probe resuming after a restart may report a pair twice).
// The address check (the probe's region) stays in ReportIngest. FromPlanSummary() reads
// the port sets from the summary_json the planner stores with each plan (fleet_plans).
// Pure.
#ifndef NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_
#define NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/wire/messages.h"

namespace narrowscan::fleet {

class ReportScope {
 public:
  // Ports of every port set the summary names. Errors name the problem (the caller adds
  // probe and round). Several plans of one round: AddPlanSummary() for the others.
  static Result<ReportScope> FromPlanSummary(std::string_view summary_json);

  Status AddPlanSummary(std::string_view summary_json);
  void AllowPort(uint16_t port) { ports_->set(port); }
  bool PortAllowed(uint16_t port) const { return ports_->test(port); }
  uint64_t planned_pairs() const { return planned_pairs_; }
  void set_planned_pairs(uint64_t n) { planned_pairs_ = n; }
  // The most results a probe may report for the round.
  uint64_t MaxResults() const { return planned_pairs_ + planned_pairs_ / 10 + 64; }

  // OK, or why the batch is refused. `round_ended`: the round's state is done;
  // `results_so_far`: results already committed from this probe for this round.
  Status Check(const wire::ReportBatch& batch, bool round_ended, uint64_t results_so_far) const;

 private:
  ReportScope() : ports_(std::make_shared<std::bitset<65536>>()) {}
  std::shared_ptr<std::bitset<65536>> ports_;  // shared: copies of a cached scope are cheap
  uint64_t planned_pairs_ = 0;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_

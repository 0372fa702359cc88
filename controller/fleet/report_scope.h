// ReportScope: what one probe was asked to do in one round, against which a report
// batch signed by that probe is still checked (design §6, "What a probe may send").
//
// A real probe key does not make every result acceptable: a compromised probe could
// otherwise rewrite other rounds or plant hosts. A batch is out of scope when its round
// has ended, when a result's (ip, port) pair is given by none of the probe's plans for
// the round, or when the results the round already holds from the probe plus the batch
// exceed the plan's planned pairs (narrowed + standard + discovery, as
// fleet_round_probes records them) by more than a margin (10 % and 64 pairs: a probe
// resuming after a restart may report a pair twice).
//
// A plan gives a pair exactly as the probe reads it (wire::Plan): a listed host gets
// its profile's ports, any other address of the plan's scope (the discovery slice)
// gets the default profile's ports. A round may have several plan versions (one made
// after the round started widens it); a pair any of them gives is in scope. The
// region check stays in ReportIngest. Pure.
#ifndef NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_
#define NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "common/wire/messages.h"

namespace narrowscan::fleet {

class ReportScope {
 public:
  // Adds one plan of the round. REQUIRES: `plan` passed wire::ValidatePlan (every
  // decoded, assembled plan has), so its lists are sorted and its profiles exist.
  void AddPlan(const wire::Plan& plan);
  bool empty() const { return plans_.empty(); }

  // True when some plan added gives the pair (ip, port).
  bool Allows(Ipv4 ip, uint16_t port) const;

  // The most results a probe may report for a round whose plan has `planned_pairs`.
  static uint64_t MaxResults(uint64_t planned_pairs) {
    return planned_pairs + planned_pairs / 10 + 64;
  }

  // OK, or why the batch is refused. `round_ended`: the round's state is done;
  // `results_so_far`: results already committed from this probe for this round.
  Status Check(const wire::ReportBatch& batch, bool round_ended, uint64_t results_so_far,
               uint64_t planned_pairs) const;

 private:
  struct PlanPairs {
    std::vector<Ipv4Range> scope;                      // sorted, disjoint
    std::vector<std::vector<uint16_t>> profile_ports;  // each sorted
    uint32_t default_profile = 0;
    std::vector<std::pair<Ipv4, uint32_t>> listed;  // (host, profile), sorted by host
  };
  static bool Gives(const PlanPairs& plan, Ipv4 ip, uint16_t port);
  std::vector<PlanPairs> plans_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_REPORT_SCOPE_H_

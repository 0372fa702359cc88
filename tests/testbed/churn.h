// Churn: hosts that move to another address, vanish, or appear — the population
// changes a real regional scan sees between rounds, besides firmware and port changes
// (population.h).
//
// Contract:
// - Every choice is a pure function of the population's seed, its change-round counter
//   and the current hosts, so the same commands give the same population. Each call
//   below is one change round (Population::changes_applied goes up by one).
// - move: the host (any host, IoT or noise) leaves its address for a currently unused
//   one of Population::ranges — the range entry it lives in when that has room, else
//   any — never .0/.255, never the spec's silent space, never an address another host
//   left in the same round. Same device: id, profile, firmware, open ports and per-host
//   values are kept; revision goes up by one.
// - vanish: the host is removed (switched off).
// - appear: a new host (next id) of a profile drawn with probability proportional to the
//   profiles' counts (IoT and noise alike) at an unused address, as it starts.
// - A host gets at most one change per round; fewer changes than asked when too few
//   hosts or addresses are left. hosts stay sorted by address.
#ifndef NARROWSCAN_TESTS_TESTBED_CHURN_H_
#define NARROWSCAN_TESTS_TESTBED_CHURN_H_

#include <cstdint>
#include <vector>

#include "tests/testbed/population.h"

namespace narrowscan::testbed {

struct ChurnCounts {
  uint64_t changes = 0;  // firmware/port changes (ChangeHosts)
  uint64_t move = 0, vanish = 0, appear = 0;
};

// One round of the spec's mix: change_count firmware/port changes and each churn fraction
// times the current host count; a fractional part happens with that probability (seeded
// by the round), so small fractions of small populations still churn now and then.
ChurnCounts ChurnCountsFor(const Population& population);

// Applies `counts` as one change round: the firmware/port changes first, then vanish,
// move and appear on hosts not yet changed in the round. Returns every change sorted by
// address (HostChange::from for moves, host_id always).
std::vector<HostChange> ApplyChurn(Population* population, const ChurnCounts& counts);

// ApplyChurn(population, ChurnCountsFor(*population)): the `churn` control command.
std::vector<HostChange> ChurnRound(Population* population);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_CHURN_H_

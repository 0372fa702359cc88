// Planner: the per-probe port plan of one round (design §4). Pure: no I/O.
//
// A plan says which (ip, port) pairs a probe scans:
//   - every address of `sweep` gets the standard ports (profile 0);
//   - every address in hosts_by_profile[p] gets profiles[p] (overrides the sweep).
// Hosts that answered before are always listed per IP: the union of their estimated
// devices' ports when estimated and not deviated, else the standard set. Addresses
// that never answered ("silent") are swept in full on a probe's first round and then
// on a rotating 1/k slice per round, so each one is covered every k rounds.
#ifndef NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_
#define NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/range_set.h"

namespace narrowscan::fleet {

struct PlannerConfig {
  std::vector<uint16_t> standard_ports;  // sorted, unique, non-empty
  uint32_t discovery_slices = 4;         // k >= 1; 1 = sweep all silent space every round
};

// A host that answered in an earlier round.
struct KnownHost {
  Ipv4 ip = 0;
  std::vector<uint16_t> estimated_ports;  // union of estimated devices' ports; empty = unknown
  bool deviated = false;                  // last result deviated: back to the standard set
};

struct ProbePlan {
  RangeSet sweep;                                   // silent addresses scanned with profile 0
  std::vector<std::vector<uint16_t>> profiles;      // profiles[0] = standard set
  std::vector<std::vector<Ipv4>> hosts_by_profile;  // sorted ascending, disjoint
  // Planned connection attempts by traffic class, and what scanning the whole scope
  // with the standard set would cost (the baseline of the reduction figure).
  uint64_t planned_narrowed = 0;
  uint64_t planned_standard = 0;
  uint64_t planned_discovery = 0;
  uint64_t planned_refresh = 0;  // of planned_standard: known hosts on their refresh turn
  uint64_t standard_equivalent = 0;
  // What the standard set on every known host in scope would cost: the baseline of
  // responsive_reduction (planned_narrowed + planned_standard against it).
  uint64_t responsive_equivalent = 0;
};

// `scope`: what this probe may scan (region ∩ targets − exclusions).
// `hosts`: known hosts sorted by ip (those outside `scope` are ignored).
// `first_round`: the probe has no completed round yet, so all silent space is swept.
// `round`: the round number; it picks the discovery slice (round mod k).
ProbePlan MakeProbePlan(const PlannerConfig& config, const RangeSet& scope,
                        std::span<const KnownHost> hosts, uint64_t round, bool first_round);

// The slice-th of `slices` contiguous parts of `set` by address index: part j holds
// the addresses with index in [j*N/k, (j+1)*N/k). The parts are disjoint and their
// union is `set`.
RangeSet SliceOf(const RangeSet& set, uint32_t slice, uint32_t slices);

// Jaccard distance 1 - |a∩b|/|a∪b| of two sorted unique lists (0 when both empty).
template <class T>
double JaccardDistance(const std::vector<T>& a, const std::vector<T>& b);

// Design §4 "result deviates strongly": compares the open ports seen now with the
// previous open ports restricted to the ports scanned now (a narrowed scan cannot see
// the others), and the matched device ids. Deviation when either distance exceeds
// `max_distance`, or when the host answered before and is silent now.
struct Observation {
  std::vector<uint16_t> open_ports;  // sorted
  std::vector<std::string> devices;  // sorted
};
bool Deviates(const Observation& previous, const Observation& current,
              const std::vector<uint16_t>& scanned_now, double max_distance);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_

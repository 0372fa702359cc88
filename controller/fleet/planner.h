// Planner: the per-probe port plan of one round (design §4). Pure: no I/O.
//
// A plan says which (ip, port) pairs a probe scans:
//   - every address of `sweep` gets the standard ports (profile 0);
//   - every address in hosts_by_profile[p] gets profiles[p] (overrides the sweep).
// Hosts that answered before are listed per IP (PlanHost): narrowed to the union of
// their estimated devices' ports, their profile's learned ports and their own last
// open ports (within the standard set); the standard set when deviated, on their
// refresh turn (every m rounds), or when nothing narrows them (no estimate, no
// supported profile, never fully scanned). A listed host that fell silent is
// re-checked on its own ports, then returned to the silent space.
// Addresses that never answered ("silent") are swept in full on a probe's first round
// and then on a rotating 1/k slice per round, so each one is covered every k rounds.
// Silent addresses of watched /24s — where hosts appeared or vanished lately, and
// every populated /24 while churn is not yet measured — are also probed every round
// on a few liveness ports, so a host that moved or appeared is found the round it
// arrives (and gets the standard set the round after).
#ifndef NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_
#define NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/range_set.h"

namespace narrowscan::fleet {

struct PlannerConfig {
  std::vector<uint16_t> standard_ports;  // sorted, unique, non-empty
  uint32_t discovery_slices = 4;         // k >= 1; 1 = sweep all silent space every round
  // m: a narrowed host gets the full standard set on its refresh turn, once every m
  // rounds (turns rotate by address, like the discovery slices), unless it was fully
  // scanned in the round before; and whenever its latest full scan is m rounds old,
  // so no full observation is ever older than m rounds. 0 = never.
  uint32_t refresh_slices = 12;
  // A listed host that did not answer is re-checked on its own last open ports this
  // many rounds, then returned to the silent space (its /24 stays under watch).
  uint32_t silent_rechecks = 2;
  // Silent addresses in watched /24s are probed every round on the liveness ports.
  uint32_t watch_rounds = 3;                    // evidence of churn counts this long
  uint64_t max_liveness_addresses = 1u << 20;   // bound on listed liveness addresses
};

// What the controller learned that shapes a round beyond single hosts.
struct DiscoveryHints {
  // Ports that cover most responsive hosts (CoverPorts), used on watched silent
  // addresses; the first `bootstrap_ports` of them while no churn has been measured.
  std::vector<uint16_t> liveness_ports;
  size_t bootstrap_ports = 1;
  // Rounds this probe completed before this one; churn is measurable after 2.
  uint64_t completed_rounds = 0;
  int64_t probe_first_round = 0;  // the probe's first round (hosts found then are not "new")
};

// A host that answered in an earlier round.
struct KnownHost {
  Ipv4 ip = 0;
  std::vector<uint16_t> estimated_ports;  // union of estimated devices' ports; empty = unknown
  bool deviated = false;                  // last result deviated: back to the standard set
  std::vector<uint16_t> open_ports{};     // open ports of its latest observation
  std::vector<uint16_t> learned_ports{};  // its supported profile's frequent ports
  bool has_profile = false;               // learned_ports come from a supported profile
  bool fully_observed = false;            // it has had a full standard-set scan
  uint32_t silent_streak = 0;             // planned rounds in a row it did not answer
  int64_t first_round = 0, last_round = 0;  // first and latest round it answered
  int64_t full_round = 0;                   // round of its latest full observation
  int32_t profile = -1;                   // caller's index of its profile (savings)
};

// Why a listed host got its ports (the plan's per-class counts follow it).
enum class HostPlanKind { kNarrowed, kStandard, kRefresh, kRecheck, kLiveness };

struct ProfileSaving {
  uint64_t hosts = 0;  // hosts narrowed through the profile this round
  uint64_t saved = 0;  // attempts the standard set would have cost on top
};

struct ProbePlan {
  RangeSet sweep;                                   // silent addresses scanned with profile 0
  std::vector<std::vector<uint16_t>> profiles;      // profiles[0] = standard set
  std::vector<std::vector<Ipv4>> hosts_by_profile;  // sorted ascending, disjoint
  // Planned connection attempts by traffic class, and what scanning the whole scope
  // with the standard set would cost (the baseline of the reduction figure).
  uint64_t planned_narrowed = 0;   // known hosts on a narrowed set (recheck included)
  uint64_t planned_standard = 0;   // known hosts on the standard set (refresh included)
  uint64_t planned_discovery = 0;  // silent addresses: sweep slice and liveness probes
  uint64_t planned_refresh = 0;  // of planned_standard: known hosts on their refresh turn
  uint64_t planned_liveness = 0;  // of planned_discovery: watched silent addresses
  uint64_t standard_equivalent = 0;
  // What the standard set on every known host in scope would cost: the baseline of
  // responsive_reduction (planned_narrowed + planned_standard against it).
  uint64_t responsive_equivalent = 0;
  uint64_t watched_blocks = 0;  // /24s whose silent addresses got liveness probes
  // The port sets liveness probes used (their addresses are the hosts of the profiles
  // with these ports that are not known hosts).
  std::vector<std::vector<uint16_t>> liveness_port_sets;
  std::map<int32_t, ProfileSaving> savings;  // by KnownHost::profile
};

// How one known host is planned this round (pure; exposed for tests).
struct HostPlan {
  HostPlanKind kind = HostPlanKind::kStandard;
  std::vector<uint16_t> ports;  // empty: not listed (returned to the silent space)
};
HostPlan PlanHost(const PlannerConfig& config, const KnownHost& host, uint64_t round);

// True when `ip` has its refresh turn in `round` (every m rounds, rotating by address).
bool IsRefreshTurn(Ipv4 ip, uint64_t round, uint32_t refresh_slices);
// True when `host` is to get the standard set in `round` to look for drift.
bool RefreshDue(const KnownHost& host, uint64_t round, uint32_t refresh_slices);

// `scope`: what this probe may scan (region ∩ targets − exclusions).
// `hosts`: known hosts sorted by ip (those outside `scope` are ignored).
// `first_round`: the probe has no completed round yet, so all silent space is swept.
// `round`: the round number; it picks the discovery slice (round mod k).
// `hints`: learned liveness ports and the probe's history (defaults: none).
ProbePlan MakeProbePlan(const PlannerConfig& config, const RangeSet& scope,
                        std::span<const KnownHost> hosts, uint64_t round, bool first_round,
                        const DiscoveryHints& hints = {});

// The slice-th of `slices` contiguous parts of `set` by address index: part j holds
// the addresses with index in [j*N/k, (j+1)*N/k). The parts are disjoint and their
// union is `set`.
RangeSet SliceOf(const RangeSet& set, uint32_t slice, uint32_t slices);

// Jaccard distance 1 - |a∩b|/|a∪b| of two sorted unique lists (0 when both empty).
template <class T>
double JaccardDistance(const std::vector<T>& a, const std::vector<T>& b);

// Design §4 "result deviates": compares the open ports seen now with the previous
// open ports restricted to the ports scanned now (a narrowed scan cannot see the
// others). Deviation when a port open before and scanned now is closed, when a port
// closed before (scanned then, not open) is open now, when the banner signature
// changed, when the matched device ids are further apart than `max_distance`
// (Jaccard), or when the host answered before and has no open port now. A port open
// now that the previous scan did not look at (an entry's port outside the standard
// set, first scanned now) is news, not change.
struct Observation {
  std::vector<uint16_t> open_ports;  // sorted
  std::vector<std::string> devices;  // sorted
  std::string banner_key{};          // ProfileKeys::banner; empty = no banners
  std::vector<uint16_t> scanned{};   // sorted; ports that scan looked at (empty = unknown)
};
bool Deviates(const Observation& previous, const Observation& current,
              const std::vector<uint16_t>& scanned_now, double max_distance);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_PLANNER_H_

// Population: the concrete hosts of a PopulationSpec for one seed and scale — which
// profile sits at which 127.x address, with which ports open and which firmware.
//
// Placement is a pure function of (spec, seed, scale, ranges): the addresses of the
// ranges (without .0 and .255, as on real networks) are walked in a seeded
// TargetPermutation and handed out profile by profile, so the same inputs always give the
// same hosts and hosts of one profile are scattered over the space, not clustered.
// Addresses nobody gets are silent space. Hosts get ids 1..N in address order.
#ifndef NARROWSCAN_TESTS_TESTBED_POPULATION_H_
#define NARROWSCAN_TESTS_TESTBED_POPULATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "tests/testbed/population_spec.h"

namespace narrowscan::testbed {

struct Host {
  uint64_t id = 0;  // identity of the simulated device: kept by a move, new for an appear
  Ipv4 ip = 0;
  std::string ip_text;
  uint32_t profile = 0;              // index into PopulationSpec::profiles
  std::vector<uint16_t> open_ports;  // sorted
  std::string firmware;              // current firmware (changes move it on)
  uint32_t firmware_step = 0;        // how many firmware_updates were applied
  uint32_t revision = 0;             // number of changes applied to this host
  uint64_t entropy = 0;              // per-host seed for ${…} fields
  std::string mac;                   // "00:0d:02:1a:2b:3c"
};

struct Population {
  PopulationSpec spec;
  uint64_t seed = 0;
  std::vector<Ipv4Range> ranges;  // where hosts were placed (spec ranges or an override)
  std::vector<Host> hosts;        // in ascending ip order
  uint64_t changes_applied = 0;   // change rounds so far (seeds the next choice)
  uint64_t next_host_id = 1;      // the id the next appearing host gets

  // REQUIRES: hosts sorted. nullptr when no host has that address.
  Host* Find(Ipv4 ip);
  const PortSpec* Port(const Host& host, uint16_t port) const;
  const Profile& ProfileOf(const Host& host) const { return spec.profiles[host.profile]; }
};

struct PopulationOptions {
  uint64_t seed = 0;              // 0: the spec's seed
  double scale = 1.0;             // multiplies every count (a nonzero count stays >= 1)
  std::vector<Ipv4Range> ranges;  // empty: the spec's ranges
};

// A host of spec.profiles[profile] at `ip` as it starts: the ports declared open, the
// profile's firmware, per-host values (${etag}, ${mac}, …) from `entropy`; id 0.
Host NewHost(const PopulationSpec& spec, uint32_t profile, Ipv4 ip, uint64_t entropy);

// Errors when the ranges are too small for the hosts or scale is not positive.
Result<Population> BuildPopulation(PopulationSpec spec, const PopulationOptions& options);

// Firmware and port changes alter a host in place (this file); move, vanish and appear
// change who is where (churn.h).
enum class ChangeKind { kFirmware, kPortOpened, kPortClosed, kMove, kVanish, kAppear };
const char* ChangeKindName(ChangeKind kind);

struct HostChange {
  Ipv4 ip = 0;  // the host's address after the change (a vanished host: its last one)
  ChangeKind kind = ChangeKind::kFirmware;
  uint16_t port = 0;  // the port opened or closed
  std::string old_firmware, new_firmware;
  Ipv4 from = 0;         // kMove: the address the host left
  uint64_t host_id = 0;  // Host::id
  uint32_t profile = 0;  // Host::profile
};

// Picks `count` IoT hosts (never noise) that can change, deterministically from the
// seed and the number of change rounds so far, and applies one change to each: a new
// firmware (when the profile lists firmware_updates), a port of the profile opened
// (one declared with open = false) or an open port closed (never the last one).
// Returns what changed; fewer than `count` when fewer hosts can change.
std::vector<HostChange> ChangeHosts(Population* population, uint64_t count);
// Changes the given hosts (one change each); errors name an address that is not a host
// or a host that cannot change. Nothing is changed on error.
Result<std::vector<HostChange>> ChangeHostsAt(Population* population, const std::vector<Ipv4>& ips);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_POPULATION_H_

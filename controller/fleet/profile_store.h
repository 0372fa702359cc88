// ProfileStore: the learned port profiles in the controller's store (fleet_profiles).
//
// Learn() rebuilds every profile from the hosts' current state at a round's end: the
// profile keys of each host that has not been returned to the silent space, and its
// latest full standard-set observation (port_profile.h). Recomputing from the hosts
// instead of adding each round's results keeps the counts exact through re-estimates,
// moves and vanished hosts, at the cost of one pass over fleet_hosts. A profile keeps
// its id while its key exists, so `profiles show ID` stays meaningful across rounds.
// Load() reads them back for planning; RecordSavings() stores what each saved.
#ifndef NARROWSCAN_CONTROLLER_FLEET_PROFILE_STORE_H_
#define NARROWSCAN_CONTROLLER_FLEET_PROFILE_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/planner.h"
#include "controller/fleet/port_profile.h"

namespace narrowscan::fleet {

struct LearnedProfiles {
  ProfileBook book;
  std::unordered_map<std::string, int32_t> ids;  // key → fleet_profiles.id
};

struct ProfileRecord {
  int64_t id = 0;
  std::string key;
  ProfileSource source = ProfileSource::kPorts;
  ProfileStats stats;
  int64_t learned_round = 0, planned_round = 0;
  uint64_t planned_hosts = 0, saved_attempts = 0;
};

// Learns from every host whose silent streak is at most `max_silent_streak` (hosts
// beyond it are back in the silent space). Returns the number of profiles.
Result<uint64_t> LearnProfiles(FleetStore& store, int64_t round_id, uint32_t max_silent_streak);

Result<LearnedProfiles> LoadProfiles(FleetStore& store);

// Stores, for round `round_id`, the hosts each profile narrowed and the attempts saved.
Status RecordSavings(FleetStore& store, int64_t round_id,
                     const std::map<int32_t, ProfileSaving>& savings);

// For `narrowscan profiles`: all profiles (most hosts first), or one by id.
Result<std::vector<ProfileRecord>> ListProfiles(FleetStore& store);
Result<std::optional<ProfileRecord>> FindProfile(FleetStore& store, int64_t id);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_PROFILE_STORE_H_

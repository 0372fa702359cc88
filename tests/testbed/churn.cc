#include "tests/testbed/churn.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "common/range_set.h"
#include "tests/testbed/entropy.h"

namespace narrowscan::testbed {
namespace {

// Where hosts may go: the population's ranges minus .0/.255, the silent space and
// `taken` (addresses in use or left this round).
class FreeAddresses {
 public:
  FreeAddresses(const Population& population, std::unordered_set<Ipv4>* taken)
      : ranges_(population.ranges), silent_(population.spec.silent), taken_(taken) {}

  // A free address, looked for from a random offset of range entry `first`, then in the
  // following entries; nullopt when every range is full.
  std::optional<Ipv4> Take(size_t first, Entropy* rng) {
    for (size_t k = 0; k < ranges_.size(); ++k) {
      const Ipv4Range& r = ranges_[(first + k) % ranges_.size()];
      const uint64_t size = uint64_t{r.last} - r.first + 1;
      const uint64_t start = rng->Below(size);
      for (uint64_t i = 0; i < size; ++i) {
        const Ipv4 ip = static_cast<Ipv4>(r.first + (start + i) % size);
        if ((ip & 0xff) == 0 || (ip & 0xff) == 255) continue;
        if (taken_->count(ip) != 0 || silent_.Contains(ip)) continue;
        taken_->insert(ip);
        return ip;
      }
    }
    return std::nullopt;
  }

  // The range entry holding `ip` (0 when none does).
  size_t EntryOf(Ipv4 ip) const {
    for (size_t i = 0; i < ranges_.size(); ++i) {
      if (ranges_[i].first <= ip && ip <= ranges_[i].last) return i;
    }
    return 0;
  }

  // An entry drawn with probability proportional to its size.
  size_t RandomEntry(Entropy* rng) const {
    uint64_t total = 0;
    for (const Ipv4Range& r : ranges_) total += uint64_t{r.last} - r.first + 1;
    uint64_t pick = rng->Below(total);
    for (size_t i = 0; i < ranges_.size(); ++i) {
      const uint64_t size = uint64_t{ranges_[i].last} - ranges_[i].first + 1;
      if (pick < size) return i;
      pick -= size;
    }
    return 0;
  }

 private:
  const std::vector<Ipv4Range>& ranges_;
  RangeSet silent_;
  std::unordered_set<Ipv4>* taken_;
};

// A profile drawn with probability proportional to its count; nullopt when all are 0.
std::optional<uint32_t> DrawProfile(const PopulationSpec& spec, Entropy* rng) {
  uint64_t total = 0;
  for (const Profile& p : spec.profiles) total += p.count;
  if (total == 0) return std::nullopt;
  uint64_t pick = rng->Below(total);
  for (size_t i = 0; i < spec.profiles.size(); ++i) {
    if (pick < spec.profiles[i].count) return static_cast<uint32_t>(i);
    pick -= spec.profiles[i].count;
  }
  return std::nullopt;
}

HostChange Describe(const Host& host, ChangeKind kind) {
  HostChange c;
  c.ip = host.ip;
  c.kind = kind;
  c.host_id = host.id;
  c.profile = host.profile;
  c.old_firmware = c.new_firmware = host.firmware;
  return c;
}

}  // namespace

ChurnCounts ChurnCountsFor(const Population& population) {
  Entropy rng(Mix64(population.seed, 0xc4ac0000 + population.changes_applied));
  const double hosts = static_cast<double>(population.hosts.size());
  auto share = [&](double fraction) {
    const double x = fraction * hosts;
    auto whole = static_cast<uint64_t>(std::floor(x));
    constexpr uint64_t kSteps = uint64_t{1} << 30;
    if (static_cast<double>(rng.Below(kSteps)) < (x - std::floor(x)) * kSteps) ++whole;
    return whole;
  };
  const ChurnMix& mix = population.spec.churn;
  ChurnCounts counts;
  counts.changes = population.spec.change_count;
  counts.move = share(mix.move);
  counts.vanish = share(mix.vanish);
  counts.appear = share(mix.appear);
  return counts;
}

std::vector<HostChange> ApplyChurn(Population* population, const ChurnCounts& counts) {
  const uint64_t round = population->changes_applied;
  std::vector<HostChange> changes;
  if (counts.changes > 0) changes = ChangeHosts(population, counts.changes);
  population->changes_applied = round + 1;
  Entropy rng(Mix64(population->seed, 0xc4ab0000 + round));

  std::unordered_set<uint64_t> touched;
  for (const HostChange& c : changes) touched.insert(c.host_id);
  std::unordered_set<Ipv4> taken;
  for (const Host& h : population->hosts) taken.insert(h.ip);
  FreeAddresses free(*population, &taken);

  std::vector<size_t> candidates;
  for (size_t i = 0; i < population->hosts.size(); ++i) {
    if (touched.count(population->hosts[i].id) == 0) candidates.push_back(i);
  }
  const uint64_t vanish = std::min<uint64_t>(counts.vanish, candidates.size());
  const uint64_t move = std::min<uint64_t>(counts.move, candidates.size() - vanish);
  for (uint64_t k = 0; k < vanish + move; ++k) {  // partial Fisher-Yates: distinct picks
    std::swap(candidates[k], candidates[k + rng.Below(candidates.size() - k)]);
  }
  std::vector<bool> gone(population->hosts.size(), false);
  for (uint64_t k = 0; k < vanish; ++k) {
    changes.push_back(Describe(population->hosts[candidates[k]], ChangeKind::kVanish));
    gone[candidates[k]] = true;
  }
  for (uint64_t k = vanish; k < vanish + move; ++k) {
    Host& host = population->hosts[candidates[k]];
    std::optional<Ipv4> to = free.Take(free.EntryOf(host.ip), &rng);
    if (!to) break;  // every range is full
    HostChange c = Describe(host, ChangeKind::kMove);
    c.from = host.ip;
    c.ip = *to;
    host.ip = *to;
    host.ip_text = FormatIpv4(*to);
    ++host.revision;
    changes.push_back(std::move(c));
  }
  if (vanish > 0) {
    std::vector<Host> kept;
    kept.reserve(population->hosts.size() - vanish);
    for (size_t i = 0; i < population->hosts.size(); ++i) {
      if (!gone[i]) kept.push_back(std::move(population->hosts[i]));
    }
    population->hosts = std::move(kept);
  }
  for (uint64_t k = 0; k < counts.appear; ++k) {
    std::optional<uint32_t> profile = DrawProfile(population->spec, &rng);
    if (!profile) break;
    std::optional<Ipv4> ip = free.Take(free.RandomEntry(&rng), &rng);
    if (!ip) break;
    const uint64_t id = population->next_host_id++;
    Host host = NewHost(population->spec, *profile, *ip, Mix64(population->seed, 0xa99ea400 ^ id));
    host.id = id;
    changes.push_back(Describe(host, ChangeKind::kAppear));
    population->hosts.push_back(std::move(host));
  }
  std::sort(population->hosts.begin(), population->hosts.end(),
            [](const Host& x, const Host& y) { return x.ip < y.ip; });
  std::stable_sort(changes.begin(), changes.end(),
                   [](const HostChange& x, const HostChange& y) { return x.ip < y.ip; });
  return changes;
}

std::vector<HostChange> ChurnRound(Population* population) {
  return ApplyChurn(population, ChurnCountsFor(*population));
}

}  // namespace narrowscan::testbed

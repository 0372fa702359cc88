#include "tests/testbed/population.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/range_set.h"
#include "common/target_permutation.h"
#include "tests/testbed/entropy.h"

namespace narrowscan::testbed {
namespace {

std::string MakeMac(const std::string& oui, uint64_t entropy) {
  std::string mac;
  int bytes = 6;
  if (!oui.empty()) {
    for (char c : oui)
      mac.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    bytes = 3;
  } else {
    mac = "02";  // locally administered
    bytes = 5;
  }
  for (int i = 0; i < bytes; ++i) {
    fmt::format_to(std::back_inserter(mac), ":{:02x}", (entropy >> (8 * i)) & 0xff);
  }
  return mac;
}

std::vector<ChangeKind> PossibleChanges(const Population& population, const Host& host) {
  const Profile& profile = population.ProfileOf(host);
  std::vector<ChangeKind> kinds;
  if (profile.noise) return kinds;
  if (host.firmware_step < profile.firmware_updates.size()) kinds.push_back(ChangeKind::kFirmware);
  if (host.open_ports.size() < profile.ports.size()) kinds.push_back(ChangeKind::kPortOpened);
  if (host.open_ports.size() > 1) kinds.push_back(ChangeKind::kPortClosed);
  return kinds;
}

HostChange ApplyChange(Population* population, Host* host, Entropy* rng) {
  const Profile& profile = population->ProfileOf(*host);
  std::vector<ChangeKind> kinds = PossibleChanges(*population, *host);
  HostChange change;
  change.ip = host->ip;
  change.host_id = host->id;
  change.profile = host->profile;
  change.kind = kinds[rng->Below(kinds.size())];
  change.old_firmware = host->firmware;
  switch (change.kind) {
    case ChangeKind::kFirmware:
      host->firmware = profile.firmware_updates[host->firmware_step++];
      break;
    case ChangeKind::kPortOpened: {
      std::vector<uint16_t> closed;
      for (const PortSpec& p : profile.ports) {
        if (!std::binary_search(host->open_ports.begin(), host->open_ports.end(), p.port)) {
          closed.push_back(p.port);
        }
      }
      change.port = closed[rng->Below(closed.size())];
      host->open_ports.insert(
          std::lower_bound(host->open_ports.begin(), host->open_ports.end(), change.port),
          change.port);
      break;
    }
    case ChangeKind::kMove:
    case ChangeKind::kVanish:
    case ChangeKind::kAppear:
      break;  // never among PossibleChanges (churn.cc)
    case ChangeKind::kPortClosed: {
      size_t i = rng->Below(host->open_ports.size());
      change.port = host->open_ports[i];
      host->open_ports.erase(host->open_ports.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  }
  change.new_firmware = host->firmware;
  ++host->revision;
  return change;
}

}  // namespace

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kFirmware:
      return "firmware";
    case ChangeKind::kPortOpened:
      return "port-opened";
    case ChangeKind::kPortClosed:
      return "port-closed";
    case ChangeKind::kMove:
      return "move";
    case ChangeKind::kVanish:
      return "vanish";
    case ChangeKind::kAppear:
      return "appear";
  }
  return "?";
}

Host* Population::Find(Ipv4 ip) {
  auto it = std::lower_bound(hosts.begin(), hosts.end(), ip,
                             [](const Host& h, Ipv4 a) { return h.ip < a; });
  return it != hosts.end() && it->ip == ip ? &*it : nullptr;
}

const PortSpec* Population::Port(const Host& host, uint16_t port) const {
  const std::vector<PortSpec>& ports = ProfileOf(host).ports;
  auto it = std::lower_bound(ports.begin(), ports.end(), port,
                             [](const PortSpec& p, uint16_t n) { return p.port < n; });
  return it != ports.end() && it->port == port ? &*it : nullptr;
}

Host NewHost(const PopulationSpec& spec, uint32_t profile_index, Ipv4 ip, uint64_t entropy) {
  const Profile& profile = spec.profiles[profile_index];
  Host host;
  host.ip = ip;
  host.ip_text = FormatIpv4(ip);
  host.profile = profile_index;
  for (const PortSpec& port : profile.ports) {
    if (port.open) host.open_ports.push_back(port.port);
  }
  host.firmware = profile.label.firmware;
  host.entropy = entropy;
  host.mac = MakeMac(profile.oui, Mix64(host.entropy, 0x3ac));
  return host;
}

Result<Population> BuildPopulation(PopulationSpec spec, const PopulationOptions& options) {
  if (!(options.scale > 0) || !std::isfinite(options.scale)) {
    return Error{fmt::format("scale {} must be a positive number", options.scale)};
  }
  Population population;
  population.seed = options.seed != 0 ? options.seed : spec.seed;
  population.ranges = options.ranges.empty() ? spec.ranges : options.ranges;
  for (const Ipv4Range& r : population.ranges) {
    if ((r.first >> 24) != 127 || (r.last >> 24) != 127) {
      return Error{fmt::format("range {} is not inside 127.0.0.0/8", FormatIpv4Range(r))};
    }
  }
  const RangeSet pool(population.ranges);
  const uint64_t n = pool.Size();

  std::vector<uint64_t> counts;
  uint64_t total = 0;
  for (const Profile& p : spec.profiles) {
    uint64_t c = p.count == 0 ? 0 : std::max<uint64_t>(1, std::llround(p.count * options.scale));
    counts.push_back(c);
    total += c;
  }
  // .0 and .255 are skipped, so a range holds at most 254/256 of its size.
  if (total > n / 256 * 254 + n % 256) {
    return Error{fmt::format("{}: {} hosts do not fit into {} addresses of the ranges", spec.source,
                             total, n)};
  }
  // The project's seeded cyclic-group permutation (as zmap orders targets) scatters
  // each profile's hosts over the whole space.
  TargetPermutation order(std::max<uint64_t>(n, 1), population.seed);
  population.hosts.reserve(total);
  for (size_t p = 0; p < spec.profiles.size(); ++p) {
    for (uint64_t k = 0; k < counts[p]; ++k) {
      Ipv4 ip = 0;
      do {
        std::optional<uint64_t> index = order.Next();
        if (!index)
          return Error{fmt::format("{}: ranges too small for {} hosts", spec.source, total)};
        ip = pool.At(*index);
      } while ((ip & 0xff) == 0 || (ip & 0xff) == 255);
      population.hosts.push_back(
          NewHost(spec, static_cast<uint32_t>(p), ip, Mix64(population.seed, ip)));
    }
  }
  std::sort(population.hosts.begin(), population.hosts.end(),
            [](const Host& x, const Host& y) { return x.ip < y.ip; });
  for (Host& host : population.hosts) host.id = population.next_host_id++;
  population.spec = std::move(spec);
  return population;
}

std::vector<HostChange> ChangeHosts(Population* population, uint64_t count) {
  Entropy rng(Mix64(population->seed, 0xc4a9e000 + population->changes_applied));
  ++population->changes_applied;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < population->hosts.size(); ++i) {
    if (!PossibleChanges(*population, population->hosts[i]).empty()) candidates.push_back(i);
  }
  count = std::min<uint64_t>(count, candidates.size());
  std::vector<HostChange> changes;
  for (uint64_t k = 0; k < count; ++k) {  // partial Fisher-Yates: k distinct picks
    std::swap(candidates[k], candidates[k + rng.Below(candidates.size() - k)]);
    changes.push_back(ApplyChange(population, &population->hosts[candidates[k]], &rng));
  }
  std::sort(changes.begin(), changes.end(),
            [](const HostChange& x, const HostChange& y) { return x.ip < y.ip; });
  return changes;
}

Result<std::vector<HostChange>> ChangeHostsAt(Population* population,
                                              const std::vector<Ipv4>& ips) {
  for (Ipv4 ip : ips) {
    Host* host = population->Find(ip);
    if (host == nullptr)
      return Error{fmt::format("{} is not a host of the population", FormatIpv4(ip))};
    if (PossibleChanges(*population, *host).empty()) {
      return Error{
          fmt::format("{} ({}) cannot change", FormatIpv4(ip), population->ProfileOf(*host).id)};
    }
  }
  Entropy rng(Mix64(population->seed, 0xc4a9f000 + population->changes_applied));
  ++population->changes_applied;
  std::vector<HostChange> changes;
  for (Ipv4 ip : ips) changes.push_back(ApplyChange(population, population->Find(ip), &rng));
  return changes;
}

}  // namespace narrowscan::testbed

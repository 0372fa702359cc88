// Port profiles: groups of hosts that should expose the same ports, learned from every
// round (design §4 "Learned port profiles"). Pure: no I/O.
//
// A host belongs to up to three profiles, most specific first:
//   entry   the device entries it matched (any DB layer, with or without port sets);
//   banner  its banner signature: its banners normalised with the curation normaliser
//           (dates, ETags, lengths, cookies, nonces, versions masked), so hosts of one
//           uncatalogued family with the same pages share a profile with no entry;
//   ports   its open-port signature, for hosts that answer but say nothing (and as the
//           fallback of a host whose more specific profiles are too small).
// A ProfileBook counts, per profile, its hosts and — over the hosts seen in a full
// standard-set scan (the support) — how often each port was open. Only full scans
// count towards frequencies: a narrowed scan sees only the ports it was given, so
// counting it would make a profile confirm itself.
#ifndef NARROWSCAN_CONTROLLER_FLEET_PORT_PROFILE_H_
#define NARROWSCAN_CONTROLLER_FLEET_PORT_PROFILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "controller/estimation/host.h"

namespace narrowscan {
class BannerNormalizer;
}

namespace narrowscan::fleet {

enum class ProfileSource { kEntry, kBanner, kPorts };
std::string_view ProfileSourceName(ProfileSource source);

// The profile keys of one host; an empty key means "no such profile". Keys are stable
// across versions (they are stored): "entry:<ids>", "banner:<16 hex>", "ports:<list>".
struct ProfileKeys {
  std::string entry, banner, port;
  friend bool operator==(const ProfileKeys&, const ProfileKeys&) = default;
};

// Remembers the signature part of raw banners seen before: byte-identical banners are
// common in a scan (greetings without dates, pages without cookies), and normalising
// is the costly step. Bounded: it forgets everything when full.
class SignatureMemo {
 public:
  explicit SignatureMemo(size_t max_entries = 1u << 18) : max_(max_entries) {}
  // The part hash of the banner with raw hash `raw`, computing it with `make` on a miss.
  template <class F>
  uint64_t Get(uint64_t raw, F&& make) {
    if (auto it = parts_.find(raw); it != parts_.end()) return it->second;
    if (parts_.size() >= max_) parts_.clear();
    return parts_.emplace(raw, make()).first->second;
  }

 private:
  size_t max_;
  std::unordered_map<uint64_t, uint64_t> parts_;
};

// `device_ids`: the matched entries, sorted and unique. `open_ports`: sorted, unique.
// The banner signature hashes the set of distinct normalised banners — an HTTP or
// RTSP reply whole, a server-first greeting by its first line (Telnet negotiation
// removed), without the port, so a family whose page also answers on an optional port
// keeps one signature; banners that normalise to nothing do not count.
ProfileKeys MakeProfileKeys(const std::vector<std::string>& device_ids,
                            const std::vector<uint16_t>& open_ports,
                            const std::vector<BannerRecord>& banners,
                            const BannerNormalizer& normalizer, SignatureMemo* memo = nullptr);

// The keys of a host as the store holds it: `devices` ("a,b", sorted), `open_ports`
// (FormatPortList) and the banner key MakeProfileKeys made. The same keys MakeProfileKeys
// gives for the same host.
ProfileKeys ProfileKeysOf(std::string_view devices, std::string_view open_ports,
                          std::string banner_key);

// The source a key belongs to (by its prefix).
ProfileSource SourceOfKey(std::string_view key);

struct ProfileRules {
  uint32_t min_support = 5;  // fully scanned hosts a profile needs before it narrows
  double min_share = 0.1;    // a port is planned when open on at least this share
};

struct ProfileStats {
  uint64_t hosts = 0;    // hosts with this key
  uint64_t support = 0;  // of them, hosts with a full standard-set observation
  std::vector<std::pair<uint16_t, uint64_t>> port_counts;  // port → hosts open; ascending
  uint32_t sample_ip = 0;                                  // one member, for display
};

// Accumulates hosts into profiles; then answers which learned port set a host gets.
class ProfileBook {
 public:
  // `full_open_ports`: the host's open ports in its latest full standard-set scan, or
  // nullptr when it has none. REQUIRES: Finish() not called yet.
  void Add(const ProfileKeys& keys, const std::vector<uint16_t>* full_open_ports,
           uint32_t ip = 0);
  // Sorts each profile's port counts. Call once, after the last Add().
  void Finish();
  // Puts a profile learned earlier (read back from the store); replaces one of that key.
  void Put(std::string key, ProfileStats stats);

  // The most specific of the host's profiles with at least rules.min_support, and the
  // ports open on at least rules.min_share of its support; nullptr/empty when none.
  struct Choice {
    const std::string* key = nullptr;
    std::vector<uint16_t> ports;
  };
  Choice Choose(const ProfileKeys& keys, const ProfileRules& rules) const;

  const std::unordered_map<std::string, ProfileStats>& profiles() const { return profiles_; }

 private:
  void AddTo(const std::string& key, const std::vector<uint16_t>* full, uint32_t ip);
  std::unordered_map<std::string, ProfileStats> profiles_;
  // Per profile while adding: port → count, folded into ProfileStats by Finish().
  std::unordered_map<std::string, std::unordered_map<uint16_t, uint64_t>> counting_;
};

// Ports open on at least `min_share` of `stats.support` hosts (ascending).
std::vector<uint16_t> FrequentPorts(const ProfileStats& stats, double min_share);

// Up to `max_ports` ports of `candidates` (the standard set) that cover the most hosts:
// greedy set cover over open-port sets weighted by how many hosts have each set (the
// "ports:" profiles). Used to probe silent addresses cheaply for hosts that arrive
// between full sweeps. In the order chosen (each covers the most hosts the earlier ones
// did not); empty when no host has a candidate port open.
std::vector<uint16_t> CoverPorts(
    const std::vector<std::pair<std::vector<uint16_t>, uint64_t>>& weighted_port_sets,
    const std::vector<uint16_t>& candidates, size_t max_ports);

// The open-port set a "ports:" key names (empty for other keys or a malformed one).
std::vector<uint16_t> PortsOfPortKey(std::string_view key);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_PORT_PROFILE_H_

#include "controller/fleet/port_profile.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/port_list.h"
#include "controller/curate/banner_normalizer.h"
#include "controller/estimation/banner_fields.h"

namespace narrowscan::fleet {

namespace {

constexpr std::string_view kEntryPrefix = "entry:";
constexpr std::string_view kBannerPrefix = "banner:";
constexpr std::string_view kPortsPrefix = "ports:";

// FNV-1a, 64 bits: stable across platforms and versions, which a stored key needs.
uint64_t Fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// What of one banner goes into the signature. A client-first reply (HTTP, RTSP) is
// distinctive as a whole: status, headers and page. A server-first greeting is the
// first line the server sends; what follows depends on how the grab went (a greeting
// that arrived after the probe had already spoken HTTP carries the server's error
// replies too), so it would make one host's signature change from round to round.
std::string SignaturePart(const BannerRecord& b, const BannerNormalizer& normalizer) {
  const std::string text = b.banner.find('\xff') == std::string::npos
                               ? std::string()
                               : StripTelnetIac(b.banner);
  std::string_view rest = text.empty() ? std::string_view(b.banner) : std::string_view(text);
  if (rest.starts_with("HTTP/") || rest.starts_with("RTSP/")) return normalizer.Normalize(rest);
  // The first non-blank line, normalised on its own (cheaper than the whole greeting).
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) return normalizer.Normalize(line);
  }
  return {};
}

}  // namespace

std::string_view ProfileSourceName(ProfileSource source) {
  switch (source) {
    case ProfileSource::kEntry:
      return "entry";
    case ProfileSource::kBanner:
      return "banner";
    case ProfileSource::kPorts:
      return "ports";
  }
  return "ports";
}

ProfileSource SourceOfKey(std::string_view key) {
  if (key.starts_with(kEntryPrefix)) return ProfileSource::kEntry;
  if (key.starts_with(kBannerPrefix)) return ProfileSource::kBanner;
  return ProfileSource::kPorts;
}

ProfileKeys MakeProfileKeys(const std::vector<std::string>& device_ids,
                            const std::vector<uint16_t>& open_ports,
                            const std::vector<BannerRecord>& banners,
                            const BannerNormalizer& normalizer, SignatureMemo* memo) {
  ProfileKeys keys;
  if (!device_ids.empty()) {
    keys.entry = kEntryPrefix;
    for (size_t i = 0; i < device_ids.size(); ++i)
      keys.entry += (i ? "," : "") + device_ids[i];
  }
  // Hashes of the distinct parts (0 = a banner that normalises to nothing).
  constexpr uint64_t kBasis = 0xcbf29ce484222325ULL;
  std::vector<uint64_t> parts;
  for (const BannerRecord& b : banners) {
    if (b.banner.empty()) continue;
    auto part = [&] {
      const std::string text = SignaturePart(b, normalizer);
      return text.empty() ? uint64_t{0} : (Fnv1a(kBasis, text) | 1);
    };
    const uint64_t h = memo ? memo->Get(Fnv1a(kBasis, b.banner), part) : part();
    if (h != 0) parts.push_back(h);
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  if (!parts.empty()) {
    uint64_t h = kBasis;
    // Each part as 8 bytes, most significant first: the same key on every platform.
    for (uint64_t p : parts) {
      char bytes[8];
      for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(p >> (56 - 8 * i));
      h = Fnv1a(h, std::string_view(bytes, sizeof bytes));
    }
    keys.banner = fmt::format("{}{:016x}", kBannerPrefix, h);
  }
  if (!open_ports.empty()) keys.port = std::string(kPortsPrefix) + FormatPortList(open_ports);
  return keys;
}

ProfileKeys ProfileKeysOf(std::string_view devices, std::string_view open_ports,
                          std::string banner_key) {
  ProfileKeys keys;
  if (!devices.empty()) keys.entry = std::string(kEntryPrefix).append(devices);
  keys.banner = std::move(banner_key);
  if (!open_ports.empty()) keys.port = std::string(kPortsPrefix).append(open_ports);
  return keys;
}

std::vector<uint16_t> PortsOfPortKey(std::string_view key) {
  if (!key.starts_with(kPortsPrefix)) return {};
  return StoredPortList(key.substr(kPortsPrefix.size()));
}

void ProfileBook::AddTo(const std::string& key, const std::vector<uint16_t>* full, uint32_t ip) {
  if (key.empty()) return;
  ProfileStats& s = profiles_[key];
  if (s.hosts++ == 0) s.sample_ip = ip;
  if (!full) return;
  ++s.support;
  auto& counts = counting_[key];
  for (uint16_t p : *full) ++counts[p];
}

void ProfileBook::Add(const ProfileKeys& keys, const std::vector<uint16_t>* full_open_ports,
                      uint32_t ip) {
  AddTo(keys.entry, full_open_ports, ip);
  AddTo(keys.banner, full_open_ports, ip);
  AddTo(keys.port, full_open_ports, ip);
}

void ProfileBook::Finish() {
  for (auto& [key, counts] : counting_) {
    ProfileStats& s = profiles_[key];
    s.port_counts.assign(counts.begin(), counts.end());
    std::sort(s.port_counts.begin(), s.port_counts.end());
  }
  counting_.clear();
}

void ProfileBook::Put(std::string key, ProfileStats stats) {
  profiles_[std::move(key)] = std::move(stats);
}

std::vector<uint16_t> FrequentPorts(const ProfileStats& stats, double min_share) {
  std::vector<uint16_t> out;
  if (stats.support == 0) return out;
  for (const auto& [port, n] : stats.port_counts)
    if (static_cast<double>(n) >= min_share * static_cast<double>(stats.support))
      out.push_back(port);
  return out;
}

ProfileBook::Choice ProfileBook::Choose(const ProfileKeys& keys, const ProfileRules& rules) const {
  for (const std::string* key : {&keys.entry, &keys.banner, &keys.port}) {
    if (key->empty()) continue;
    auto it = profiles_.find(*key);
    if (it == profiles_.end() || it->second.support < std::max<uint32_t>(1, rules.min_support))
      continue;
    return Choice{&it->first, FrequentPorts(it->second, rules.min_share)};
  }
  return Choice{};
}

std::vector<uint16_t> CoverPorts(
    const std::vector<std::pair<std::vector<uint16_t>, uint64_t>>& weighted_port_sets,
    const std::vector<uint16_t>& candidates, size_t max_ports) {
  std::vector<uint16_t> chosen;
  std::vector<bool> covered(weighted_port_sets.size(), false);
  while (chosen.size() < max_ports) {
    uint64_t best_gain = 0;
    uint16_t best = 0;
    for (uint16_t c : candidates) {
      if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) continue;
      uint64_t gain = 0;
      for (size_t i = 0; i < weighted_port_sets.size(); ++i) {
        if (covered[i]) continue;
        const auto& ports = weighted_port_sets[i].first;
        if (std::binary_search(ports.begin(), ports.end(), c)) gain += weighted_port_sets[i].second;
      }
      // Ties go to the lower port, so the choice does not depend on input order.
      if (gain > best_gain) best_gain = gain, best = c;
    }
    if (best_gain == 0) break;
    chosen.push_back(best);
    for (size_t i = 0; i < weighted_port_sets.size(); ++i) {
      const auto& ports = weighted_port_sets[i].first;
      if (std::binary_search(ports.begin(), ports.end(), best)) covered[i] = true;
    }
  }
  return chosen;
}

}  // namespace narrowscan::fleet

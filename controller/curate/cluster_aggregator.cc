#include "controller/curate/cluster_aggregator.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace narrowscan {

namespace {

void Fnv1a(uint64_t* h, std::string_view s) {
  for (unsigned char c : s) {
    *h ^= c;
    *h *= 0x100000001b3ULL;
  }
  // A separator after each part keeps ("ab","c") and ("a","bc") apart.
  *h ^= 0xff;
  *h *= 0x100000001b3ULL;
}

template <class T>
void SortUnique(std::vector<T>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

uint64_t ClusterKeyOf(const NormalizedBanner& b) {
  uint64_t h = 0xcbf29ce484222325ULL;
  Fnv1a(&h, b.service);
  Fnv1a(&h, b.banner);
  Fnv1a(&h, b.tls_subject);
  Fnv1a(&h, b.tls_issuer);
  return h;
}

std::string FormatClusterKey(uint64_t key) { return fmt::format("{:016x}", key); }

Result<uint64_t> ParseClusterKey(std::string_view text) {
  uint64_t key = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), key, 16);
  if (text.size() != 16 || ec != std::errc() || p != text.data() + text.size())
    return Error{fmt::format("bad cluster id '{}': expected 16 hex digits", text)};
  return key;
}

void ClusterAggregator::Add(NormalizedBanner banner, Ipv4 ip, uint16_t port, int64_t seen,
                            int64_t banner_id) {
  uint64_t key = ClusterKeyOf(banner);
  // Different content with the same 64-bit key is astronomically rare; probing the
  // next keys keeps such clusters apart instead of merging them.
  for (;;) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      index_.emplace(key, clusters_.size());
      Cluster c;
      c.key = key;
      c.content = std::move(banner);
      c.first_seen = c.last_seen = seen;
      c.sample_banner_id = banner_id;
      clusters_.push_back(std::move(c));
      break;
    }
    if (clusters_[it->second].content == banner) break;
    ++key;
  }
  Cluster& c = clusters_[index_[key]];
  ++c.banner_count;
  c.ips.push_back(ip);
  if (c.ports.empty() || c.ports.back() != port) c.ports.push_back(port);
  c.first_seen = std::min(c.first_seen, seen);
  c.last_seen = std::max(c.last_seen, seen);
  c.banner_ids.push_back(banner_id);
}

std::vector<Cluster> ClusterAggregator::Finish() {
  for (Cluster& c : clusters_) {
    SortUnique(&c.ips);
    SortUnique(&c.ports);
  }
  std::vector<Cluster> out = std::move(clusters_);
  clusters_.clear();
  index_.clear();
  std::sort(out.begin(), out.end(), [](const Cluster& a, const Cluster& b) {
    return a.banner_count != b.banner_count ? a.banner_count > b.banner_count : a.key < b.key;
  });
  return out;
}

}  // namespace narrowscan

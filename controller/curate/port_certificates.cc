#include "controller/curate/port_certificates.h"

namespace narrowscan {

void PortCertificates::Add(Ipv4 ip, uint16_t port, std::string_view subject,
                           std::string_view issuer) {
  if (subject.empty() && issuer.empty()) return;
  const uint64_t key = Key(ip, port);
  if (by_port_.count(key) != 0) return;
  // The subject's length first, so that no two pairs join to the same key.
  std::string joined = std::to_string(subject.size());
  joined.append(":").append(subject).append(issuer);
  auto [it, added] =
      name_index_.try_emplace(std::move(joined), static_cast<uint32_t>(names_.size()));
  if (added) names_.push_back({std::string(subject), std::string(issuer)});
  by_port_.emplace(key, it->second);
}

const X509Names* PortCertificates::Find(Ipv4 ip, uint16_t port) const {
  auto it = by_port_.find(Key(ip, port));
  return it == by_port_.end() ? nullptr : &names_[it->second];
}

}  // namespace narrowscan

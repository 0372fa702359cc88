// PortCertificates: the certificate names each (ip, port) of a dataset presented, so
// that the filter judges a banner together with the certificate of the connection it
// came from, whatever the scan format.
//
// The hosts JSONL puts a port's banner and its certificate names in one record. masscan
// writes one record per item of a connection instead ("http", "title", "ssl", and the
// certificate as "X509"), so only the X509 record carries the names, and without this
// the "ssl" and "http" records of a hosting server could not be told apart by a
// certificate rule.
//
// Keeps the first names given for an (ip, port) (a dataset of several scans may see a
// certificate change; the first is as good a judge as any); empty names are ignored.
// Distinct name pairs are stored once: a national scan has millions of TLS ports but
// few distinct certificates names.
#ifndef NARROWSCAN_CONTROLLER_CURATE_PORT_CERTIFICATES_H_
#define NARROWSCAN_CONTROLLER_CURATE_PORT_CERTIFICATES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ipv4.h"
#include "common/x509_name.h"

namespace narrowscan {

class PortCertificates {
 public:
  void Add(Ipv4 ip, uint16_t port, std::string_view subject, std::string_view issuer);
  // The names (ip, port) presented, or nullptr when none were added.
  const X509Names* Find(Ipv4 ip, uint16_t port) const;
  size_t ports() const { return by_port_.size(); }

 private:
  static uint64_t Key(Ipv4 ip, uint16_t port) { return uint64_t{ip} << 16 | port; }

  std::unordered_map<uint64_t, uint32_t> by_port_;        // → index into names_
  std::unordered_map<std::string, uint32_t> name_index_;  // joined pair → index
  std::vector<X509Names> names_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_PORT_CERTIFICATES_H_

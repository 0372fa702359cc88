// What the estimator looks at for one IP: its open ports and the banners grabbed from
// them (hosts JSONL of design §7).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_HOST_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_HOST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace narrowscan {

struct BannerRecord {
  uint16_t port = 0;    // 0 when unknown
  std::string service;  // what the grabber spoke or saw (http, tls, ssh, …); may be empty
  std::string banner;   // raw bytes as grabbed, any encoding
  // When set, `banner` is not a raw banner but the value of this one field (e.g.
  // "ssh.banner") as extracted by someone else; no extraction is done.
  std::string field;
  std::optional<std::string> tls_subject;  // RFC 4514
  std::optional<std::string> tls_issuer;
};

struct Host {
  std::string ip;
  std::vector<uint16_t> open_ports;  // any order, duplicates allowed
  std::vector<BannerRecord> banners;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_HOST_H_

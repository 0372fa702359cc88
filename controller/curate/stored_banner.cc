#include "controller/curate/stored_banner.h"

#include <utility>

namespace narrowscan {

BannerRecord StoredBannerRecord(uint16_t port, std::string service, std::string banner,
                                std::string tls_subject, std::string tls_issuer) {
  BannerRecord r;
  r.port = port;
  r.service = std::move(service);
  r.banner = std::move(banner);
  if (!tls_subject.empty()) r.tls_subject = std::move(tls_subject);
  if (!tls_issuer.empty()) r.tls_issuer = std::move(tls_issuer);
  return r;
}

}  // namespace narrowscan

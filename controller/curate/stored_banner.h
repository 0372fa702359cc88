// The estimator's BannerRecord from the form curate stores a banner in, where the
// certificate names are plain strings and an empty one means the record had none
// (BannerRecord says that with an unset optional).
#ifndef NARROWSCAN_CONTROLLER_CURATE_STORED_BANNER_H_
#define NARROWSCAN_CONTROLLER_CURATE_STORED_BANNER_H_

#include <cstdint>
#include <string>

#include "controller/estimation/host.h"

namespace narrowscan {

BannerRecord StoredBannerRecord(uint16_t port, std::string service, std::string banner,
                                std::string tls_subject, std::string tls_issuer);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_STORED_BANNER_H_

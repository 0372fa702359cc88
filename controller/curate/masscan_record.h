// What masscan's output formats have in common: its service names and the X509
// records, whose banner is a base64 DER certificate turned here into certificate names.
#ifndef NARROWSCAN_CONTROLLER_CURATE_MASSCAN_RECORD_H_
#define NARROWSCAN_CONTROLLER_CURATE_MASSCAN_RECORD_H_

#include <string_view>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

// Builds the banner record for masscan service `name` ("http", "title", "ssl", "X509",
// "ssh", …; stored lower-case) and its unescaped banner bytes. An X509 record becomes
// service "tls" with tls_subject/tls_issuer and an empty banner.
Status FillMasscanBanner(std::string_view name, std::string banner, ScanRecord* record);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_MASSCAN_RECORD_H_

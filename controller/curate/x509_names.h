// Subject and issuer of a DER certificate as RFC 4514 strings ("CN=…,O=…,C=JP",
// most specific first, special characters escaped): the form the hosts JSONL and
// the device DB's tls.* fields use. masscan's X509 records carry such certificates.
#ifndef NARROWSCAN_CONTROLLER_CURATE_X509_NAMES_H_
#define NARROWSCAN_CONTROLLER_CURATE_X509_NAMES_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

struct X509Names {
  std::string subject;
  std::string issuer;
};

// Errors carry mbedTLS's reason.
Result<X509Names> ReadX509Names(std::string_view der);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_X509_NAMES_H_

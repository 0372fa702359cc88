#include "controller/curate/masscan_record.h"

#include <fmt/format.h>

#include <cctype>

#include "common/base64.h"
#include "common/x509_name.h"

namespace narrowscan {

Status FillMasscanBanner(std::string_view name, std::string banner, ScanRecord* r) {
  if (name.empty()) return Error{"empty service name"};
  r->service.assign(name);
  for (char& c : r->service) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r->has_banner = true;
  if (r->service != "x509") {
    r->banner = std::move(banner);
    return Status::Ok();
  }
  auto der = Base64Decode(banner);
  if (!der.ok()) return Error{fmt::format("X509 record: {}", der.error())};
  auto names = ReadX509Names(*der);
  if (!names.ok()) return Error{fmt::format("X509 record: {}", names.error())};
  r->service = "tls";
  r->tls_subject = std::move(names->subject);
  r->tls_issuer = std::move(names->issuer);
  return Status::Ok();
}

}  // namespace narrowscan

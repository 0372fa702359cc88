// ResponseTemplate: a device's reply text with `${name}` fields that are filled in
// per host and per request, so identical devices do not answer byte-identically
// (the variation the DB curation must normalise away, paper §4).
//
// Syntax: literal text; `$$` is a literal `$`; `${name}` or `${name:arg}` is a field:
//   per request : date, expires (date + 1 day), rfc2822_date, session (32 hex),
//                 nonce (32 hex), hex:N (N random hex digits), cseq (from an RTSP
//                 request, "1" otherwise), content_length (bytes of the rendered body)
//   per host    : last_modified, etag, host_hex:N, host_hex_upper:N, serial:N (N decimal
//                 digits), mac,
//                 ip, firmware, vendor, product, model
//   raw bytes   : bytes:HEX (e.g. `${bytes:FFFB01}` for Telnet IAC WILL ECHO)
// Per-host values are a pure function of (population seed, ip, field), the same on
// every port of the host, so a host answers the same way every time while its twins
// differ. Per-request values
// come from RenderContext::request_entropy.
#ifndef NARROWSCAN_TESTS_TESTBED_RESPONSE_TEMPLATE_H_
#define NARROWSCAN_TESTS_TESTBED_RESPONSE_TEMPLATE_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan::testbed {

// Everything a render may consult. Strings are views into caller-owned storage.
struct RenderContext {
  uint64_t host_entropy = 0;     // fixed per (seed, ip)
  uint64_t request_entropy = 0;  // fresh per request
  std::time_t now = 0;
  std::string_view ip, firmware, vendor, product, model, mac, cseq = "1";
  size_t content_length = 0;
};

class ResponseTemplate {
 public:
  ResponseTemplate() = default;
  // Errors name the field and the position in `text`.
  static Result<ResponseTemplate> Compile(std::string_view text);

  // Appends the rendered text to `out` (no allocation beyond `out` growing).
  void RenderTo(const RenderContext& context, std::string* out) const;
  std::string Render(const RenderContext& context) const;

  bool empty() const { return segments_.empty(); }
  // True when the template uses `${firmware}` (a firmware change alters the reply).
  bool UsesFirmware() const;

 private:
  enum class Field : uint8_t {
    kLiteral,
    kDate,
    kExpires,
    kRfc2822Date,
    kSession,
    kNonce,
    kHex,
    kCseq,
    kContentLength,
    kLastModified,
    kEtag,
    kHostHex,
    kHostHexUpper,
    kSerial,
    kMac,
    kIp,
    kFirmware,
    kVendor,
    kProduct,
    kModel
  };
  struct Segment {
    Field field;
    uint32_t arg;      // digit count for hex/host_hex/serial
    std::string text;  // literal bytes (kLiteral, and decoded ${bytes:…})
  };
  std::vector<Segment> segments_;
};

// "Sun, 29 Nov 2026 21:45:00 GMT" (RFC 7231 IMF-fixdate).
void AppendHttpDate(std::time_t t, std::string* out);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_RESPONSE_TEMPLATE_H_

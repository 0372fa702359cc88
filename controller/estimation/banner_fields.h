// BannerFields: the fields of docs/device-db.md ("http.server", "ssh.banner", …)
// found in one banner record.
//
// The protocol is told by the banner's first bytes (HTTP/, RTSP/, SSH-, a Telnet IAC,
// +OK, * OK, a three-digit reply code), else by the record's `service`, else by the
// port. `raw` is always the whole banner. Values are byte strings: nothing is decoded
// from or checked against UTF-8, so any input is safe. Most values are views into the
// record (which must outlive the fields); decoded ones (title, Telnet text, multi-line
// greetings) live in this object, which is therefore neither copied nor moved.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_BANNER_FIELDS_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_BANNER_FIELDS_H_

#include <array>
#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/estimation/host.h"

namespace narrowscan {

enum class FieldId : uint8_t {
  kRaw,
  kHttpStatus,
  kHttpServer,
  kHttpTitle,
  kHttpRealm,
  kHttpBody,
  kSshBanner,
  kFtpBanner,
  kTelnetBanner,
  kSmtpBanner,
  kPop3Banner,
  kImapBanner,
  kRtspServer,
  kTlsSubject,
  kTlsIssuer,
};
inline constexpr size_t kFieldIdCount = 15;

std::string_view FieldName(FieldId id);
// The fixed fields only; "http.header.NAME" has no FieldId.
std::optional<FieldId> FieldIdFromName(std::string_view name);

// Which fields to compute; the expensive ones (title, body, headers) are skipped when
// nobody asks for them.
struct FieldMask {
  std::bitset<kFieldIdCount> fixed;
  bool headers = false;
  static FieldMask All() {
    FieldMask m;
    m.fixed.set();
    m.headers = true;
    return m;
  }
};

// HTTP body bytes kept in http.body.
inline constexpr size_t kHttpBodyPrefix = 4096;

class BannerFields {
 public:
  struct Header {
    std::string_view name;  // as sent (any case)
    std::string_view value;
  };

  BannerFields() = default;
  BannerFields(const BannerFields&) = delete;
  BannerFields& operator=(const BannerFields&) = delete;

  // Replaces the contents with the fields of `record`, which must outlive them.
  void Extract(const BannerRecord& record, const FieldMask& wanted = FieldMask::All());

  // nullptr when the field is absent.
  const std::string_view* Get(FieldId id) const {
    return present_[static_cast<size_t>(id)] ? &values_[static_cast<size_t>(id)] : nullptr;
  }
  // HTTP headers in order (http.header.NAME); empty unless wanted.headers.
  const std::vector<Header>& headers() const { return headers_; }
  // Any field by its DB name, including "http.header.NAME" (first such header).
  std::optional<std::string_view> Find(std::string_view name) const;

 private:
  void Set(FieldId id, std::string_view value) {
    values_[static_cast<size_t>(id)] = value;
    present_.set(static_cast<size_t>(id));
  }
  void ExtractHttpLike(std::string_view banner, bool rtsp, const FieldMask& wanted);
  void ExtractReplyText(std::string_view banner, FieldId id);

  std::array<std::string_view, kFieldIdCount> values_{};
  std::bitset<kFieldIdCount> present_;
  std::vector<Header> headers_;
  std::string title_, telnet_, reply_;
};

// Text helpers the extraction uses, exposed for their unit tests.
// Telnet text with IAC negotiation (WILL/WONT/DO/DONT + option, SB … IAC SE, other
// commands) removed and IAC IAC turned into one 0xff byte.
std::string StripTelnetIac(std::string_view bytes);
// HTML entities (&amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xN;) decoded to UTF-8,
// runs of whitespace folded to one space, ends trimmed.
std::string DecodeHtmlText(std::string_view html);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_BANNER_FIELDS_H_

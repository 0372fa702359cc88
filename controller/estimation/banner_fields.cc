#include "controller/estimation/banner_fields.h"

#include <cstdint>
#include <cstring>

#include "common/utf8.h"

namespace narrowscan {
namespace {

constexpr std::string_view kFieldNames[kFieldIdCount] = {
    "raw",         "http.status", "http.server", "http.title",    "http.realm",
    "http.body",   "ssh.banner",  "ftp.banner",  "telnet.banner", "smtp.banner",
    "pop3.banner", "imap.banner", "rtsp.server", "tls.subject",   "tls.issuer"};

constexpr uint8_t kIac = 255;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Position of `needle` (lower-case ASCII) in `hay`, ignoring ASCII case; npos if none.
size_t FindNoCase(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  const char first = needle[0];
  if (first < 'a' || first > 'z') {
    // A first byte without case ('<' of "<title"): memchr finds the candidates.
    for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
      const void* at = std::memchr(hay.data() + i, first, hay.size() - needle.size() + 1 - i);
      if (at == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(at) - hay.data());
      if (EqualsNoCase(hay.substr(i, needle.size()), needle)) return i;
    }
    return std::string_view::npos;
  }
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (Lower(hay[i]) == first && EqualsNoCase(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits off the first line of `*rest` (without CR/LF); false when nothing is left.
bool NextLine(std::string_view* rest, std::string_view* line) {
  if (rest->empty()) return false;
  const size_t nl = rest->find('\n');
  if (nl == std::string_view::npos) {
    *line = *rest;
    *rest = {};
  } else {
    *line = rest->substr(0, nl);
    rest->remove_prefix(nl + 1);
  }
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

std::string_view FirstLine(std::string_view s) {
  std::string_view line;
  NextLine(&s, &line);
  return line;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool HasReplyCode(std::string_view line) {
  return line.size() >= 3 && IsDigit(line[0]) && IsDigit(line[1]) && IsDigit(line[2]) &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '-');
}

enum class Protocol { kNone, kHttp, kRtsp, kSsh, kFtp, kTelnet, kSmtp, kPop3, kImap };

bool IsSmtpPort(uint16_t port) { return port == 25 || port == 465 || port == 587 || port == 2525; }

Protocol FromService(std::string_view service) {
  struct Name {
    std::string_view name;
    Protocol protocol;
  };
  static constexpr Name kNames[] = {
      {"http", Protocol::kHttp},       {"https", Protocol::kHttp},
      {"http-alt", Protocol::kHttp},   {"http-proxy", Protocol::kHttp},
      {"rtsp", Protocol::kRtsp},       {"ssh", Protocol::kSsh},
      {"ftp", Protocol::kFtp},         {"telnet", Protocol::kTelnet},
      {"smtp", Protocol::kSmtp},       {"smtps", Protocol::kSmtp},
      {"submission", Protocol::kSmtp}, {"pop3", Protocol::kPop3},
      {"pop3s", Protocol::kPop3},      {"imap", Protocol::kImap},
      {"imaps", Protocol::kImap}};
  for (const Name& n : kNames) {
    if (EqualsNoCase(service, n.name)) return n.protocol;
  }
  return Protocol::kNone;
}

Protocol DetectProtocol(const BannerRecord& record) {
  std::string_view b = record.banner;
  if (StartsWith(b, "HTTP/")) return Protocol::kHttp;
  if (StartsWith(b, "RTSP/")) return Protocol::kRtsp;
  if (StartsWith(b, "SSH-")) return Protocol::kSsh;
  if (!b.empty() && static_cast<uint8_t>(b[0]) == kIac) return Protocol::kTelnet;
  if (StartsWith(b, "+OK")) return Protocol::kPop3;
  if (StartsWith(b, "* OK")) return Protocol::kImap;
  const Protocol by_service = FromService(record.service);
  if (HasReplyCode(FirstLine(b))) {
    if (by_service == Protocol::kSmtp || by_service == Protocol::kFtp) return by_service;
    if (IsSmtpPort(record.port)) return Protocol::kSmtp;
    if (record.port == 21) return Protocol::kFtp;
    const std::string_view first = FirstLine(b);
    if (FindNoCase(first, "smtp") != std::string_view::npos ||
        FindNoCase(first, "mail") != std::string_view::npos) {
      return Protocol::kSmtp;
    }
    return Protocol::kFtp;
  }
  if (by_service != Protocol::kNone) return by_service;
  switch (record.port) {
    case 23:
    case 2323:
      return Protocol::kTelnet;
    case 21:
      return Protocol::kFtp;
    default:
      break;
  }
  if (b.find(static_cast<char>(kIac)) != std::string_view::npos) return Protocol::kTelnet;
  return Protocol::kNone;
}

// The realm of a WWW-Authenticate value: realm="…" (backslash escapes kept as sent)
// or realm=token.
std::optional<std::string_view> RealmOf(std::string_view value) {
  const size_t at = FindNoCase(value, "realm=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = value.substr(at + 6);
  if (!rest.empty() && rest.front() == '"') {
    rest.remove_prefix(1);
    size_t end = 0;
    while (end < rest.size() && rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
    return rest.substr(0, std::min(end, rest.size()));
  }
  size_t end = 0;
  while (end < rest.size() && rest[end] != ',' && rest[end] != ' ') ++end;
  return rest.substr(0, end);
}

// Decodes the entity at html[i] == '&' into *out; returns its length, or 0 if none.
size_t DecodeEntity(std::string_view html, size_t i, std::string* out) {
  const size_t semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return 0;
  const std::string_view name = html.substr(i + 1, semi - i - 1);
  if (name.size() >= 2 && name[0] == '#') {
    uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      uint32_t d;
      if (IsDigit(c)) {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && Lower(c) >= 'a' && Lower(c) <= 'f') {
        d = static_cast<uint32_t>(Lower(c) - 'a' + 10);
      } else {
        return 0;
      }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) cp = 0x110000;  // stays out of range, no overflow
    }
    AppendUtf8(cp == 0 ? 0xFFFDu : cp, out);  // &#0; is U+FFFD in HTML
    return semi - i + 1;
  }
  struct Named {
    std::string_view name;
    uint32_t cp;
  };
  static constexpr Named kNamed[] = {{"amp", '&'},   {"lt", '<'},    {"gt", '>'},
                                     {"quot", '"'},  {"apos", '\''}, {"nbsp", ' '},
                                     {"copy", 0xA9}, {"reg", 0xAE},  {"trade", 0x2122}};
  for (const Named& n : kNamed) {
    if (name == n.name) {
      AppendUtf8(n.cp, out);
      return semi - i + 1;
    }
  }
  return 0;
}

}  // namespace

std::string_view FieldName(FieldId id) { return kFieldNames[static_cast<size_t>(id)]; }

std::optional<FieldId> FieldIdFromName(std::string_view name) {
  for (size_t i = 0; i < kFieldIdCount; ++i) {
    if (kFieldNames[i] == name) return static_cast<FieldId>(i);
  }
  return std::nullopt;
}

std::string StripTelnetIac(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<uint8_t>(bytes[i]);
    if (c != kIac) {
      out.push_back(bytes[i]);
      continue;
    }
    if (i + 1 >= bytes.size()) break;
    const auto cmd = static_cast<uint8_t>(bytes[i + 1]);
    if (cmd == kIac) {
      out.push_back(static_cast<char>(kIac));
      ++i;
    } else if (cmd >= 251 && cmd <= 254) {  // WILL WONT DO DONT + option
      i += 2;
    } else if (cmd == 250) {  // SB … IAC SE
      size_t j = i + 2;
      while (j + 1 < bytes.size() && !(static_cast<uint8_t>(bytes[j]) == kIac &&
                                       static_cast<uint8_t>(bytes[j + 1]) == 240)) {
        ++j;
      }
      i = j + 1;
    } else {
      ++i;  // a two-byte command (NOP, GA, …)
    }
  }
  return out;
}

namespace {

// DecodeHtmlText() into *out, whose buffer is reused.
void DecodeHtmlTextInto(std::string_view html, std::string* out) {
  // Entities are decoded and the decoded bytes folded in one pass: a decoded space
  // (&nbsp;, &#10;) folds like a written one.
  out->clear();
  bool space = false;
  auto emit = [&](char c) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      space = true;
      return;
    }
    if (space && !out->empty()) out->push_back(' ');
    space = false;
    out->push_back(c);
  };
  std::string entity;  // one decoded entity: at most 4 bytes, no allocation
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '&') {
      entity.clear();
      if (size_t n = DecodeEntity(html, i, &entity); n > 0) {
        for (char c : entity) emit(c);
        i += n - 1;
        continue;
      }
    }
    emit(html[i]);
  }
}

}  // namespace

std::string DecodeHtmlText(std::string_view html) {
  std::string text;
  DecodeHtmlTextInto(html, &text);
  return text;
}

void BannerFields::ExtractHttpLike(std::string_view banner, bool rtsp, const FieldMask& wanted) {
  std::string_view rest = banner;
  std::string_view line;
  NextLine(&rest, &line);
  if (!rtsp) Set(FieldId::kHttpStatus, line);
  bool header_end = false;
  while (NextLine(&rest, &line)) {
    if (line.empty()) {
      header_end = true;
      break;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || line[0] == ' ' || line[0] == '\t') continue;
    const std::string_view name = TrimSpace(line.substr(0, colon));
    const std::string_view value = TrimSpace(line.substr(colon + 1));
    if (EqualsNoCase(name, "server")) {
      const FieldId id = rtsp ? FieldId::kRtspServer : FieldId::kHttpServer;
      if (!Get(id)) Set(id, value);
    } else if (!rtsp && EqualsNoCase(name, "www-authenticate")) {
      if (!Get(FieldId::kHttpRealm)) {
        if (const auto realm = RealmOf(value)) Set(FieldId::kHttpRealm, *realm);
      }
    }
    if (!rtsp && wanted.headers) headers_.push_back({name, value});
  }
  if (rtsp) return;
  // A banner cut before the blank line has no body; the title is still looked for in
  // what is there, as grabbers often truncate.
  const std::string_view body = header_end ? rest : std::string_view{};
  if (header_end && wanted.fixed[static_cast<size_t>(FieldId::kHttpBody)]) {
    Set(FieldId::kHttpBody, body.substr(0, kHttpBodyPrefix));
  }
  if (wanted.fixed[static_cast<size_t>(FieldId::kHttpTitle)]) {
    const std::string_view html = header_end ? body : banner;
    const size_t open = FindNoCase(html, "<title");
    if (open != std::string_view::npos) {
      const size_t gt = html.find('>', open);
      if (gt != std::string_view::npos) {
        size_t close = FindNoCase(html, "</title", gt + 1);
        if (close == std::string_view::npos) close = html.size();
        DecodeHtmlTextInto(html.substr(gt + 1, close - gt - 1), &title_);
        Set(FieldId::kHttpTitle, title_);
      }
    }
  }
}

void BannerFields::ExtractReplyText(std::string_view banner, FieldId id) {
  // "DDD-text" lines continue a reply, "DDD text" ends it. A one-line reply is a view;
  // a multi-line one joins the texts with CRLF.
  std::string_view rest = banner;
  std::string_view line;
  std::string_view first;
  size_t lines = 0;
  reply_.clear();
  while (NextLine(&rest, &line)) {
    const bool coded = HasReplyCode(line);
    const std::string_view text = coded ? line.substr(std::min<size_t>(4, line.size())) : line;
    if (lines == 0) {
      first = text;
    } else {
      if (lines == 1) reply_.assign(first);
      reply_ += "\r\n";
      reply_.append(text);
    }
    ++lines;
    if (coded && (line.size() == 3 || line[3] == ' ')) break;
  }
  if (lines == 0) return;
  Set(id, lines == 1 ? first : std::string_view(reply_));
}

void BannerFields::Extract(const BannerRecord& record, const FieldMask& wanted) {
  present_.reset();
  headers_.clear();
  if (record.tls_subject) Set(FieldId::kTlsSubject, *record.tls_subject);
  if (record.tls_issuer) Set(FieldId::kTlsIssuer, *record.tls_issuer);
  if (!record.field.empty()) {
    constexpr std::string_view kHeader = "http.header.";
    if (auto id = FieldIdFromName(record.field)) {
      Set(*id, record.banner);
    } else if (StartsWith(record.field, kHeader)) {
      headers_.push_back({std::string_view(record.field).substr(kHeader.size()), record.banner});
    }
    return;
  }
  if (record.banner.empty()) return;
  const std::string_view b = record.banner;
  Set(FieldId::kRaw, b);
  switch (DetectProtocol(record)) {
    case Protocol::kHttp:
      ExtractHttpLike(b, false, wanted);
      break;
    case Protocol::kRtsp:
      ExtractHttpLike(b, true, wanted);
      break;
    case Protocol::kSsh: {
      std::string_view rest = b, line;
      while (NextLine(&rest, &line)) {
        if (!StartsWith(line, "SSH-")) continue;
        const size_t dash = line.find('-', 4);
        if (dash != std::string_view::npos) Set(FieldId::kSshBanner, line.substr(dash + 1));
        break;
      }
      break;
    }
    case Protocol::kFtp:
      ExtractReplyText(b, FieldId::kFtpBanner);
      break;
    case Protocol::kSmtp:
      ExtractReplyText(b, FieldId::kSmtpBanner);
      break;
    case Protocol::kPop3: {
      std::string_view line = FirstLine(b);
      line.remove_prefix(std::min<size_t>(line.size(), StartsWith(line, "+OK ") ? 4 : 3));
      Set(FieldId::kPop3Banner, line);
      break;
    }
    case Protocol::kImap: {
      std::string_view line = FirstLine(b);
      line.remove_prefix(std::min<size_t>(line.size(), StartsWith(line, "* OK ") ? 5 : 4));
      Set(FieldId::kImapBanner, line);
      break;
    }
    case Protocol::kTelnet:
      telnet_ = StripTelnetIac(b);
      Set(FieldId::kTelnetBanner, telnet_);
      break;
    case Protocol::kNone:
      break;
  }
}

std::optional<std::string_view> BannerFields::Find(std::string_view name) const {
  if (auto id = FieldIdFromName(name)) {
    if (const std::string_view* v = Get(*id)) return *v;
    return std::nullopt;
  }
  constexpr std::string_view kHeader = "http.header.";
  if (!StartsWith(name, kHeader)) return std::nullopt;
  const std::string_view wanted = name.substr(kHeader.size());
  for (const Header& h : headers_) {
    if (EqualsNoCase(h.name, wanted)) return h.value;
  }
  return std::nullopt;
}

}  // namespace narrowscan

#include "tests/testbed/response_template.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

#include "tests/testbed/entropy.h"

namespace narrowscan::testbed {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void AppendHex(uint64_t entropy, uint32_t digits, std::string* out, bool upper = false) {
  const char* kHex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (uint32_t i = 0; i < digits; ++i) {
    if (i % 16 == 0 && i > 0) entropy = Mix64(entropy);
    out->push_back(kHex[(entropy >> ((i % 16) * 4)) & 15]);
  }
}

void AppendDecimal(uint64_t entropy, uint32_t digits, std::string* out) {
  for (uint32_t i = 0; i < digits; ++i) {
    if (i % 16 == 0 && i > 0) entropy = Mix64(entropy);
    out->push_back(static_cast<char>('0' + (entropy % 10)));
    entropy /= 10;
  }
}

void AppendRfc2822Date(std::time_t t, std::string* out) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(*out), "{}, {} {} {} {:02}:{:02}:{:02} +0000",
                 kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void AppendHttpDate(std::time_t t, std::string* out) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(*out), "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
                 kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
}

Result<ResponseTemplate> ResponseTemplate::Compile(std::string_view text) {
  struct Name {
    std::string_view name;
    Field field;
    bool needs_arg;
  };
  static constexpr Name kNames[] = {
      {"date", Field::kDate, false},
      {"expires", Field::kExpires, false},
      {"rfc2822_date", Field::kRfc2822Date, false},
      {"session", Field::kSession, false},
      {"nonce", Field::kNonce, false},
      {"hex", Field::kHex, true},
      {"cseq", Field::kCseq, false},
      {"content_length", Field::kContentLength, false},
      {"last_modified", Field::kLastModified, false},
      {"etag", Field::kEtag, false},
      {"host_hex", Field::kHostHex, true},
      {"host_hex_upper", Field::kHostHexUpper, true},
      {"serial", Field::kSerial, true},
      {"mac", Field::kMac, false},
      {"ip", Field::kIp, false},
      {"firmware", Field::kFirmware, false},
      {"vendor", Field::kVendor, false},
      {"product", Field::kProduct, false},
      {"model", Field::kModel, false},
  };
  ResponseTemplate result;
  std::string literal;
  auto flush_literal = [&] {
    if (!literal.empty()) result.segments_.push_back({Field::kLiteral, 0, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      literal.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      literal.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      return Error{fmt::format("offset {}: '$' must start '${{name}}' or be doubled ('$$')", i)};
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Error{fmt::format("offset {}: unterminated '${{'", i)};
    }
    std::string_view spec = text.substr(i + 2, close - i - 2);
    std::string_view name = spec, arg;
    if (size_t colon = spec.find(':'); colon != std::string_view::npos) {
      name = spec.substr(0, colon);
      arg = spec.substr(colon + 1);
    }
    if (name == "bytes") {
      if (arg.empty() || arg.size() % 2 != 0) {
        return Error{
            fmt::format("offset {}: ${{bytes:HEX}} needs an even number of hex digits", i)};
      }
      for (size_t k = 0; k < arg.size(); k += 2) {
        int hi = HexValue(arg[k]), lo = HexValue(arg[k + 1]);
        if (hi < 0 || lo < 0) {
          return Error{fmt::format("offset {}: '{}' is not hex", i, arg)};
        }
        literal.push_back(static_cast<char>(hi * 16 + lo));
      }
      i = close;
      continue;
    }
    const Name* found = nullptr;
    for (const Name& n : kNames) {
      if (n.name == name) found = &n;
    }
    if (found == nullptr) return Error{fmt::format("offset {}: unknown field '${{{}}}'", i, spec)};
    uint32_t number = 0;
    if (found->needs_arg) {
      if (arg.empty() || arg.size() > 3) {
        return Error{fmt::format("offset {}: '${{{}:N}}' needs a digit count 1..256", i, name)};
      }
      for (char c : arg) {
        if (c < '0' || c > '9') return Error{fmt::format("offset {}: bad count '{}'", i, arg)};
        number = number * 10 + static_cast<uint32_t>(c - '0');
      }
      if (number == 0 || number > 256) {
        return Error{fmt::format("offset {}: '${{{}:N}}' needs a digit count 1..256", i, name)};
      }
    } else if (!arg.empty()) {
      return Error{fmt::format("offset {}: '${{{}}}' takes no argument", i, name)};
    }
    flush_literal();
    result.segments_.push_back({found->field, number, {}});
    i = close;
  }
  flush_literal();
  return result;
}

bool ResponseTemplate::UsesFirmware() const {
  for (const Segment& s : segments_) {
    if (s.field == Field::kFirmware) return true;
  }
  return false;
}

void ResponseTemplate::RenderTo(const RenderContext& c, std::string* out) const {
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    // Per-host values depend on the field kind only, so a serial number or MAC-like id
    // reads the same on every port of the host. Per-request values depend on the
    // position, so two ${hex:8} in one reply differ.
    const uint64_t per_host = Mix64(c.host_entropy, static_cast<uint64_t>(s.field));
    const uint64_t per_request = Mix64(c.request_entropy, i);
    switch (s.field) {
      case Field::kLiteral:
        out->append(s.text);
        break;
      case Field::kDate:
        AppendHttpDate(c.now, out);
        break;
      case Field::kExpires:
        AppendHttpDate(c.now + 86400, out);
        break;
      case Field::kRfc2822Date:
        AppendRfc2822Date(c.now, out);
        break;
      case Field::kSession:
        AppendHex(per_request, 32, out);
        break;
      case Field::kNonce:
        AppendHex(per_request, 32, out);
        break;
      case Field::kHex:
        AppendHex(per_request, s.arg, out);
        break;
      case Field::kCseq:
        out->append(c.cseq);
        break;
      case Field::kContentLength:
        fmt::format_to(std::back_inserter(*out), "{}", c.content_length);
        break;
      case Field::kLastModified:
        // Some moment in the three years before 2026-01-01: fixed per host.
        AppendHttpDate(1767225600 - static_cast<std::time_t>(per_host % (3 * 365 * 86400)), out);
        break;
      case Field::kEtag:
        AppendHex(per_host, 4, out);
        out->push_back('-');
        AppendHex(per_host >> 16, 3, out);
        out->push_back('-');
        AppendHex(Mix64(per_host), 8, out);
        break;
      case Field::kHostHex:
        AppendHex(per_host, s.arg, out);
        break;
      case Field::kHostHexUpper:
        AppendHex(per_host, s.arg, out, true);
        break;
      case Field::kSerial:
        AppendDecimal(per_host, s.arg, out);
        break;
      case Field::kMac:
        out->append(c.mac);
        break;
      case Field::kIp:
        out->append(c.ip);
        break;
      case Field::kFirmware:
        out->append(c.firmware);
        break;
      case Field::kVendor:
        out->append(c.vendor);
        break;
      case Field::kProduct:
        out->append(c.product);
        break;
      case Field::kModel:
        out->append(c.model);
        break;
    }
  }
}

std::string ResponseTemplate::Render(const RenderContext& context) const {
  std::string out;
  RenderTo(context, &out);
  return out;
}

}  // namespace narrowscan::testbed

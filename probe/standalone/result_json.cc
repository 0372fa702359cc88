#include "probe/standalone/result_json.h"

#include <cstdint>

namespace narrowscan {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const uint8_t d = static_cast<uint8_t>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values beyond Unicode are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v =
        (uint32_t{uint8_t(in[i])} << 16) | (uint32_t{uint8_t(in[i + 1])} << 8) | uint8_t(in[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint32_t{uint8_t(in[i])} << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint32_t{uint8_t(in[i])} << 16) | (uint32_t{uint8_t(in[i + 1])} << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (p == nullptr) return Error{"base64: unexpected character '" + std::string(1, c) + "'"};
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

nlohmann::ordered_json ResultToJson(const ScanResult& r) {
  nlohmann::ordered_json j;
  j["ip"] = FormatIpv4(r.ip);
  j["port"] = r.port;
  j["state"] = PortStateName(r.state);
  if (!r.service.empty()) j["service"] = r.service;
  if (!r.banner.empty()) {
    if (IsValidUtf8(r.banner)) {
      j["banner"] = r.banner;
    } else {
      j["banner_b64"] = Base64Encode(r.banner);
    }
  }
  if (r.tls) {
    const TlsInfo& t = *r.tls;
    j["tls"] = nlohmann::ordered_json{{"subject", t.subject},     {"issuer", t.issuer},
                                      {"serial", t.serial},       {"not_before", t.not_before},
                                      {"not_after", t.not_after}, {"sha256", t.sha256_fingerprint},
                                      {"version", t.version},     {"cipher", t.cipher}};
  }
  j["connect_ms"] = r.connect_ms;
  j["total_ms"] = r.total_ms;
  if (r.started_unix_ms != 0) j["time"] = r.started_unix_ms;
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

Result<ScanResult> ResultFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("ip") || !j["ip"].is_string() || !j.contains("port") ||
      !j["port"].is_number_unsigned() || !j.contains("state") || !j["state"].is_string()) {
    return Error{"result line: needs string ip, numeric port and string state"};
  }
  ScanResult r;
  auto ip = ParseIpv4(j["ip"].get<std::string>());
  if (!ip.ok()) return Error{ip.error()};
  r.ip = *ip;
  const uint64_t port = j["port"].get<uint64_t>();
  if (port == 0 || port > 65535) return Error{"result line: port out of range"};
  r.port = static_cast<uint16_t>(port);
  const std::string state = j["state"].get<std::string>();
  if (state == "open") {
    r.state = PortState::kOpen;
  } else if (state == "closed") {
    r.state = PortState::kClosed;
  } else if (state == "timeout") {
    r.state = PortState::kTimeout;
  } else {
    r.state = PortState::kError;
  }
  if (j.contains("service") && j["service"].is_string()) r.service = j["service"];
  if (j.contains("banner") && j["banner"].is_string()) r.banner = j["banner"];
  if (j.contains("banner_b64") && j["banner_b64"].is_string()) {
    auto raw = Base64Decode(j["banner_b64"].get<std::string>());
    if (!raw.ok()) return Error{raw.error()};
    r.banner = std::move(*raw);
  }
  if (j.contains("tls") && j["tls"].is_object()) {
    TlsInfo t;
    const auto& o = j["tls"];
    if (o.contains("subject") && o["subject"].is_string()) t.subject = o["subject"];
    if (o.contains("issuer") && o["issuer"].is_string()) t.issuer = o["issuer"];
    r.tls = t;
  }
  return r;
}

}  // namespace narrowscan

#include "controller/curate/json_scan_fields.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "common/base64.h"
#include "controller/estimation/json_line.h"

namespace narrowscan {

using nlohmann::json;

Result<Ipv4> JsonIp(const json& o) { return JsonIpv4(o); }  // as `estimate` reads it

Result<uint16_t> JsonPort(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return Error{fmt::format("missing \"{}\"", key)};
  int64_t port = -1;
  if (it->is_number_integer()) {
    port = it->get<int64_t>();
  } else if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
    if (ec != std::errc() || p != s.data() + s.size()) port = -1;
  }
  if (port < 1 || port > 65535)
    return Error{fmt::format("\"{}\" is not a port 1-65535: {}", key, it->dump())};
  return static_cast<uint16_t>(port);
}

Result<int64_t> JsonSeen(const json& o) {
  for (const char* key : {"timestamp", "time", "seen"}) {
    auto it = o.find(key);
    if (it == o.end()) continue;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
    if (it->is_string()) {
      const auto& s = it->get_ref<const std::string&>();
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc() && p == s.data() + s.size()) return v;
    }
    return Error{fmt::format("\"{}\" is not unix seconds: {:.40}", key, it->dump())};
  }
  return int64_t{0};
}

Status JsonBanner(const json& o, ScanRecord* r) {
  if (auto it = o.find("service"); it != o.end() && !it->is_null()) {
    if (!it->is_string()) return Error{"\"service\" is not a string"};
    r->service = it->get<std::string>();
    for (char& c : r->service) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (auto it = o.find("banner"); it != o.end() && !it->is_null()) {
    if (!it->is_string()) return Error{"\"banner\" is not a string"};
    r->banner = it->get<std::string>();
  } else if (auto b64 = o.find("banner_b64"); b64 != o.end() && !b64->is_null()) {
    if (!b64->is_string()) return Error{"\"banner_b64\" is not a string"};
    auto bytes = Base64Decode(b64->get_ref<const std::string&>());
    if (!bytes.ok()) return Error{fmt::format("\"banner_b64\": {}", bytes.error())};
    r->banner = std::move(*bytes);
  }
  if (auto it = o.find("tls"); it != o.end() && !it->is_null()) {
    if (!it->is_object()) return Error{"\"tls\" is not an object"};
    for (auto [key, out] : {std::pair{"subject", &r->tls_subject}, {"issuer", &r->tls_issuer}}) {
      auto v = it->find(key);
      if (v == it->end() || v->is_null()) continue;
      if (!v->is_string()) return Error{fmt::format("\"tls.{}\" is not a string", key)};
      *out = v->get<std::string>();
    }
  }
  r->has_banner = !r->banner.empty() || !r->tls_subject.empty() || !r->tls_issuer.empty();
  return Status::Ok();
}

std::string Latin1BytesOf(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xc0) == 0x80) {
      out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3f));
      ++i;
    } else {
      return s;  // a code point above U+00FF: real UTF-8, not masscan's byte escapes
    }
  }
  return out;
}

}  // namespace narrowscan

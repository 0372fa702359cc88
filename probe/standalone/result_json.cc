#include "probe/standalone/result_json.h"

#include <cstdint>

#include "common/base64.h"
#include "common/utf8.h"

namespace narrowscan {

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

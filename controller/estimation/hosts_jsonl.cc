#include "controller/estimation/hosts_jsonl.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/utf8.h"
#include "controller/estimation/json_line.h"
#include "controller/estimation/text_encoding.h"

namespace narrowscan {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

Result<uint16_t> PortOf(const json& value, std::string_view what, bool allow_zero) {
  if (!value.is_number_integer()) return Error{std::string(what) + " must be an integer"};
  const auto port = value.get<int64_t>();
  if (port < (allow_zero ? 0 : 1) || port > 65535) {
    return Error{std::string(what) + " " + std::to_string(port) + " is outside 1-65535"};
  }
  return static_cast<uint16_t>(port);
}

Result<std::string> StringOf(const json& object, const char* key, std::string_view what) {
  const json& v = object.at(key);
  if (!v.is_string()) return Error{std::string(what) + " must be a string"};
  return v.get<std::string>();
}

// Scores are written with 6 decimals: enough for any weight a person writes, and the
// output stays diffable.
double Round(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

Result<Host> ParseHostLine(std::string_view line) {
  auto parsed = ParseJsonLine(line);
  if (!parsed.ok()) return Error{parsed.error()};
  const json& doc = *parsed;
  if (!doc.is_object()) return Error{"not a JSON object"};
  Host host;
  auto ip = JsonIpv4(doc);  // the same check as `ingest`
  if (!ip.ok()) return Error{ip.error()};
  host.ip = doc["ip"].get<std::string>();
  if (doc.contains("open_ports")) {
    const json& ports = doc["open_ports"];
    if (!ports.is_array()) return Error{"\"open_ports\" must be an array"};
    for (const json& p : ports) {
      auto port = PortOf(p, "open port", false);
      if (!port.ok()) return Error{port.error()};
      host.open_ports.push_back(port.value());
    }
  }
  if (doc.contains("banners")) {
    const json& banners = doc["banners"];
    if (!banners.is_array()) return Error{"\"banners\" must be an array"};
    for (size_t i = 0; i < banners.size(); ++i) {
      const json& b = banners[i];
      const std::string where = "banners[" + std::to_string(i) + "]";
      if (!b.is_object()) return Error{where + " is not an object"};
      BannerRecord record;
      if (b.contains("port")) {
        auto port = PortOf(b["port"], where + ".port", true);
        if (!port.ok()) return Error{port.error()};
        record.port = port.value();
      }
      if (b.contains("service")) {
        auto s = StringOf(b, "service", where + ".service");
        if (!s.ok()) return Error{s.error()};
        record.service = std::move(s.value());
      }
      if (b.contains("field")) {
        auto s = StringOf(b, "field", where + ".field");
        if (!s.ok()) return Error{s.error()};
        record.field = std::move(s.value());
      }
      if (b.contains("banner") && b.contains("banner_b64")) {
        return Error{where + " has both \"banner\" and \"banner_b64\""};
      }
      if (b.contains("banner")) {
        auto s = StringOf(b, "banner", where + ".banner");
        if (!s.ok()) return Error{s.error()};
        record.banner = std::move(s.value());
      } else if (b.contains("banner_b64")) {
        auto s = StringOf(b, "banner_b64", where + ".banner_b64");
        if (!s.ok()) return Error{s.error()};
        auto decoded = Base64Decode(s.value());
        if (!decoded.ok()) return Error{where + ".banner_b64: " + decoded.error()};
        record.banner = std::move(decoded.value());
      }
      if (b.contains("tls") && !b["tls"].is_null()) {
        const json& tls = b["tls"];
        if (!tls.is_object()) return Error{where + ".tls must be an object"};
        if (tls.contains("subject")) {
          auto s = StringOf(tls, "subject", where + ".tls.subject");
          if (!s.ok()) return Error{s.error()};
          record.tls_subject = std::move(s.value());
        }
        if (tls.contains("issuer")) {
          auto s = StringOf(tls, "issuer", where + ".tls.issuer");
          if (!s.ok()) return Error{s.error()};
          record.tls_issuer = std::move(s.value());
        }
      }
      host.banners.push_back(std::move(record));
    }
  }
  return host;
}

std::string FormatHostLine(const Host& host) {
  json doc = {{"ip", ToDisplayUtf8(host.ip)}, {"open_ports", host.open_ports}};
  json banners = json::array();
  for (const BannerRecord& b : host.banners) {
    json item = json::object();
    if (b.port != 0) item["port"] = b.port;
    if (!b.service.empty()) item["service"] = ToDisplayUtf8(b.service);
    if (!b.field.empty()) item["field"] = ToDisplayUtf8(b.field);
    if (IsValidUtf8(b.banner)) {
      item["banner"] = b.banner;
    } else {
      item["banner_b64"] = Base64Encode(b.banner);
    }
    if (b.tls_subject || b.tls_issuer) {
      json tls = json::object();
      if (b.tls_subject) tls["subject"] = ToDisplayUtf8(*b.tls_subject);
      if (b.tls_issuer) tls["issuer"] = ToDisplayUtf8(*b.tls_issuer);
      item["tls"] = std::move(tls);
    }
    banners.push_back(std::move(item));
  }
  doc["banners"] = std::move(banners);
  return doc.dump();
}

std::string FormatEstimateLine(std::string_view ip, const std::vector<DeviceMatch>& matches) {
  ordered_json list = ordered_json::array();
  for (const DeviceMatch& m : matches) {
    ordered_json item = {{"device", m.device},
                         {"score", Round(m.score)},
                         {"banner_score", Round(m.banner_score)},
                         {"port_score", Round(m.port_score)},
                         {"vendor", ToDisplayUtf8(m.vendor)},
                         {"type", m.type},
                         {"product", ToDisplayUtf8(m.product)},
                         {"model", ToDisplayUtf8(m.model)},
                         {"version", ToDisplayUtf8(m.version)},
                         {"level", m.level}};
    if (!m.attributes.empty()) {
      ordered_json attributes = ordered_json::object();
      for (const auto& [name, value] : m.attributes) {
        attributes[ToDisplayUtf8(name)] = ToDisplayUtf8(value);
      }
      item["attributes"] = std::move(attributes);
    }
    list.push_back(std::move(item));
  }
  ordered_json doc = {{"ip", ToDisplayUtf8(ip)}, {"matches", std::move(list)}};
  return doc.dump();
}

}  // namespace narrowscan

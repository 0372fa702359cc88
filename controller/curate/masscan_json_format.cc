#include "controller/curate/masscan_json_format.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "controller/curate/json_scan_fields.h"
#include "controller/curate/masscan_record.h"
#include "controller/estimation/json_line.h"

namespace narrowscan {

namespace {

using nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == ','))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n' || s.back() == ','))
    s.remove_suffix(1);
  return s;
}

std::string StringOr(const json& o, const char* key, std::string fallback) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// One port element (-oJ) or the whole record (-oD), with `service` the banner object.
Result<ScanRecords> RecordOf(const json& port_holder, const json* service, const char* name_key,
                             Ipv4 ip, int64_t seen) {
  auto port = JsonPort(port_holder);
  if (!port.ok()) return Error{port.error()};
  if (StringOr(port_holder, "proto", "tcp") != "tcp") return ScanRecords{};
  ScanRecord r;
  r.ip = ip;
  r.port = *port;
  r.seen = seen;
  if (service != nullptr) {
    if (!service->is_object()) return Error{"banner data is not an object"};
    std::string name = StringOr(*service, name_key, "");
    if (name.empty()) return Error{fmt::format("missing \"{}\"", name_key)};
    auto banner = service->find("banner");
    if (banner == service->end() || !banner->is_string()) return Error{"missing \"banner\""};
    if (Status s = FillMasscanBanner(name, Latin1BytesOf(banner->get<std::string>()), &r); !s.ok())
      return Error{s.error()};
  } else if (StringOr(port_holder, "status", "open") != "open") {
    return ScanRecords{};
  }
  return ScanRecords{std::move(r)};
}

}  // namespace

Result<ScanRecords> ParseMasscanJsonLine(std::string_view line) {
  line = Trim(line);
  if (line.empty() || line == "[" || line == "]") return ScanRecords{};
  auto parsed = ParseJsonLine(line);  // a NUL byte is refused, not read as the end
  if (!parsed.ok()) return Error{parsed.error()};
  nlohmann::json o = std::move(*parsed);
  if (!o.is_object()) return Error{"not a JSON object"};
  auto ip = JsonIp(o);
  if (!ip.ok()) return Error{ip.error()};
  auto seen = JsonSeen(o);
  if (!seen.ok()) return Error{seen.error()};

  if (auto type = o.find("rec_type"); type != o.end()) {  // -oD
    std::string kind = type->is_string() ? type->get<std::string>() : "";
    auto data = o.find("data");
    if (kind == "banner") {
      if (data == o.end()) return Error{"banner record without \"data\""};
      return RecordOf(o, &*data, "service_name", *ip, *seen);
    }
    if (kind == "status") {
      if (data != o.end() && data->is_object() && StringOr(*data, "status", "open") != "open")
        return ScanRecords{};
      return RecordOf(o, nullptr, "", *ip, *seen);
    }
    return ScanRecords{};  // other record types (e.g. progress) carry no port
  }

  auto ports = o.find("ports");
  if (ports == o.end() || !ports->is_array()) return Error{"missing \"ports\" array"};
  ScanRecords out;
  for (const json& p : *ports) {
    if (!p.is_object()) return Error{"\"ports\" element is not an object"};
    auto service = p.find("service");
    auto one = RecordOf(p, service == p.end() ? nullptr : &*service, "name", *ip, *seen);
    if (!one.ok()) return one;
    for (auto& r : *one) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace narrowscan

#include "controller/curate/hosts_jsonl_format.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "controller/curate/json_scan_fields.h"
#include "controller/estimation/json_line.h"

namespace narrowscan {

Result<ScanRecords> ParseHostsJsonlLine(std::string_view line) {
  if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) return ScanRecords{};
  auto parsed = ParseJsonLine(line);  // a NUL byte is refused, not read as the end
  if (!parsed.ok()) return Error{parsed.error()};
  nlohmann::json o = std::move(*parsed);
  if (o.is_discarded() || !o.is_object()) return Error{"not a JSON object"};
  auto ip = JsonIp(o);
  if (!ip.ok()) return Error{ip.error()};
  auto seen = JsonSeen(o);
  if (!seen.ok()) return Error{seen.error()};

  ScanRecords out;
  std::set<uint16_t> bannered;
  if (auto banners = o.find("banners"); banners != o.end()) {
    if (!banners->is_array()) return Error{"\"banners\" is not an array"};
    for (size_t i = 0; i < banners->size(); ++i) {
      const auto& b = (*banners)[i];
      if (!b.is_object()) return Error{fmt::format("banners[{}] is not an object", i)};
      ScanRecord r;
      r.ip = *ip;
      r.seen = *seen;
      auto port = JsonPort(b);
      if (!port.ok()) return Error{fmt::format("banners[{}]: {}", i, port.error())};
      r.port = *port;
      if (Status s = JsonBanner(b, &r); !s.ok())
        return Error{fmt::format("banners[{}]: {}", i, s.error())};
      bannered.insert(r.port);
      out.push_back(std::move(r));
    }
  }
  if (auto ports = o.find("open_ports"); ports != o.end()) {
    if (!ports->is_array()) return Error{"\"open_ports\" is not an array"};
    for (const auto& p : *ports) {
      if (!p.is_number_integer() || p.get<int64_t>() < 1 || p.get<int64_t>() > 65535)
        return Error{fmt::format("\"open_ports\" holds a non-port: {:.40}", p.dump())};
      auto port = static_cast<uint16_t>(p.get<int64_t>());
      if (bannered.count(port)) continue;
      ScanRecord r;
      r.ip = *ip;
      r.seen = *seen;
      r.port = port;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace narrowscan

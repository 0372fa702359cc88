#include "controller/curate/probe_jsonl_format.h"

#include <nlohmann/json.hpp>

#include "controller/curate/json_scan_fields.h"
#include "controller/estimation/json_line.h"

namespace narrowscan {

Result<ScanRecords> ParseProbeJsonlLine(std::string_view line) {
  if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) return ScanRecords{};
  auto parsed = ParseJsonLine(line);  // a NUL byte is refused, not read as the end
  if (!parsed.ok()) return Error{parsed.error()};
  nlohmann::json o = std::move(*parsed);
  if (o.is_discarded() || !o.is_object()) return Error{"not a JSON object"};
  auto ip = JsonIp(o);
  if (!ip.ok()) return Error{ip.error()};
  auto port = JsonPort(o);
  if (!port.ok()) return Error{port.error()};
  auto seen = JsonSeen(o);
  if (!seen.ok()) return Error{seen.error()};
  if (auto state = o.find("state"); state != o.end()) {
    if (!state->is_string()) return Error{"\"state\" is not a string"};
    if (state->get_ref<const std::string&>() != "open") return ScanRecords{};
  }
  ScanRecord r;
  r.ip = *ip;
  r.port = *port;
  r.seen = *seen;
  if (Status s = JsonBanner(o, &r); !s.ok()) return Error{s.error()};
  return ScanRecords{std::move(r)};
}

}  // namespace narrowscan

// JSON lines as every line reader of the controller parses them (hosts JSONL for
// `estimate`; hosts JSONL, probe JSONL and masscan -oJ/-oD for `ingest`), so both
// commands refuse the same lines in the same words.
//
// ParseJsonLine() refuses a NUL byte anywhere in the line: nlohmann::json reads it as
// the end of the input, which would silently drop the rest of the line (a record cut
// short is an error for that line, not a shorter record). JsonIpv4() reads "ip" as a
// dotted-quad IPv4 address. Errors are short reasons; readers add FILE:LINE.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_JSON_LINE_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_JSON_LINE_H_

#include <nlohmann/json.hpp>

#include <string_view>

#include "common/ipv4.h"
#include "common/result.h"

namespace narrowscan {

Result<nlohmann::json> ParseJsonLine(std::string_view line);
Result<Ipv4> JsonIpv4(const nlohmann::json& object);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_JSON_LINE_H_

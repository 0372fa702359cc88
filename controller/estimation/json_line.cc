#include "controller/estimation/json_line.h"

#include <fmt/format.h>

#include "common/printable.h"

namespace narrowscan {

Result<nlohmann::json> ParseJsonLine(std::string_view line) {
  if (const size_t nul = line.find('\0'); nul != std::string_view::npos)
    return Error{fmt::format("NUL byte at column {} (it would end the line early)", nul + 1)};
  nlohmann::json doc = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (doc.is_discarded()) return Error{"not valid JSON"};
  return doc;
}

Result<Ipv4> JsonIpv4(const nlohmann::json& object) {
  auto it = object.find("ip");
  if (it == object.end()) return Error{"missing \"ip\""};
  if (!it->is_string()) return Error{"\"ip\" is not a string"};
  auto ip = ParseIpv4(it->get_ref<const std::string&>());
  if (!ip.ok()) return Error{fmt::format("\"ip\": {}", Printable(ip.error()))};
  return *ip;
}

}  // namespace narrowscan

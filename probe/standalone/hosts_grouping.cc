#include "probe/standalone/hosts_grouping.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/utf8.h"
#include "probe/standalone/result_json.h"

namespace narrowscan {

void HostsGrouping::Add(const ScanResult& r) {
  if (r.state != PortState::kOpen) return;
  Banner b;
  b.service = r.service;
  b.banner = r.banner;
  if (r.tls) {
    b.tls = true;
    b.subject = r.tls->subject;
    b.issuer = r.tls->issuer;
  }
  hosts_[r.ip][r.port] = std::move(b);
}

Status HostsGrouping::AddResultsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read"};
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      // The last line of a killed scan may be cut short; anything else is corrupt.
      if (in.peek() == EOF) break;
      return Error{path + ":" + std::to_string(number) + ": not JSON"};
    }
    auto r = ResultFromJson(j);
    if (!r.ok()) return Error{path + ":" + std::to_string(number) + ": " + r.error()};
    Add(*r);
  }
  return Status::Ok();
}

Status HostsGrouping::Write(std::FILE* out) const {
  for (const auto& [ip, ports] : hosts_) {
    nlohmann::ordered_json host;
    host["ip"] = FormatIpv4(ip);
    nlohmann::ordered_json open = nlohmann::ordered_json::array(),
                           banners = nlohmann::ordered_json::array();
    for (const auto& [port, b] : ports) {
      open.push_back(port);
      if (b.banner.empty() && !b.tls && b.service.empty()) continue;
      nlohmann::ordered_json e;
      e["port"] = port;
      if (!b.service.empty()) e["service"] = b.service;
      if (IsValidUtf8(b.banner)) {
        e["banner"] = b.banner;
      } else {
        e["banner_b64"] = Base64Encode(b.banner);
      }
      if (b.tls) e["tls"] = nlohmann::ordered_json{{"subject", b.subject}, {"issuer", b.issuer}};
      banners.push_back(std::move(e));
    }
    host["open_ports"] = std::move(open);
    host["banners"] = std::move(banners);
    const std::string line =
        host.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
      return Error{"writing hosts output failed"};
    }
  }
  return Status::Ok();
}

}  // namespace narrowscan

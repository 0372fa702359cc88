#include "controller/report/ground_truth.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace narrowscan {

namespace {
std::string StringOr(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

Result<TruthRecord> ParseTruthLine(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Error{"not a JSON object"};
  TruthRecord r;
  r.ip = StringOr(j, "ip");
  if (r.ip.empty()) return Error{"missing \"ip\""};
  if (auto noise = j.find("noise"); noise != j.end()) {
    if (!noise->is_boolean()) return Error{"\"noise\" is not true or false"};
    r.noise = noise->get<bool>();
  }
  if (auto id = j.find("host_id"); id != j.end()) {
    if (id->is_string())
      r.host_id = id->get<std::string>();
    else if (id->is_number_integer())
      r.host_id = std::to_string(id->get<int64_t>());
    else
      return Error{fmt::format("\"host_id\" {} is not a string or an integer", id->dump())};
  }
  if (auto ports = j.find("open_ports"); ports != j.end()) {
    if (!ports->is_array()) return Error{"\"open_ports\" is not an array"};
    for (const auto& p : *ports) {
      if (!p.is_number_integer() || p.get<int64_t>() < 1 || p.get<int64_t>() > 65535)
        return Error{fmt::format("bad port {} in \"open_ports\"", p.dump())};
      r.open_ports.push_back(static_cast<uint16_t>(p.get<int64_t>()));
    }
  }
  auto label = j.find("label");
  if (!r.noise && label != j.end() && label->is_object()) {
    DeviceIdentity id{StringOr(*label, "vendor"), StringOr(*label, "type"),
                      StringOr(*label, "product"), StringOr(*label, "model")};
    if (!id.vendor.empty() || !id.type.empty()) r.host.label = std::move(id);
  }
  return r;
}

Status GroundTruth::AddLine(std::string_view line, std::string_view source, size_t line_number) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Status::Ok();
  auto rec = ParseTruthLine(line);
  if (!rec.ok()) return Error{fmt::format("{}:{}: {}", source, line_number, rec.error())};
  std::string ip = rec->ip;
  if (const TruthRecord* old = Find(ip); old && !old->host_id.empty())
    ip_of_host_id_.erase(old->host_id);  // a later line for the same ip replaces it
  if (!rec->host_id.empty()) {
    auto [it, added] = ip_of_host_id_.try_emplace(rec->host_id, ip);
    if (!added && it->second != ip)
      return Error{fmt::format("{}:{}: host_id \"{}\" already names {}", source, line_number,
                               rec->host_id, it->second)};
  }
  hosts_[ip] = std::move(rec.value());
  return Status::Ok();
}

const TruthRecord* GroundTruth::Find(const std::string& ip) const {
  auto it = hosts_.find(ip);
  return it == hosts_.end() ? nullptr : &it->second;
}

const TruthRecord* GroundTruth::FindHostId(const std::string& host_id) const {
  auto it = ip_of_host_id_.find(host_id);
  return it == ip_of_host_id_.end() ? nullptr : Find(it->second);
}

Result<GroundTruth> LoadGroundTruth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open ground truth", path)};
  GroundTruth truth;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (Status s = truth.AddLine(line, path, ++n); !s.ok()) return Error{s.error()};
  }
  if (in.bad()) return Error{fmt::format("{}: read error", path)};
  return truth;
}

}  // namespace narrowscan

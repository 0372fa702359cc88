#include "tests/testbed/ground_truth.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tests/testbed/json_text.h"

namespace narrowscan::testbed {

void AppendGroundTruthLine(const Population& population, const Host& host, std::string* out) {
  const Profile& profile = population.ProfileOf(host);
  const Label& label = profile.label;
  out->append("{\"ip\":\"");
  out->append(host.ip_text);
  fmt::format_to(std::back_inserter(*out), "\",\"host_id\":{},\"label\":{{", host.id);
  const std::pair<const char*, const std::string*> fields[] = {
      {"vendor", &label.vendor}, {"type", &label.type},        {"product", &label.product},
      {"model", &label.model},   {"firmware", &host.firmware}, {"profile", &profile.id}};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out->push_back(',');
    fmt::format_to(std::back_inserter(*out), "\"{}\":", fields[i].first);
    AppendJsonString(*fields[i].second, out);
  }
  out->append("},\"open_ports\":[");
  for (size_t i = 0; i < host.open_ports.size(); ++i) {
    fmt::format_to(std::back_inserter(*out), "{}{}", i > 0 ? "," : "", host.open_ports[i]);
  }
  fmt::format_to(std::back_inserter(*out), "],\"noise\":{},\"revision\":{}}}\n",
                 profile.noise ? "true" : "false", host.revision);
}

Status WriteGroundTruth(const Population& population, const std::string& path) {
  const std::string temporary = path + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr)
    return Error{fmt::format("{}: cannot write: {}", temporary, std::strerror(errno))};
  std::string line;
  bool ok = true;
  for (const Host& host : population.hosts) {
    line.clear();
    AppendGroundTruthLine(population, host, &line);
    ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size();
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return Error{fmt::format("{}: write failed: {}", temporary, std::strerror(errno))};
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Error{fmt::format("{}: cannot rename into place: {}", path, std::strerror(errno))};
  }
  return Status::Ok();
}

}  // namespace narrowscan::testbed

#include "tests/testbed/connection_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace narrowscan::testbed {

ConnectionLog::~ConnectionLog() {
  if (file_ != nullptr) std::fclose(file_);
}

Status ConnectionLog::Open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr)
    return Error{fmt::format("{}: cannot open log: {}", path, std::strerror(errno))};
  return Status::Ok();
}

void ConnectionLog::Record(const std::string& src, uint16_t src_port, const std::string& dst,
                           uint16_t dst_port) {
  ++recorded_;
  if (file_ == nullptr) return;
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  line_.clear();
  fmt::format_to(
      std::back_inserter(line_),
      "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"src\":\"{}\",\"src_port\":{},"
      "\"dst_ip\":\"{}\",\"dst_port\":{}}}\n",
      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000,
      src, src_port, dst, dst_port);
  std::fwrite(line_.data(), 1, line_.size(), file_);
  std::fflush(file_);
}

}  // namespace narrowscan::testbed

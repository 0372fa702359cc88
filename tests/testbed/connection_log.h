// ConnectionLog: one JSON line per connection the testbed accepts, written and flushed
// as it happens so scope tests can check which (ip, port) a scanner touched:
//   {"time":"2026-11-29T21:45:00.123Z","src":"127.0.0.1","src_port":40312,
//    "dst_ip":"127.10.3.7","dst_port":80}
// A closed log (no path given) records nothing.
#ifndef NARROWSCAN_TESTS_TESTBED_CONNECTION_LOG_H_
#define NARROWSCAN_TESTS_TESTBED_CONNECTION_LOG_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/result.h"

namespace narrowscan::testbed {

class ConnectionLog {
 public:
  ConnectionLog() = default;
  ~ConnectionLog();
  ConnectionLog(const ConnectionLog&) = delete;
  ConnectionLog& operator=(const ConnectionLog&) = delete;

  // Appends to `path` (creates it).
  Status Open(const std::string& path);
  void Record(const std::string& src, uint16_t src_port, const std::string& dst, uint16_t dst_port);
  uint64_t recorded() const { return recorded_; }

 private:
  std::FILE* file_ = nullptr;
  std::string line_;
  uint64_t recorded_ = 0;
};

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_CONNECTION_LOG_H_

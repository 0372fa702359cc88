// Ground truth of a population (the testbed writes it; a user may write one by hand
// from manual review, as the paper's §5.2 sample does): one JSON object a line,
//   {"ip":"127.10.3.7","label":{"vendor":"NEC","type":"router","product":"…",
//    "model":"WG1200HP","firmware":"1.3.2"},"open_ports":[80,443],"noise":false,
//    "host_id":"h17"}
// A host is identifiable when it is not noise and its label names a vendor or a type.
// `host_id` (optional, string or integer) names the simulated device across truths of
// successive rounds, so a host that moved to another address can be told from a new
// one; it is unique within one truth.
// Pure: the caller reads the lines.
#ifndef NARROWSCAN_CONTROLLER_REPORT_GROUND_TRUTH_H_
#define NARROWSCAN_CONTROLLER_REPORT_GROUND_TRUTH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "controller/report/sweep.h"

namespace narrowscan {

struct TruthRecord {
  std::string ip;
  TruthHost host;  // label unset for noise / unidentifiable hosts
  std::vector<uint16_t> open_ports;
  bool noise = false;   // not an IoT device (hosting, mail, bare greetings)
  std::string host_id;  // empty: the line has none
};

Result<TruthRecord> ParseTruthLine(std::string_view line);

// ip → record. Errors name the source and line (a host_id given twice is one).
class GroundTruth {
 public:
  Status AddLine(std::string_view line, std::string_view source, size_t line_number);
  const TruthRecord* Find(const std::string& ip) const;
  const TruthRecord* FindHostId(const std::string& host_id) const;
  const std::unordered_map<std::string, TruthRecord>& hosts() const { return hosts_; }

 private:
  std::unordered_map<std::string, TruthRecord> hosts_;
  std::unordered_map<std::string, std::string> ip_of_host_id_;
};

Result<GroundTruth> LoadGroundTruth(const std::string& path);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_GROUND_TRUTH_H_

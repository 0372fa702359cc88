// Ground truth of a population (the testbed writes it; a user may write one by hand
// from manual review, as the paper's §5.2 sample does): one JSON object a line,
//   {"ip":"127.10.3.7","label":{"vendor":"NEC","type":"router","product":"…",
//    "model":"WG1200HP","firmware":"1.3.2"},"open_ports":[80,443],"noise":false}
// A host is identifiable when it is not noise and its label names a vendor or a type.
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
};

Result<TruthRecord> ParseTruthLine(std::string_view line);

// ip → record. Errors name the source and line.
class GroundTruth {
 public:
  Status AddLine(std::string_view line, std::string_view source, size_t line_number);
  const TruthRecord* Find(const std::string& ip) const;
  const std::unordered_map<std::string, TruthRecord>& hosts() const { return hosts_; }

 private:
  std::unordered_map<std::string, TruthRecord> hosts_;
};

Result<GroundTruth> LoadGroundTruth(const std::string& path);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_GROUND_TRUTH_H_

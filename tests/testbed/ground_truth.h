// Ground truth: one JSON object a line per host of the population, for scoring scans
// and estimates:
//   {"ip":"127.10.3.7","host_id":42,"label":{"vendor":"NEC","type":"router",
//    "product":"Aterm WG1200HP","model":"WG1200HP","firmware":"1.3.2",
//    "profile":"nec-aterm-wg1200hp"},"open_ports":[80,443],"noise":false,"revision":0}
// `host_id` names the simulated device (kept when it moves, new when one appears);
// `noise` marks hosts that are not IoT (hosting, mail); `revision` counts the changes
// applied to the host since start (a move is one). Silent space has no lines.
#ifndef NARROWSCAN_TESTS_TESTBED_GROUND_TRUTH_H_
#define NARROWSCAN_TESTS_TESTBED_GROUND_TRUTH_H_

#include <string>

#include "common/result.h"
#include "tests/testbed/population.h"

namespace narrowscan::testbed {

void AppendGroundTruthLine(const Population& population, const Host& host, std::string* out);

// Writes all hosts to `path` atomically (temporary file + rename), so a reader never
// sees a half-written truth between rounds.
Status WriteGroundTruth(const Population& population, const std::string& path);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_GROUND_TRUTH_H_

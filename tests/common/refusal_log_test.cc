#include "common/refusal_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace narrowscan {
namespace {

using std::chrono::seconds;

TEST(RefusalLog, AFloodIsOneLinePerReasonAndMinute) {
  std::vector<std::string> lines;
  RefusalLog log([&](const std::string& l) { lines.push_back(l); });
  const auto t0 = RefusalLog::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 10000; ++i)
    log.Note("probe 'p1': round " + std::to_string(i) + " has ended", t0 + seconds(i % 30));
  log.Note("probe 'p1': bad signature", t0 + seconds(31));
  ASSERT_EQ(lines.size(), 2u);  // the first of each reason, in full
  EXPECT_EQ(lines[0], "probe 'p1': round 0 has ended");
  EXPECT_EQ(lines[1], "probe 'p1': bad signature");
  log.Flush(t0 + seconds(59));
  EXPECT_EQ(lines.size(), 2u);  // the window is not over
  log.Flush(t0 + seconds(61));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "refused 9999 more in the last 60 s: probe 'p1': round 9999 has ended");
  EXPECT_EQ(log.total(), 10001u);
  log.Note("probe 'p1': round 1 has ended", t0 + seconds(62));  // a new window logs again
  EXPECT_EQ(lines.size(), 4u);
}

TEST(RefusalLog, ReasonsBeyondTheCapAreCountedTogether) {
  std::vector<std::string> lines;
  RefusalLog log([&](const std::string& l) { lines.push_back(l); }, seconds(60), 2);
  const auto t0 = RefusalLog::Clock::time_point{} + seconds(5);
  log.Note("a", t0);
  log.Note("b", t0);
  log.Note("c", t0);
  log.Note("d", t0);
  log.Flush(t0 + seconds(60));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "refused 2 more in the last 60 s for other reasons");
  EXPECT_EQ(RefusalLog::ReasonOf("round 12 seq 345"), "round # seq #");
}

}  // namespace
}  // namespace narrowscan

// The probe's spool on a real folder: bounded, ack deletes, survives a reopen.
#include "probe/agent/spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace narrowscan {
namespace {

TEST(Spool, KeepsBatchesUntilAckedAcrossReopen) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("fleet-spool-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  {
    Spool s = std::move(Spool::Open(dir, 1000).value());
    for (uint64_t seq = 1; seq <= 4; ++seq)
      ASSERT_TRUE(s.Put(7, seq, std::vector<uint8_t>(200, static_cast<uint8_t>(seq))).ok());
    EXPECT_EQ(s.Depth(), 4u);
    EXPECT_FALSE(s.Full());
    ASSERT_TRUE(s.Put(7, 5, std::vector<uint8_t>(200, 5)).ok());
    EXPECT_TRUE(s.Full());  // 1000 bytes: the producer must pause
    EXPECT_EQ(s.Ack(7, 2), 2u);
    EXPECT_FALSE(s.Full());
    EXPECT_FALSE(s.Drained());     // 600 >= 500: not yet below half
    EXPECT_EQ(s.Ack(8, 100), 0u);  // another round's ack deletes nothing here
  }
  std::ofstream(dir + "/r7-s6.batch.tmp") << "torn write";
  Spool s = std::move(Spool::Open(dir, 1000).value());
  EXPECT_EQ(s.Pending(), (std::vector<std::pair<uint64_t, uint64_t>>{{7, 3}, {7, 4}, {7, 5}}));
  EXPECT_EQ(s.Read(7, 4).value(), std::vector<uint8_t>(200, 4));
  EXPECT_FALSE(std::filesystem::exists(dir + "/r7-s6.batch.tmp"));
  EXPECT_EQ(s.Ack(7, 5), 3u);
  EXPECT_TRUE(s.Drained());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace narrowscan

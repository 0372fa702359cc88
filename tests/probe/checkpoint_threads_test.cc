// Resume files of multi-thread scans: one position per thread, the format number, and
// the one-position files of format 1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "probe/standalone/checkpoint.h"
#include "probe/standalone/scan_options.h"

namespace narrowscan {
namespace {

std::string CheckpointPath() {
  return (std::filesystem::temp_directory_path() /
          ("narrowscan-checkpoint-threads-" + std::to_string(::getpid()) + ".json"))
      .string();
}

TEST(Checkpoint, OnePositionPerThreadRoundTrips) {
  const std::string path = CheckpointPath();
  Checkpoint c{7, 0, 1, 0, "00000000000000aa", "00000000000000bb", false, 3, {11, 0, 12}};
  ASSERT_TRUE(SaveCheckpoint(path, c).ok());
  auto loaded = LoadCheckpoint(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(**loaded, c);
  std::remove(path.c_str());
}

TEST(Checkpoint, FormatOneLoadsAsOneThreadAndUnknownFormatsAreRefused) {
  const std::string path = CheckpointPath();
  std::ofstream(path) << R"({"format":1,"seed":5,"shard":0,"shards":1,"position":42,)"
                      << R"("scan_hash":"a","exclusions_hash":"b","complete":false})";
  auto loaded = LoadCheckpoint(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ((*loaded)->threads, 1u);
  EXPECT_EQ((*loaded)->position, 42u);
  EXPECT_TRUE((*loaded)->positions.empty());

  std::ofstream(path)
      << R"({"format":2,"seed":5,"shard":0,"shards":1,"threads":2,)"
      << R"("positions":[1],"scan_hash":"a","exclusions_hash":"b","complete":false})";
  auto short_positions = LoadCheckpoint(path);
  ASSERT_FALSE(short_positions.ok());
  EXPECT_NE(short_positions.error().find("2 threads"), std::string::npos)
      << short_positions.error();

  std::ofstream(path) << R"({"format":3})";
  auto future = LoadCheckpoint(path);
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().find("format 3"), std::string::npos) << future.error();
  std::remove(path.c_str());
}

TEST(ScanOptions, ThreadsDefaultAndBounds) {
  EXPECT_GE(DefaultScanThreads(), 1u);
  EXPECT_LE(DefaultScanThreads(), 4u);
  auto threads_of = [](std::optional<uint32_t> threads) {
    ScanOptions options;
    options.targets = "127.0.0.0/30";
    options.ports = "80";
    options.no_default_excludes = true;
    options.threads = threads;
    return ResolveScanOptions(options);
  };
  EXPECT_EQ(threads_of(std::nullopt).value().config.threads, DefaultScanThreads());
  EXPECT_EQ(threads_of(3).value().config.threads, 3u);
  for (uint32_t bad : {0u, kMaxScanThreads + 1}) {
    auto refused = threads_of(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("--threads"), std::string::npos) << refused.error();
  }
}

}  // namespace
}  // namespace narrowscan

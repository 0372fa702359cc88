#include "common/exclusion_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace narrowscan {
namespace {

Ipv4 A(const char* text) { return ParseIpv4(text).value(); }

TEST(ParseExclusionList, CommentsRangesAndSingles) {
  const char* text =
      "# opt-outs\n"
      "\n"
      "10.0.0.0/8          # whole private block\n"
      "  192.0.2.5\n"
      "198.51.100.10-198.51.100.20\r\n"
      "\t# indented comment\n"
      "203.0.113.0/24";  // no final newline
  auto set = ParseExclusionList(text, "opt.txt");
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(set->Size(), (uint64_t{1} << 24) + 1 + 11 + 256);
  EXPECT_TRUE(set->Contains(A("10.200.1.1")));
  EXPECT_TRUE(set->Contains(A("192.0.2.5")));
  EXPECT_FALSE(set->Contains(A("192.0.2.6")));
  EXPECT_TRUE(set->Contains(A("198.51.100.20")));
  EXPECT_FALSE(set->Contains(A("198.51.100.21")));
  EXPECT_TRUE(set->Contains(A("203.0.113.255")));
}

TEST(ParseExclusionList, EmptyAndCommentOnlyAreEmptySets) {
  EXPECT_TRUE(ParseExclusionList("", "x")->Empty());
  EXPECT_TRUE(ParseExclusionList("# nothing\n\n   \n", "x")->Empty());
}

TEST(ParseExclusionList, ErrorsNameSourceLineAndEntry) {
  auto r = ParseExclusionList("10.0.0.0/8\n# ok\n1.2.3.4/40\n", "block.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("block.conf:3:"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("'1.2.3.4/40'"), std::string::npos) << r.error();
  r = ParseExclusionList("1.2.3.4\nexample.com\n", "f");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("f:2:"), std::string::npos) << r.error();
  r = ParseExclusionList("1.2.3.4 5.6.7.8\n", "f");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("f:1:"), std::string::npos) << r.error();
  EXPECT_FALSE(ParseExclusionList("1.2.3.9-1.2.3.1", "f").ok());
}

TEST(LoadExclusionFile, ReadsFileAndNamesMissingPath) {
  auto dir = std::filesystem::temp_directory_path() / ("ns_excl_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "ex.txt").string();
  std::ofstream(path) << "127.0.0.0/8\n";
  auto set = LoadExclusionFile(path);
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_TRUE(set->Contains(A("127.1.2.3")));
  auto missing = LoadExclusionFile((dir / "missing.txt").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("missing.txt"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(DefaultReservedRanges, CoversSpecialPurposeSpaceOnly) {
  const RangeSet& r = DefaultReservedRanges();
  for (const char* a : {"0.1.2.3", "10.1.1.1", "100.64.0.1", "127.0.0.1", "169.254.1.1",
                        "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1",
                        "198.18.0.1", "198.19.255.255", "198.51.100.1", "203.0.113.1", "224.0.0.1",
                        "239.255.255.255", "240.0.0.1", "255.255.255.255"}) {
    EXPECT_TRUE(r.Contains(A(a))) << a;
  }
  for (const char* a : {"1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                        "198.20.0.1", "223.255.255.255", "11.0.0.0", "9.255.255.255"}) {
    EXPECT_FALSE(r.Contains(A(a))) << a;
  }
}

TEST(AllowedTargets, ScopeMinusExclusions) {
  RangeSet scope({*ParseIpv4Range("127.0.0.0/24")});
  RangeSet excluded({*ParseIpv4Range("127.0.0.10-127.0.0.19")});
  RangeSet allowed = AllowedTargets(scope, excluded);
  EXPECT_EQ(allowed.Size(), 246u);
  EXPECT_FALSE(allowed.Contains(A("127.0.0.15")));
  EXPECT_TRUE(AllowedTargets(scope, DefaultReservedRanges()).Empty());
}

}  // namespace
}  // namespace narrowscan

#include "common/port_list.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(ParsePortList, SortsAndDeduplicates) {
  EXPECT_EQ(ParsePortList("443,80,22,80").value(), (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(ParsePortList("8000-8003, 1").value(),
            (std::vector<uint16_t>{1, 8000, 8001, 8002, 8003}));
  EXPECT_EQ(ParsePortList("65535").value(), (std::vector<uint16_t>{65535}));
  EXPECT_EQ(ParsePortList("1-65535")->size(), 65535u);
}

TEST(ParsePortList, RefusesBadItemsNamingThem) {
  for (const char* bad : {"", "0", "65536", "80,", ",80", "80,,81", "90-80", "a", "80-", "-80",
                          "1-2-3", "99999999999"}) {
    auto r = ParsePortList(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(ParsePortList("22,0").error().find("port 0"), std::string::npos);
  EXPECT_NE(ParsePortList("22,70000").error().find("70000"), std::string::npos);
  EXPECT_NE(ParsePortList("90-80").error().find("reversed"), std::string::npos);
}

TEST(FormatPortList, CompactsRunsAndRoundTrips) {
  EXPECT_EQ(FormatPortList({22, 80, 81, 443}), "22,80-81,443");
  EXPECT_EQ(FormatPortList({}), "");
  for (const char* text : {"22,80-81,443", "1-65535", "7", "1,3,5-9,65535"}) {
    EXPECT_EQ(FormatPortList(ParsePortList(text).value()), text);
  }
}

}  // namespace
}  // namespace narrowscan

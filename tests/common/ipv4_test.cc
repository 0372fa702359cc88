#include "common/ipv4.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(ParseIpv4, AcceptsDottedQuads) {
  EXPECT_EQ(ParseIpv4("0.0.0.0").value(), 0u);
  EXPECT_EQ(ParseIpv4("255.255.255.255").value(), 0xffffffffu);
  EXPECT_EQ(ParseIpv4("192.0.2.7").value(), 0xc0000207u);
  EXPECT_EQ(ParseIpv4("127.0.0.1").value(), 0x7f000001u);
  EXPECT_EQ(ParseIpv4("10.0.0.0").value(), 0x0a000000u);
}

TEST(ParseIpv4, RefusesMalformedTextNamingIt) {
  for (const char* bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1..2.3", "1.2.3.", ".1.2.3",
        "01.2.3.4", "1.2.3.04", "+1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.a", "1.2.3.4/8",
        "1000.2.3.4", "1.2.3.-1", "0x1.2.3.4"}) {
    auto r = ParseIpv4(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find(std::string("'") + bad + "'"), std::string::npos) << r.error();
  }
}

TEST(FormatIpv4, RoundTrips) {
  for (Ipv4 a : {0u, 1u, 0x7f000001u, 0xc0a80101u, 0xffffffffu, 0x01020304u}) {
    EXPECT_EQ(ParseIpv4(FormatIpv4(a)).value(), a);
  }
  EXPECT_EQ(FormatIpv4(0x01020304u), "1.2.3.4");
}

TEST(ParseIpv4Range, CidrMasksHostBits) {
  auto r = ParseIpv4Range("10.1.2.3/8").value();
  EXPECT_EQ(r.first, 0x0a000000u);
  EXPECT_EQ(r.last, 0x0affffffu);
  EXPECT_EQ(ParseIpv4Range("0.0.0.0/0")->size(), uint64_t{1} << 32);
  EXPECT_EQ(ParseIpv4Range("1.2.3.4/32")->size(), 1u);
  EXPECT_EQ(ParseIpv4Range("1.2.3.4/31")->first, 0x01020304u);
}

TEST(ParseIpv4Range, RangesAndSingles) {
  auto r = ParseIpv4Range("1.2.3.4-1.2.4.0").value();
  EXPECT_EQ(r.first, 0x01020304u);
  EXPECT_EQ(r.last, 0x01020400u);
  EXPECT_EQ(ParseIpv4Range("1.2.3.4 - 1.2.3.9")->size(), 6u);
  EXPECT_EQ(ParseIpv4Range("9.9.9.9").value(), (Ipv4Range{0x09090909u, 0x09090909u}));
}

TEST(ParseIpv4Range, RefusesBadInput) {
  for (const char* bad : {"", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/x", "1.2.3.4/08", "1.2.3/8",
                          "1.2.3.9-1.2.3.4", "1.2.3.4-", "-1.2.3.4", "1.2.3.4-1.2.3"}) {
    EXPECT_FALSE(ParseIpv4Range(bad).ok()) << bad;
  }
  EXPECT_NE(ParseIpv4Range("1.2.3.9-1.2.3.4").error().find("above"), std::string::npos);
}

TEST(FormatIpv4Range, CidrWhenExactlyOneBlock) {
  EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range("10.0.0.0/8")), "10.0.0.0/8");
  EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range("0.0.0.0/0")), "0.0.0.0/0");
  EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range("1.2.3.4")), "1.2.3.4/32");
  EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range("1.2.3.1-1.2.3.2")), "1.2.3.1-1.2.3.2");
  EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range("1.2.3.0-1.2.3.2")), "1.2.3.0-1.2.3.2");
  for (const char* text : {"5.6.0.0/16", "1.2.3.0-1.2.3.2", "255.255.255.255/32"}) {
    EXPECT_EQ(FormatIpv4Range(*ParseIpv4Range(text)), text);
  }
}

TEST(Slash24, UpperBits) {
  EXPECT_EQ(Slash24(*ParseIpv4("1.2.3.4")), Slash24(*ParseIpv4("1.2.3.255")));
  EXPECT_NE(Slash24(*ParseIpv4("1.2.3.4")), Slash24(*ParseIpv4("1.2.4.4")));
}

}  // namespace
}  // namespace narrowscan

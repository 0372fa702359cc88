#include "controller/curate/port_certificates.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(PortCertificates, FindsTheNamesOfThePortOnly) {
  PortCertificates c;
  c.Add(0x7F000001, 443, "CN=a", "CN=ca");
  ASSERT_NE(c.Find(0x7F000001, 443), nullptr);
  EXPECT_EQ(c.Find(0x7F000001, 443)->subject, "CN=a");
  EXPECT_EQ(c.Find(0x7F000001, 443)->issuer, "CN=ca");
  EXPECT_EQ(c.Find(0x7F000001, 8443), nullptr);
  EXPECT_EQ(c.Find(0x7F000002, 443), nullptr);
  // ip and port do not blur into each other.
  EXPECT_EQ(c.Find(0x7F000001 >> 1, 443), nullptr);
}

TEST(PortCertificates, FirstNamesWinAndEmptyOnesAreIgnored) {
  PortCertificates c;
  c.Add(1, 443, "", "");
  EXPECT_EQ(c.Find(1, 443), nullptr);
  c.Add(1, 443, "", "CN=issuer only");
  c.Add(1, 443, "CN=later", "CN=later ca");
  ASSERT_NE(c.Find(1, 443), nullptr);
  EXPECT_EQ(c.Find(1, 443)->subject, "");
  EXPECT_EQ(c.Find(1, 443)->issuer, "CN=issuer only");
  EXPECT_EQ(c.ports(), 1u);
}

TEST(PortCertificates, DistinctPairsStayDistinct) {
  PortCertificates c;
  // Joined naively, these two pairs would read the same.
  c.Add(1, 1, "CN=a", "bCN=c");
  c.Add(2, 1, "CN=ab", "CN=c");
  c.Add(3, 1, "CN=a", "bCN=c");
  EXPECT_EQ(c.Find(1, 1)->issuer, "bCN=c");
  EXPECT_EQ(c.Find(2, 1)->subject, "CN=ab");
  EXPECT_EQ(c.Find(3, 1), c.Find(1, 1));  // stored once
}

}  // namespace
}  // namespace narrowscan

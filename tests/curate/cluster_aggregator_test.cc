#include "controller/curate/cluster_aggregator.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(ClusterAggregator, GroupsIdenticalContentWithCountsIpsPortsAndTimes) {
  ClusterAggregator a;
  NormalizedBanner cam{"http", "HTTP/1.1 401\r\nServer: Boa\r\n\r\n", "", ""};
  NormalizedBanner other{"ssh", "SSH-2.0-dropbear", "", ""};
  a.Add(cam, 10, 80, 100, 1);
  a.Add(cam, 11, 8080, 50, 2);
  a.Add(cam, 10, 80, 200, 3);
  a.Add(other, 10, 22, 70, 4);
  auto clusters = a.Finish();
  ASSERT_EQ(clusters.size(), 2u);
  const Cluster& c = clusters[0];
  EXPECT_EQ(c.key, ClusterKeyOf(cam));
  EXPECT_EQ(c.banner_count, 3u);
  EXPECT_EQ(c.ips, (std::vector<Ipv4>{10, 11}));
  EXPECT_EQ(c.ports, (std::vector<uint16_t>{80, 8080}));
  EXPECT_EQ(c.first_seen, 50);
  EXPECT_EQ(c.last_seen, 200);
  EXPECT_EQ(c.sample_banner_id, 1);
  EXPECT_EQ(c.banner_ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(clusters[1].banner_count, 1u);
}

TEST(ClusterKey, DependsOnEveryPartAndOnContentOnly) {
  NormalizedBanner b{"http", "x", "CN=a", "CN=b"};
  EXPECT_EQ(ClusterKeyOf(b), ClusterKeyOf(NormalizedBanner{"http", "x", "CN=a", "CN=b"}));
  EXPECT_NE(ClusterKeyOf(b), ClusterKeyOf(NormalizedBanner{"tls", "x", "CN=a", "CN=b"}));
  EXPECT_NE(ClusterKeyOf(b), ClusterKeyOf(NormalizedBanner{"http", "x", "CN=b", "CN=a"}));
  EXPECT_NE(ClusterKeyOf(NormalizedBanner{"ab", "c", "", ""}),
            ClusterKeyOf(NormalizedBanner{"a", "bc", "", ""}));
}

TEST(ClusterKey, FormatsAndParses) {
  uint64_t key = 0x00ab00cd00ef0012ULL;
  EXPECT_EQ(FormatClusterKey(key), "00ab00cd00ef0012");
  auto back = ParseClusterKey("00ab00cd00ef0012");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, key);
  EXPECT_FALSE(ParseClusterKey("00ab").ok());
  EXPECT_FALSE(ParseClusterKey("zzab00cd00ef0012").ok());
}

}  // namespace
}  // namespace narrowscan

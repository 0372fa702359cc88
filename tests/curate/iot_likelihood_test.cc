#include "controller/curate/iot_likelihood.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

IotFeatureSet Features(std::string_view banner, std::vector<uint16_t> ports,
                       std::string_view service = "http") {
  return ExtractIotFeatures(NormalizedBanner{std::string(service), std::string(banner), "", ""},
                            ports);
}

TEST(IotFeatures, FindsWhatAReviewerLooksAt) {
  IotFeatureSet cam = Features(
      "HTTP/1.0 401 Unauthorized\r\nServer: Boa/0.94\r\nWWW-Authenticate: Basic realm=\"IP "
      "Camera\"\r\n\r\n",
      {80, 554});
  EXPECT_TRUE(cam >> kEmbeddedServer & 1);
  EXPECT_TRUE(cam >> kAuthRealm & 1);
  EXPECT_TRUE(cam >> kDeviceWord & 1);
  EXPECT_TRUE(cam >> kDevicePort & 1);
  EXPECT_FALSE(cam >> kGenericServer & 1);
  IotFeatureSet web = Features(
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Powered-By: PHP/8\r\n\r\n<title>My blog</title>",
      {80, 443});
  EXPECT_TRUE(web >> kGenericServer & 1);
  EXPECT_TRUE(web >> kWebPortsOnly & 1);
  EXPECT_TRUE(web >> kHostingWords & 1);
  EXPECT_EQ(ParseIotFeatures(FormatIotFeatures(cam)), cam);
  EXPECT_EQ(ParseIotFeatures("embedded-server,unknown-name"), IotFeatureSet{1} << kEmbeddedServer);
}

TEST(IotLikelihood, PriorsRankDevicesAboveServers) {
  IotLikelihood m;
  double cam = m.Score(Features(
      "HTTP/1.0 401\r\nServer: GoAhead-Webs\r\nWWW-Authenticate: Basic realm=\"camera\"\r\n\r\n",
      {80, 554}));
  double web = m.Score(
      Features("HTTP/1.1 200 OK\r\nServer: Apache\r\n\r\n<title>hosting</title>", {80, 443}));
  EXPECT_GT(cam, 0.5);
  EXPECT_LT(web, 0.5);
  EXPECT_GT(cam, web);
}

TEST(IotLikelihood, LearnsFromDecisions) {
  IotLikelihood m;
  IotFeatureSet odd =
      Features("HTTP/1.1 200 OK\r\nServer: Jetty\r\n\r\n<title>Panel</title>", {8080});
  double before = m.Score(odd);
  for (int i = 0; i < 30; ++i) m.Learn(odd, true);
  EXPECT_GT(m.Score(odd), before);
  EXPECT_EQ(m.decisions(), 30);
  IotLikelihood n;
  for (int i = 0; i < 30; ++i) n.Learn(odd, false);
  EXPECT_LT(n.Score(odd), before);
}

}  // namespace
}  // namespace narrowscan

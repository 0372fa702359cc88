#include "controller/curate/keyword_suggester.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

namespace narrowscan {
namespace {

TEST(KeywordSuggester, PrefersDistinctiveFieldValuesAndTokens) {
  KeywordSuggester s;
  NormalizedBanner aterm{
      "http",
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Aterm(HT)\"\r\n"
      "Content-Type: text/html\r\n\r\n<title>401 Unauthorized</title>",
      "", ""};
  s.AddCluster(aterm, 80);
  for (int i = 0; i < 5; ++i)
    s.AddCluster(
        NormalizedBanner{"http",
                         "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"dev" +
                             std::to_string(i) +
                             "\"\r\nContent-Type: text/html\r\n\r\n"
                             "<title>401 Unauthorized</title>",
                         "", ""},
        80);
  auto got = s.Suggest(aterm, 80, 5);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].field, "http.realm");
  EXPECT_EQ(got[0].text, "Aterm(HT)");
  EXPECT_EQ(got[0].clusters_with, 1);
  RE2 re(got[0].regex);
  EXPECT_TRUE(RE2::PartialMatch("Aterm(HT)", re)) << got[0].regex;
  for (const auto& k : got) {
    EXPECT_NE(k.text, "Unauthorized");  // in every cluster: not distinctive
    EXPECT_NE(k.text, "text");
  }
}

TEST(KeywordSuggester, PlaceholdersAreNeverSuggested) {
  KeywordSuggester s;
  NormalizedBanner b{
      "http", "HTTP/1.1 200 OK\r\nServer: CamSrv <hex>\r\n\r\n<title>Cam <n></title>", "", ""};
  s.AddCluster(b, 80);
  for (const auto& k : s.Suggest(b, 80, 20)) {
    EXPECT_EQ(k.text.find('<'), std::string::npos) << k.text;
    EXPECT_NE(k.text, "hex");
  }
}

}  // namespace
}  // namespace narrowscan

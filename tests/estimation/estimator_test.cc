#include "controller/estimation/estimator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "controller/estimation/device_db_loader.h"

namespace narrowscan {
namespace {

DeviceDb Db(std::string_view toml) {
  DeviceDbLoader loader;
  Status s = loader.AddText(toml, "test.toml");
  EXPECT_TRUE(s.ok()) << s.error();
  return loader.TakeDb();
}

Estimator Make(std::string_view toml, EstimatorOptions options = {}) {
  auto e = Estimator::Create(Db(toml), options);
  EXPECT_TRUE(e.ok()) << e.error();
  return std::move(e.value());
}

Host HostWith(std::vector<std::pair<uint16_t, std::string>> banners,
              std::vector<uint16_t> open = {}) {
  Host h;
  h.ip = "127.0.0.1";
  h.open_ports = std::move(open);
  for (auto& [port, text] : banners) {
    BannerRecord r;
    r.port = port;
    r.banner = std::move(text);
    h.banners.push_back(std::move(r));
  }
  return h;
}

constexpr char kRouterDb[] = R"(
[[device]]
id = "router-a"
vendor = "Acme"
type = "router"
ports = [80, 443, 8080]
[[device.keyword]]
field = "http.realm"
regex = '^Acme$'
weight = 0.6
[[device.keyword]]
field = "http.server"
regex = '^AcmeHTTPd'
weight = 0.2
[[device.keyword]]
field = "ssh.banner"
regex = 'dropbear'
weight = 0.2
)";

TEST(Estimator, BannerScoreSumsTheWeightsOfMatchingKeywords) {
  const Estimator e = Make(kRouterDb, {.alpha = 1.0, .threshold = 0.0});
  const std::string realm = "HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"Acme\"\r\n\r\n";
  const std::string server = "HTTP/1.0 200 OK\r\nServer: AcmeHTTPd/1\r\n\r\n";
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({{80, realm}}), 0).banner_score, 0.6);
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({{80, realm}, {8080, server}}), 0).banner_score, 0.8);
  // A keyword counts once, however many banners it matches.
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({{80, realm}, {81, realm}}), 0).banner_score, 0.6);
  EXPECT_DOUBLE_EQ(
      e.Evaluate(HostWith({{80, realm}, {8080, server}, {22, "SSH-2.0-dropbear_2020\r\n"}}), 0)
          .banner_score,
      1.0);
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({{80, "HTTP/1.0 200 OK\r\n\r\n"}}), 0).banner_score, 0.0);
}

TEST(Estimator, PortScoreIsJaccard) {
  const Estimator e = Make(kRouterDb, {.alpha = 0.0, .threshold = 0.0});
  // Ps = {80, 443, 22} (open ports plus banner ports), Pd = {80, 443, 8080}: 2 / 4.
  const DeviceMatch m = e.Evaluate(HostWith({{22, "x"}}, {80, 443, 443}), 0);
  EXPECT_DOUBLE_EQ(m.port_score, 0.5);
  EXPECT_DOUBLE_EQ(m.score, 0.5);  // alpha 0: S = Sp
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({}, {80, 443, 8080}), 0).port_score, 1.0);
  EXPECT_DOUBLE_EQ(e.Evaluate(HostWith({}, {}), 0).port_score, 0.0);
}

TEST(Estimator, ScoreMixesWithAlpha) {
  const Estimator e = Make(kRouterDb, {.alpha = 0.25, .threshold = 0.0});
  const std::string realm = "HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"Acme\"\r\n\r\n";
  const DeviceMatch m = e.Evaluate(HostWith({{80, realm}}, {80, 443}), 0);  // Sb .6, Sp 2/3
  EXPECT_DOUBLE_EQ(m.score, 0.25 * 0.6 + 0.75 * (2.0 / 3.0));
}

TEST(Estimator, ThresholdIncludesTheBoundaryDespiteRounding) {
  const Estimator e = Make(kRouterDb);  // th 0.8, alpha 1
  const std::string realm = "HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"Acme\"\r\n\r\n";
  const std::string server = "HTTP/1.0 200 OK\r\nServer: AcmeHTTPd/1\r\n\r\n";
  EXPECT_TRUE(e.Estimate(HostWith({{80, realm}})).empty());                // 0.6 < 0.8
  const auto found = e.Estimate(HostWith({{80, realm}, {8080, server}}));  // 0.6 + 0.2
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].device, "router-a");
  EXPECT_EQ(found[0].vendor, "Acme");
  EXPECT_EQ(found[0].type, "router");
  EXPECT_EQ(found[0].level, 3);
}

TEST(Estimator, PortsAloneCanEstimateWhenAlphaAllowsIt) {
  // 1 - alpha >= th: entries with no keyword hit are candidates too.
  const Estimator e = Make(kRouterDb, {.alpha = 0.1, .threshold = 0.5});
  const auto found = e.Estimate(HostWith({}, {80, 443, 8080}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_DOUBLE_EQ(found[0].score, 0.9);
}

TEST(Estimator, OrdersByScoreThenLevelThenDbOrder) {
  const Estimator e = Make(R"(
[[device]]
id = "type-only"
type = "camera"
[[device.keyword]]
regex = 'cam'
weight = 0.9
[[device]]
id = "generic"
[[device.keyword]]
regex = 'cam'
weight = 0.9
[[device]]
id = "with-model"
model = "X1"
[[device.keyword]]
regex = 'cam'
weight = 0.9
[[device]]
id = "best"
[[device.keyword]]
regex = 'cam'
weight = 1.0
[[device]]
id = "generic-later"
[[device.keyword]]
regex = 'cam'
weight = 0.9
[[device]]
id = "miss"
[[device.keyword]]
regex = 'nothing'
weight = 1.0
)");
  const auto found = e.Estimate(HostWith({{80, "a cam here"}}));
  std::vector<std::string> ids;
  for (const auto& m : found) ids.push_back(m.device);
  EXPECT_EQ(ids, (std::vector<std::string>{"best", "with-model", "type-only", "generic",
                                           "generic-later"}));
}

TEST(Estimator, CapturesFillValuesAndAttributes) {
  const Estimator e = Make(R"(
[[device]]
id = "cam"
vendor = "Hik{_v}"
product = "{3} series"
attributes = { cpe = "cpe:/h:x:{model}", empty = "{9}" }
[[device.keyword]]
field = "http.title"
regex = '^(?P<_v>vision) (?P<model>DS-\w+) (\w+) fw(?P<version>[\d.]+)(?P<serial> #\d+)?(?P<channel>x)?'
weight = 1.0
)");
  const auto found = e.Estimate(
      HostWith({{80, "HTTP/1.0 200 OK\r\n\r\n<title>vision DS-2CD ultra fw5.4.1 #77</title>"}}));
  ASSERT_EQ(found.size(), 1u);
  const DeviceMatch& m = found[0];
  EXPECT_EQ(m.vendor, "Hikvision");
  EXPECT_EQ(m.product, "ultra series");
  EXPECT_EQ(m.model, "DS-2CD");
  EXPECT_EQ(m.version, "5.4.1");
  EXPECT_EQ(m.level, 4);  // a captured model number
  EXPECT_EQ(m.attributes.at("cpe"), "cpe:/h:x:DS-2CD");
  EXPECT_EQ(m.attributes.at("serial"), " #77");
  EXPECT_EQ(m.attributes.count("_v"), 0u);       // hidden group
  EXPECT_EQ(m.attributes.count("channel"), 0u);  // did not take part
  EXPECT_EQ(m.attributes.count("empty"), 0u);    // expands to nothing
}

TEST(Estimator, LevelsFollowTable2) {
  const Estimator e = Make(R"(
[[device]]
id = "l4"
model = "M"
[[device.keyword]]
regex = 'x'
weight = 1.0
[[device]]
id = "l3"
vendor = "V"
type = "nas"
[[device.keyword]]
regex = 'x'
weight = 1.0
[[device]]
id = "l2"
vendor = "V"
type = "embedded-server"
[[device.keyword]]
regex = 'x'
weight = 1.0
[[device]]
id = "l1"
type = "printer"
[[device.keyword]]
regex = 'x'
weight = 1.0
[[device]]
id = "l0"
type = "embedded-server"
[[device.keyword]]
regex = 'x'
weight = 1.0
)");
  const Host h = HostWith({{1, "x"}});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(e.Evaluate(h, static_cast<size_t>(i)).level, 4 - i) << i;
  EXPECT_EQ(DeriveLevel("", "", ""), 0);
}

TEST(Estimator, MatchesBytesAsLatin1) {
  const Estimator e = Make(R"(
[[device]]
id = "latin"
[[device.keyword]]
regex = '\xff\xfe(?P<version>.)caf'
weight = 0.5
[[device.keyword]]
regex = 'café'
weight = 0.5
)");
  // \xe9 alone is not UTF-8; the regex `.` takes one byte. The UTF-8 é of the pattern
  // matches the same two bytes in the banner.
  const auto found = e.Estimate(HostWith({{23,
                                           "\xff\xfe\xe9"
                                           "caf\xc3\xa9"}}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].version, "\xe9");
  EXPECT_TRUE(e.Estimate(HostWith({{23,
                                    "\xff\xfe\xe9"
                                    "caf\xe9"}}))
                  .empty());  // Latin-1 é only
}

TEST(Estimator, HeaderFieldsMatchByLowerCaseName) {
  const Estimator e = Make(R"(
[[device]]
id = "php"
[[device.keyword]]
field = "http.header.x-powered-by"
regex = '^PHP/5'
weight = 1.0
)");
  EXPECT_EQ(e.Estimate(HostWith({{80, "HTTP/1.0 200 OK\r\nX-POWERED-BY: PHP/5.1\r\n\r\n"}})).size(),
            1u);
  EXPECT_TRUE(e.Estimate(HostWith({{80, "HTTP/1.0 200 OK\r\nX-Other: PHP/5.1\r\n\r\n"}})).empty());
}

TEST(Estimator, AnchoredAndUnanchoredKeywordsOfOneFieldBothWork) {
  const Estimator e = Make(R"(
[[device]]
id = "a"
[[device.keyword]]
regex = '^start'
weight = 1.0
[[device]]
id = "b"
[[device.keyword]]
regex = 'middle'
weight = 1.0
[[device]]
id = "c"
[[device.keyword]]
regex = '^nope|middle'
weight = 1.0
[[device]]
id = "d"
[[device.keyword]]
regex = '(?m)^line2$'
weight = 1.0
)");
  std::vector<std::string> ids;
  for (const auto& m : e.Estimate(HostWith({{1, "start middle\nline2\n"}})))
    ids.push_back(m.device);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(e.Estimate(HostWith({{1, "not start"}})).empty());
}

TEST(Estimator, SmallSetsGiveTheSameAnswer) {
  std::string toml;
  for (int i = 0; i < 50; ++i) {
    toml += "[[device]]\nid = \"d" + std::to_string(i) + "\"\n[[device.keyword]]\nregex = 'k" +
            std::to_string(i) + "\\b'\nweight = 1.0\n";
  }
  const Estimator big = Make(toml);
  const Estimator small = Make(toml, {.max_set_size = 3});
  EXPECT_GT(small.set_count(), big.set_count());
  const Host h = HostWith({{1, "k7 k13 k49 k5x"}});
  ASSERT_EQ(big.Estimate(h).size(), 3u);
  ASSERT_EQ(small.Estimate(h).size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(big.Estimate(h)[i].device, small.Estimate(h)[i].device);
}

TEST(Estimator, RefusesOptionsOutOfRange) {
  EXPECT_FALSE(Estimator::Create(DeviceDb{}, {.alpha = 1.5}).ok());
  EXPECT_FALSE(Estimator::Create(DeviceDb{}, {.threshold = -0.1}).ok());
  DeviceDb db;
  db.entries.push_back(DeviceEntry{.id = "x", .keywords = {Keyword{.regex = "(", .weight = 1}}});
  auto e = Estimator::Create(std::move(db));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().find("does not compile"), std::string::npos);
}

TEST(Estimator, ConcurrentConstUseGivesTheSameResults) {
  const Estimator e = Make(kRouterDb, {.alpha = 1.0, .threshold = 0.5});
  const std::vector<Host> hosts = {
      HostWith({{80, "HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"Acme\"\r\n\r\n"}}),
      HostWith({{80, "HTTP/1.0 200 OK\r\nServer: nginx\r\n\r\n"}}),
      HostWith({{22, "SSH-2.0-dropbear\r\n"},
                {80, "HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"Acme\"\r\n\r\n"}})};
  std::vector<size_t> expected;
  for (const Host& h : hosts) expected.push_back(e.Estimate(h).size());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        const size_t k = static_cast<size_t>(i) % hosts.size();
        if (e.Estimate(hosts[k]).size() != expected[k]) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(expected, (std::vector<size_t>{1, 0, 1}));
}

}  // namespace
}  // namespace narrowscan

namespace narrowscan {
namespace {

// A budget too small for any set: every keyword runs as its own regex, same answers.
TEST(Estimator, SetsThatDoNotFitMemoryFallBackToTheSameAnswer) {
  std::string toml;
  for (int i = 0; i < 40; ++i) {
    toml += "[[device]]\nid = \"d" + std::to_string(i) + "\"\n[[device.keyword]]\nregex = '(?i)k" +
            std::to_string(i) + "[a-z]*\\d{2,5}.*x'\nweight = 1.0\n";
  }
  const Estimator roomy = Make(toml);
  const Estimator split = Make(toml, {.set_max_mem = 4 << 10});  // one keyword a set
  const Estimator starved = Make(toml, {.set_max_mem = 256});    // no set at all
  // One set of all 40 keywords, and one of those the prefilter cannot rule out by
  // literals (all 40: their literals, "k1", are shorter than it uses).
  EXPECT_EQ(roomy.set_count(), 2u);
  EXPECT_GT(split.set_count(), 1u);
  EXPECT_EQ(starved.set_count(), 0u);
  std::string banner;
  for (int i = 0; i < 200; ++i) banner += "k" + std::to_string(i % 50) + "abc123 zz ";
  banner += "x";
  const auto a = roomy.Estimate(HostWith({{1, banner}}));
  ASSERT_EQ(a.size(), 40u);
  for (const Estimator* e : {&split, &starved}) {
    const auto b = e->Estimate(HostWith({{1, banner}}));
    ASSERT_EQ(b.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].device, b[i].device);
  }
}

}  // namespace
}  // namespace narrowscan

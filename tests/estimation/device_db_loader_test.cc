#include "controller/estimation/device_db_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace narrowscan {
namespace {

constexpr char kGood[] = R"([[device]]
id = "nec-aterm-wg1200hp"
vendor = "NEC"
product = "Aterm WG1200HP"
model = "WG1200HP"
type = "router"
ports = [8080, 80, 443, 80]
description = "a router"
attributes = { "os.family" = "Linux" }

  [[device.keyword]]
  field = "http.realm"
  regex = '^Aterm\(HT\)$'
  weight = 0.6

  [[device.keyword]]
  field = "http.title"
  regex = 'WG1200HP(?:\s+v(?P<version>[\d.]+))?'
  weight = 0.4

  [[device.example]]
  port = 80
  service = "http"
  banner = "HTTP/1.1 401 Unauthorized\r\n\r\n"
  tls = { subject = "CN=a", issuer = "CN=b" }
  expect = { model = "WG1200HP", level = 4, secure = true }

  [[device.example]]
  banner_b64 = "/w=="
  expect_match = false

[[device]]
id = "boa"
[[device.keyword]]
regex = "Boa/"
weight = 1
)";

Result<DeviceDb> Load(std::string_view text, std::vector<std::string>* skipped = nullptr,
                      bool skip_invalid = false) {
  DeviceDbLoader loader({.skip_invalid = skip_invalid});
  if (Status s = loader.AddText(text, "db.toml"); !s.ok()) return Error{s.error()};
  if (skipped) *skipped = loader.skipped();
  return loader.TakeDb();
}

std::string LoadError(std::string_view text) {
  auto db = Load(text);
  return db.ok() ? "<loaded>" : db.error();
}

TEST(DeviceDbLoader, LoadsEveryKey) {
  auto db = Load(kGood);
  ASSERT_TRUE(db.ok()) << db.error();
  ASSERT_EQ(db->entries.size(), 2u);
  const DeviceEntry& d = db->entries[0];
  EXPECT_EQ(d.id, "nec-aterm-wg1200hp");
  EXPECT_EQ(d.vendor, "NEC");
  EXPECT_EQ(d.product, "Aterm WG1200HP");
  EXPECT_EQ(d.model, "WG1200HP");
  EXPECT_EQ(d.type, "router");
  EXPECT_EQ(d.description, "a router");
  EXPECT_EQ(d.ports, (std::vector<uint16_t>{80, 443, 8080}));
  EXPECT_EQ(d.attributes.at("os.family"), "Linux");
  EXPECT_EQ(d.file, "db.toml");
  EXPECT_EQ(d.line, 1);
  ASSERT_EQ(d.keywords.size(), 2u);
  EXPECT_EQ(d.keywords[0].field, "http.realm");
  EXPECT_EQ(d.keywords[0].weight, 0.6);
  EXPECT_EQ(d.keywords[0].line, 13);
  ASSERT_NE(d.keywords[1].compiled, nullptr);
  EXPECT_TRUE(d.keywords[1].compiled->ok());
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_EQ(d.examples[0].port, 80);
  EXPECT_EQ(d.examples[0].service, "http");
  EXPECT_EQ(d.examples[0].tls_subject, "CN=a");
  EXPECT_EQ(d.examples[0].tls_issuer, "CN=b");
  EXPECT_EQ(d.examples[0].expect.at("level"), "4");
  EXPECT_EQ(d.examples[0].expect.at("secure"), "true");
  EXPECT_TRUE(d.examples[0].expect_match);
  EXPECT_EQ(d.examples[1].banner, "\xff");
  EXPECT_FALSE(d.examples[1].expect_match);
  EXPECT_EQ(db->entries[1].keywords[0].field, "raw");
  EXPECT_EQ(db->entries[1].keywords[0].weight, 1.0);  // an integer weight is a number too
}

// Every refusal names the file and the line of the problem.
TEST(DeviceDbLoader, RefusalsNameFileAndLine) {
  const struct {
    const char* toml;
    const char* error;
  } kCases[] = {
      {"[[device]]\nid = \"a\"\nfoo = 1\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:3: device 'a': unknown key 'foo' in device"},
      {"[[device]]\n[[device.keyword]]\nregex='x'\nweight=1\n", "db.toml:1: device without 'id'"},
      {"[[device]]\nid = \"Bad Id\"\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:2: device 'Bad Id': id 'Bad Id' is malformed"},
      {"[[device]]\nid = \"a\"\ntype = \"toaster\"\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:3: device 'a': unknown type 'toaster'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nfield='http.cookie'\nregex='x'\nweight=1\n",
       "db.toml:4: device 'a': unknown field 'http.cookie'"},
      {"[[device]]\nid = "
       "\"a\"\n[[device.keyword]]\nfield='http.header.X-Up'\nregex='x'\nweight=1\n",
       "db.toml:4: device 'a': unknown field 'http.header.X-Up'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='(unclosed'\nweight=1\n",
       "db.toml:4: device 'a': regex '(unclosed' does not compile: missing )"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=0\n",
       "db.toml:5: device 'a': weight 0 must be > 0"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=-0.5\n",
       "db.toml:5: device 'a': weight -0.5 must be > 0"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=0.7\n[[device.keyword]]\n"
       "regex='y'\nweight=0.4\n",
       "db.toml:4: device 'a': keyword weights sum to 1.1 > 1"},
      {"[[device]]\nid = \"a\"\nports = [80, 0]\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:3: device 'a': port 0 is outside 1-65535"},
      {"[[device]]\nid = \"a\"\nports = [65536]\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:3: device 'a': port 65536 is outside 1-65535"},
      {"[[device]]\nid = \"a\"\n", "db.toml:1: device 'a': device has no keyword"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nweight=1\n",
       "db.toml:3: device 'a': keyword without 'regex'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\n",
       "db.toml:3: device 'a': keyword without 'weight'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\nfield2='raw'\n",
       "db.toml:6: device 'a': unknown key 'field2' in keyword"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\n[[device.example]]\n"
       "banner='a'\nbanner_b64='YQ=='\n",
       "db.toml:6: device 'a': example has both 'banner' and 'banner_b64'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\n[[device.example]]\n"
       "banner_b64='!!'\n",
       "db.toml:7: device 'a': banner_b64: base64: invalid character"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\n[[device.example]]\n"
       "port=1\n",
       "db.toml:6: device 'a': example without 'banner', 'banner_b64' or 'tls'"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\n[[device.example]]\n"
       "banner='x'\nexpected={}\n",
       "db.toml:8: device 'a': unknown key 'expected' in example"},
      {"[[device]]\nid = \"a\"\nvendor = 3\n[[device.keyword]]\nregex='x'\nweight=1\n",
       "db.toml:3: device 'a': 'vendor' must be a string"},
      {"[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1\n"
       "[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='y'\nweight=1\n",
       "db.toml:6: device 'a': duplicate id 'a'"},
      {"devices = 1\n", "db.toml:1: unknown top-level key 'devices'"},
      {"[[device]]\nid = \"a\nx\"\n", "db.toml:2: "},  // not TOML
  };
  for (const auto& c : kCases) {
    const std::string error = LoadError(c.toml);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << "got: " << error << "\nwant prefix: " << c.error;
  }
}

// A hostile DB cannot make loading take minutes: the length and the compiled size of a
// keyword regex are capped, and the error names the cap and the line.
TEST(DeviceDbLoader, KeywordRegexesAreCappedInLengthAndProgramSize) {
  const std::string keyword_at_4 = "[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='";
  const std::string long_one = LoadError(keyword_at_4 + std::string(17000, 'a') + "'\nweight=1\n");
  EXPECT_EQ(long_one.rfind("db.toml:4: device 'a': regex '", 0), 0u) << long_one.substr(0, 300);
  EXPECT_NE(long_one.find("regex of 17000 bytes is over the 16384-byte cap"), std::string::npos);
  EXPECT_LT(long_one.size(), 600u) << "the pattern is not echoed whole";
  std::string big;  // 808 bytes, about 101000 instructions
  for (int i = 0; i < 101; ++i) big += "\\w{1000}";
  const std::string huge = LoadError(keyword_at_4 + big + "'\nweight=1\n");
  EXPECT_EQ(huge.rfind("db.toml:4: device 'a': regex '", 0), 0u) << huge.substr(0, 300);
  EXPECT_NE(huge.find("instructions, over the cap of 100000"), std::string::npos) << huge;
  EXPECT_EQ(LoadError(keyword_at_4 + std::string(16000, 'a') + "'\nweight=1\n"), "<loaded>");
}

TEST(DeviceDbLoader, WeightSumToleratesRounding) {
  // 0.1 * 10 is 0.9999999999999999 or 1.0000000000000002 depending on order: both load.
  std::string toml = "[[device]]\nid = \"a\"\n";
  for (int i = 0; i < 10; ++i)
    toml += "[[device.keyword]]\nregex='x" + std::to_string(i) + "'\nweight=0.1\n";
  EXPECT_EQ(LoadError(toml), "<loaded>");
  const std::string over =
      LoadError("[[device]]\nid = \"a\"\n[[device.keyword]]\nregex='x'\nweight=1.000001\n");
  EXPECT_NE(over.find("keyword weights sum to 1.000001 > 1"), std::string::npos) << over;
}

TEST(DeviceDbLoader, SkipInvalidReportsEveryBadEntryAndKeepsTheRest) {
  const char* toml =
      "[[device]]\nid = \"good1\"\n[[device.keyword]]\nregex='x'\nweight=1\n"
      "[[device]]\nid = \"bad1\"\ntype = \"nope\"\n[[device.keyword]]\nregex='x'\nweight=1\n"
      "[[device]]\nid = \"bad2\"\n[[device.keyword]]\nregex='('\nweight=1\n"
      "[[device]]\nid = \"good2\"\n[[device.keyword]]\nregex='y'\nweight=1\n";
  EXPECT_NE(LoadError(toml).find("bad1"), std::string::npos);  // fails on the first by default
  std::vector<std::string> skipped;
  auto db = Load(toml, &skipped, true);
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(db->entries.size(), 2u);
  EXPECT_EQ(db->entries[0].id, "good1");
  EXPECT_EQ(db->entries[1].id, "good2");
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].rfind("db.toml:8: device 'bad1'", 0), 0u) << skipped[0];
  EXPECT_EQ(skipped[1].rfind("db.toml:15: device 'bad2'", 0), 0u) << skipped[1];
}

class DeviceDbFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ns-db-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(DeviceDbFolder, LoadsTomlFilesInNameOrderAndFindsDuplicatesAcrossFiles) {
  Write("b.toml", "[[device]]\nid = \"second\"\n[[device.keyword]]\nregex='b'\nweight=1\n");
  Write("a.toml", "[[device]]\nid = \"first\"\n[[device.keyword]]\nregex='a'\nweight=1\n");
  Write("notes.txt", "not a DB");
  auto db = LoadDeviceDb({dir_.string()});
  ASSERT_TRUE(db.ok()) << db.error();
  ASSERT_EQ(db->entries.size(), 2u);
  EXPECT_EQ(db->entries[0].id, "first");
  EXPECT_EQ(db->entries[1].id, "second");
  EXPECT_EQ(db->entries[0].file, (dir_ / "a.toml").string());

  Write("c.toml", "\n[[device]]\nid = \"first\"\n[[device.keyword]]\nregex='c'\nweight=1\n");
  auto dup = LoadDeviceDb({dir_.string()});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), (dir_ / "c.toml").string() + ":2: device 'first': duplicate id 'first'");
}

TEST_F(DeviceDbFolder, MissingPathsAndEmptyFolders) {
  auto missing = LoadDeviceDb({(dir_ / "nope.toml").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), (dir_ / "nope.toml").string() + ": cannot open");
  auto empty = LoadDeviceDb({dir_.string()});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().find("no *.toml"), std::string::npos);
}

}  // namespace
}  // namespace narrowscan

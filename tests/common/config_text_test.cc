// The pieces every configuration reader shares: the nearest-key hint, the MQTT URI
// check, Printable, and TomlConfigFile's strict key and value reads.
#include <gtest/gtest.h>

#include <string>

#include "common/mqtt_uri.h"
#include "common/nearest_key.h"
#include "common/printable.h"
#include "common/toml_config_file.h"

namespace narrowscan {
namespace {

TEST(NearestKey, TyposAndKeysInTheWrongTable) {
  const std::vector<std::string_view> known = {"exclude_file", "scope", "scan.rate_cap",
                                               "spool.max_bytes"};
  EXPECT_EQ(EditDistance("exclude_files", "exclude_file"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(NearestKey("exclude_flie", known), "exclude_file");
  EXPECT_EQ(NearestKey("exlude_file", known), "exclude_file");
  EXPECT_EQ(NearestKey("rate_cap", known), "scan.rate_cap");  // top level, belongs in [scan]
  EXPECT_EQ(NearestKey("scan.max_bytes", known), "spool.max_bytes");  // wrong table
  EXPECT_EQ(NearestKey("colour", known), "");                         // nothing close
  EXPECT_EQ(DidYouMean("scoep", known), " (did you mean 'scope'?)");
  EXPECT_EQ(DidYouMean("zzzzzz", known), "");
}

TEST(MqttUri, AcceptsWhatTheClientCanConnectTo) {
  for (const char* uri : {"tcp://127.0.0.1:1883", "ssl://broker.example:8883", "mqtt://localhost",
                          "ws://127.0.0.1:9001/mqtt", "tcp://[::1]:1883"}) {
    EXPECT_TRUE(CheckMqttUri(uri).ok()) << uri << ": " << CheckMqttUri(uri).error();
  }
}

TEST(MqttUri, RefusesWhatCannotBeParsedAndCredentials) {
  for (const char* uri : {"127.0.0.1:1883", "http://127.0.0.1", "tcp://", "tcp://:1883",
                          "tcp://127.0.0.1:", "tcp://127.0.0.1:0", "tcp://127.0.0.1:65536",
                          "tcp://127.0.0.1:18x3", "tcp://127.0.0.1:1883/path", "tcp://[::1"}) {
    EXPECT_FALSE(CheckMqttUri(uri).ok()) << uri;
  }
  Status creds = CheckMqttUri("tcp://user:s3cret@127.0.0.1:1883");
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.error().find("credentials"), std::string::npos) << creds.error();
  EXPECT_EQ(creds.error().find("s3cret"), std::string::npos) << "the password is masked";
  EXPECT_EQ(MaskMqttUri("tcp://u:p@h:1/x@y"), "tcp://***@h:1/x@y");
  EXPECT_EQ(MaskMqttUri("tcp://h:1"), "tcp://h:1");
}

TEST(Printable, EscapesControlCharactersAndBadBytes) {
  EXPECT_EQ(Printable("plain text"), "plain text");
  EXPECT_EQ(Printable("a\x1b[2Jb\r\n"), "a\\x1b[2Jb\\x0d\\x0a");
  EXPECT_EQ(Printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(Printable("back\\slash"), "back\\\\slash");
  EXPECT_EQ(Printable("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 kept
  EXPECT_EQ(Printable("caf\xe9"), "caf\\xe9");         // Latin-1 byte escaped
  EXPECT_EQ(Printable("\xc2\x9b"
                      "31m"),
            "\\xc2\\x9b31m");  // C1 CSI escaped
  EXPECT_EQ(Printable(std::string(300, 'a'), 10), std::string(10, 'a') + "…");
}

TEST(TomlConfigFile, UnknownKeysNameFileLineAndNearestKey) {
  const std::vector<std::string_view> known = {"exclude_file", "scan.rate_cap", "mqtt.uri"};
  auto f = TomlConfigFile::Parse("exclude_file = \"x\"\nexclude_flie = \"y\"\n", "p.toml");
  ASSERT_TRUE(f.ok()) << f.error();
  Status s = f->CheckKnownKeys(known);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "p.toml:2: unknown key 'exclude_flie' (did you mean 'exclude_file'?)");

  auto wrong_table = TomlConfigFile::Parse("[mqtt]\nuri = \"tcp://h\"\nrate_cap = 5\n", "p.toml");
  ASSERT_TRUE(wrong_table.ok());
  s = wrong_table->CheckKnownKeys(known);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "p.toml:3: unknown key 'mqtt.rate_cap' (did you mean 'scan.rate_cap'?)");

  auto unknown_table = TomlConfigFile::Parse("[scna]\nrate_cap = 5\n", "p.toml");
  ASSERT_TRUE(unknown_table.ok());
  s = unknown_table->CheckKnownKeys(known);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("p.toml:1: unknown key 'scna'"), std::string::npos) << s.error();

  auto good = TomlConfigFile::Parse("exclude_file = \"\"\n[scan]\nrate_cap = 1\n", "p.toml");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->CheckKnownKeys(known).ok());
}

TEST(TomlConfigFile, TypedReadsRefuseWrongTypesAndRanges) {
  auto f = TomlConfigFile::Parse("n = -3\nx = \"fast\"\nr = 0.0\nb = 1\nnan = nan\n[t]\nk = 7\n",
                                 "c.toml");
  ASSERT_TRUE(f.ok()) << f.error();
  auto n = f->Integer("n", 1, 1, 10);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), "c.toml:1: n: -3 is outside 1..10");
  auto x = f->Integer("x", 1, 1, 10);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error(), "c.toml:2: x: must be an integer");
  EXPECT_FALSE(f->Number("r", 1, 0, 10, /*lo_open=*/true).ok());
  EXPECT_TRUE(f->Number("r", 1, 0, 10).ok());
  EXPECT_FALSE(f->Number("nan", 1, 0, 10).ok());
  EXPECT_FALSE(f->Bool("b", true).ok());
  EXPECT_FALSE(f->String("n", "").ok());
  EXPECT_EQ(*f->Integer("t.k", 1, 1, 10), 7);
  EXPECT_EQ(*f->Integer("t.absent", 4, 1, 10), 4);
  EXPECT_DOUBLE_EQ(*f->Number("t.k", 0, 0, 10), 7.0);  // an integer is a number
}

TEST(TomlConfigFile, SyntaxErrorsAreEscaped) {
  auto f = TomlConfigFile::Parse("a = \"\x1b[2J\n", "s.toml");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().find("s.toml:1"), std::string::npos) << f.error();
  EXPECT_EQ(f.error().find('\x1b'), std::string::npos) << f.error();
}

}  // namespace
}  // namespace narrowscan

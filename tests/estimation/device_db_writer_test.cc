#include "controller/estimation/device_db_writer.h"

#include <gtest/gtest.h>

#include "controller/estimation/device_db_loader.h"

namespace narrowscan {
namespace {

TEST(DeviceDbWriter, WrittenDbLoadsBackEqual) {
  DeviceEntry d;
  d.id = "odd-values";
  d.vendor = "Quote ' and \" and \\ and {1}";
  d.product = "tab\tnewline\ncontrol\x01";
  d.model = "M";
  d.version = "{1}";
  d.type = "router";
  d.description = "line1\nline2";
  d.ports = {22, 80};
  d.attributes = {{"os.family", "Linux"}, {"cpe", "cpe:/h:x:y"}};
  d.keywords.push_back({.field = "http.title", .regex = R"(^a'b\x{ff}(\d+)$)", .weight = 0.5});
  d.keywords.push_back({.field = "raw", .regex = "plain", .weight = 0.25});
  DeviceExample e1;
  e1.port = 80;
  e1.service = "http";
  e1.banner = "HTTP/1.0 200 OK\r\n\r\n\xff not utf-8";
  e1.expect = {{"model", "M"}, {"level", "4"}};
  DeviceExample e2;
  e2.field = "http.title";
  e2.banner = "";
  e2.tls_subject = "CN=a\\,b";
  e2.expect_match = false;
  d.examples = {e1, e2};

  const std::string toml = FormatDeviceDbToml({d}, "comment line 1\ncomment line 2");
  EXPECT_EQ(toml.rfind("# comment line 1\n# comment line 2\n", 0), 0u);
  DeviceDbLoader loader;
  Status s = loader.AddText(toml, "w.toml");
  ASSERT_TRUE(s.ok()) << s.error() << "\n" << toml;
  const DeviceDb db = loader.TakeDb();
  ASSERT_EQ(db.entries.size(), 1u);
  const DeviceEntry& r = db.entries[0];
  EXPECT_EQ(r.id, d.id);
  EXPECT_EQ(r.vendor, d.vendor);
  EXPECT_EQ(r.product, d.product);
  EXPECT_EQ(r.model, d.model);
  EXPECT_EQ(r.version, d.version);
  EXPECT_EQ(r.type, d.type);
  EXPECT_EQ(r.description, d.description);
  EXPECT_EQ(r.ports, d.ports);
  EXPECT_EQ(r.attributes, d.attributes);
  ASSERT_EQ(r.keywords.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.keywords[i].field, d.keywords[i].field);
    EXPECT_EQ(r.keywords[i].regex, d.keywords[i].regex);
    EXPECT_EQ(r.keywords[i].weight, d.keywords[i].weight);
  }
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_EQ(r.examples[0].banner, e1.banner);
  EXPECT_EQ(r.examples[0].port, e1.port);
  EXPECT_EQ(r.examples[0].service, e1.service);
  EXPECT_EQ(r.examples[0].expect, e1.expect);
  EXPECT_EQ(r.examples[1].field, "http.title");
  EXPECT_EQ(r.examples[1].tls_subject, e2.tls_subject);
  EXPECT_FALSE(r.examples[1].expect_match);
}

TEST(DeviceDbWriter, TomlStrings) {
  EXPECT_EQ(TomlString("plain \\d"), "'plain \\d'");
  EXPECT_EQ(TomlString("it's"), "\"it's\"");
  EXPECT_EQ(TomlString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(TomlString("\x7f"), "\"\\u007F\"");
}

}  // namespace
}  // namespace narrowscan

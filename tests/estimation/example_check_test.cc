#include "controller/estimation/example_check.h"

#include <gtest/gtest.h>

#include "controller/estimation/device_db_loader.h"

namespace narrowscan {
namespace {

ExampleReport Check(std::string_view toml, double threshold = 0.8) {
  DeviceDbLoader loader;
  Status s = loader.AddText(toml, "x.toml");
  EXPECT_TRUE(s.ok()) << s.error();
  auto e = Estimator::Create(loader.TakeDb(), {.threshold = threshold});
  EXPECT_TRUE(e.ok());
  return CheckExamples(e.value());
}

TEST(ExampleCheck, PassesMatchingExamplesWithTheirValues) {
  const ExampleReport r = Check(R"(
[[device]]
id = "ssh-box"
vendor = "Box"
attributes = { family = "dropbear" }
[[device.keyword]]
field = "ssh.banner"
regex = '^dropbear_(?P<version>[\d.]+)'
weight = 1.0
[[device.example]]
banner = "SSH-2.0-dropbear_2019.78\r\n"
expect = { version = "2019.78", vendor = "Box", level = 2, family = "dropbear" }
[[device.example]]
field = "ssh.banner"
banner = "dropbear_1.0"
expect = { version = "1.0" }
[[device.example]]
banner = "SSH-2.0-OpenSSH_9.2\r\n"
expect_match = false
)");
  EXPECT_EQ(r.examples, 3u);
  EXPECT_EQ(r.passed, 3u);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_EQ(r.entries_without_examples, 0u);
}

TEST(ExampleCheck, ReportsEveryKindOfFailureWithFileAndLine) {
  const ExampleReport r = Check(R"([[device]]
id = "a"
model = "M1"
[[device.keyword]]
regex = 'alpha'
weight = 0.9
[[device.example]]
banner = "beta"
[[device.example]]
banner = "alpha"
expect = { model = "M2", os = "x" }
[[device.example]]
banner = "alpha"
expect_match = false
[[device]]
id = "b"
[[device.keyword]]
regex = 'b'
weight = 1.0
)");
  EXPECT_EQ(r.examples, 3u);
  EXPECT_EQ(r.passed, 0u);
  EXPECT_EQ(r.entries_without_examples, 1u);
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.failures[0], "x.toml:7: device 'a': example does not match (S=0.000 < 0.800)");
  EXPECT_EQ(r.failures[1],
            "x.toml:9: device 'a': expects model 'M2', got 'M1'; expects os 'x', got none");
  EXPECT_EQ(r.failures[2], "x.toml:12: device 'a': negative example matched (S=0.900)");
}

TEST(ExampleCheck, EntriesThatCannotReachTheThresholdMustFireAllKeywords) {
  const char* toml = R"(
[[device]]
id = "soft"
[[device.keyword]]
regex = '^220 '
weight = 0.5
[[device.example]]
banner = "220 hello"
[[device.example]]
banner = "221 bye"
expect_match = false
)";
  const ExampleReport r = Check(toml);
  EXPECT_EQ(r.passed, 2u) << (r.failures.empty() ? "" : r.failures[0]);
}

}  // namespace
}  // namespace narrowscan

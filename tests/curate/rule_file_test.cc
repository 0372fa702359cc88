#include "controller/curate/rule_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace narrowscan {
namespace {

TEST(RuleFile, SplitsNameWordsAndRest) {
  auto rules = ReadRuleLines(
      "# comment\n\n   \t\nfirst  banner  (?i)a b\tc  \r\n  # indented comment\n"
      "second\ttls\t\\AHTTP x\n",
      "r.txt", 1);
  ASSERT_TRUE(rules.ok()) << rules.error();
  ASSERT_EQ(rules->size(), 2u);
  const RuleLine& first = (*rules)[0];
  EXPECT_EQ(first.line, 4);
  EXPECT_EQ(first.name, "first");
  ASSERT_EQ(first.words.size(), 1u);
  EXPECT_EQ(first.words[0], "banner");
  EXPECT_EQ(first.rest, "(?i)a b\tc");  // inner blanks kept, trailing ones and \r dropped
  EXPECT_EQ((*rules)[1].line, 6);
  EXPECT_EQ((*rules)[1].rest, "\\AHTTP x");
}

TEST(RuleFile, WordCountIsTheCallers) {
  auto two = ReadRuleLines("n a b rest of it\n", "r", 2);
  ASSERT_TRUE(two.ok()) << two.error();
  EXPECT_EQ((*two)[0].words, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*two)[0].rest, "rest of it");
  auto none = ReadRuleLines("n rest\n", "r", 0);
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_EQ((*none)[0].rest, "rest");
}

TEST(RuleFile, ErrorsSayFileLineAndWhy) {
  auto dup = ReadRuleLines("a x y\n\na x z\n", "dup.txt", 1);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), "dup.txt:3: duplicate rule name 'a'");
  auto name = ReadRuleLines("a/b x y\n", "n.txt", 1);
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error(), "n.txt:1: bad rule name 'a/b'");
  auto rest = ReadRuleLines("ok x y\nshort x   \n", "s.txt", 1);
  ASSERT_FALSE(rest.ok());
  EXPECT_EQ(rest.error(), "s.txt:2: rule 'short' has no regex");
  RuleLine line;
  line.line = 7;
  EXPECT_EQ(RuleError("f", line, "why").message, "f:7: why");
}

TEST(RuleFile, ReadsFilesAndNamesTheMissingOne) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("rule_file_test_" + std::to_string(::getpid()) + ".txt"))
                               .string();
  std::ofstream(path, std::ios::binary) << "a b c\n";
  auto text = ReadRuleFileText(path, "filter rules");
  std::remove(path.c_str());
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text, "a b c\n");
  auto missing = ReadRuleFileText("/nonexistent/rules.txt", "filter rules");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "cannot open filter rules '/nonexistent/rules.txt'");
}

TEST(RuleFile, RegexesRunOnLatin1Bytes) {
  RE2 re("\\A\xe9t\xe9\\z", RuleRegexOptions());
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(RE2::PartialMatch("\xe9t\xe9", re));
  EXPECT_TRUE(RE2::PartialMatch(std::string("\xff\x00", 2), RE2("\\xff\\x00", RuleRegexOptions())));
}

}  // namespace
}  // namespace narrowscan

#include "controller/importers/regex_conversion.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "controller/estimation/device_entry.h"

namespace narrowscan {
namespace {

std::string Pcre(std::string_view p, RegexFlags f = {}) {
  auto r = ConvertRegex(p, RegexDialect::kPcre, f);
  return r.ok() ? r->pattern : "refused: " + r.error();
}
std::string Ruby(std::string_view p, RegexFlags f = {}) {
  auto r = ConvertRegex(p, RegexDialect::kRuby, f);
  return r.ok() ? r->pattern : "refused: " + r.error();
}
bool Matches(const std::string& re2, std::string_view text) {
  return re2::RE2::PartialMatch(text, re2::RE2(re2, KeywordRegexOptions()));
}

TEST(RegexConversion, PcreDollarAlsoMatchesBeforeAFinalNewline) {
  const std::string re = Pcre(R"(^220 ready$)");
  EXPECT_EQ(re, R"(^220 ready(?:\n?\z))");
  EXPECT_TRUE(Matches(re, "220 ready"));
  EXPECT_TRUE(Matches(re, "220 ready\n"));
  EXPECT_FALSE(Matches(re, "220 ready\n\n"));
  EXPECT_FALSE(Matches(re, "220 ready\nmore"));
  EXPECT_EQ(Pcre(R"(a\Z)"), R"(a(?:\n?\z))");
  EXPECT_EQ(Pcre(R"([$]\$)"), R"([$]\$)");      // literal dollars stay
  EXPECT_EQ(Pcre(R"((?m)^a$)"), R"((?m)^a$)");  // a line anchor in RE2 too
}

TEST(RegexConversion, HeaderSkippingIdiomIsRewritten) {
  const std::string re = Pcre(R"(^HTTP/1\.[01] \d\d\d (?:[^\r\n]*\r\n(?!\r\n))*?Server: Boa)");
  EXPECT_EQ(re, R"(^HTTP/1\.[01] \d\d\d (?:[^\r\n]+\r\n)*?Server: Boa)");
  EXPECT_TRUE(Matches(re, "HTTP/1.0 200 OK\r\nDate: x\r\nServer: Boa/0.94\r\n\r\n"));
  EXPECT_FALSE(Matches(re, "HTTP/1.0 200 OK\r\nDate: x\r\n\r\nServer: Boa in the body"));
}

TEST(RegexConversion, FlagsBytesAndSmallRewrites) {
  EXPECT_EQ(Pcre("abc", {.ignore_case = true, .dot_all = true}), "(?is)abc");
  EXPECT_EQ(Pcre("caf\xe9[\xe0-\xff]\\\xff"), R"(caf\xe9[\xe0-\xff]\xff)");
  EXPECT_EQ(Pcre(R"(\x80\xff)"), R"(\x80\xff)");  // escapes are already bytes
  EXPECT_TRUE(Matches(Pcre(R"(^\xff\xfb\x01)"), "\xff\xfb\x01login"));
  EXPECT_EQ(Pcre(R"((?<ver>\d+))"), R"((?P<ver>\d+))");
  EXPECT_EQ(Pcre(R"(a(?#comment)b)"), "ab");
  EXPECT_EQ(Pcre(R"(\h+)"), R"([\t ]+)");
  EXPECT_EQ(Ruby(R"(\h+)"), R"((?m)[0-9a-fA-F]+)");
  EXPECT_TRUE(Matches(Pcre(R"(a\Rb)"), "a\r\nb"));
  EXPECT_EQ(Pcre("[]a]"), "[]a]");
  EXPECT_EQ(Pcre("[[:alpha:]$]"), "[[:alpha:]$]");
  // A multi-byte UTF-8 character stays one atom for a quantifier after it.
  EXPECT_EQ(Ruby("caf\xc3\xa9+"), R"((?m)caf(?:\xc3\xa9)+)");
}

TEST(RegexConversion, RubyAnchorsAreLineAnchorsAndInlineMIsDotAll) {
  const std::string re = Ruby(R"(^b$)");
  EXPECT_TRUE(Matches(re, "a\nb\nc"));
  const std::string dot = Ruby(R"((?m)x.y)");
  EXPECT_EQ(dot, "(?m)(?s)x.y");
  EXPECT_TRUE(Matches(dot, "x\ny"));
  EXPECT_EQ(Ruby(R"((?mi:A.b))"), "(?m)(?si:A.b)");
  EXPECT_TRUE(Matches(Ruby("x.y", {.dot_all = true}), "x\ny"));
  EXPECT_FALSE(Matches(Ruby("x.y"), "x\ny"));
}

TEST(RegexConversion, RefusesWhatRe2CannotDoWithAReason) {
  EXPECT_EQ(Pcre("a(?=b)"), "refused: look-ahead");
  EXPECT_EQ(Pcre("a(?!b)"), "refused: look-ahead");
  EXPECT_EQ(Pcre("(?<=a)b"), "refused: look-behind");
  EXPECT_EQ(Pcre("(?<!a)b"), "refused: look-behind");
  EXPECT_EQ(Pcre(R"((\w)\1)"), "refused: back-reference");
  EXPECT_EQ(Pcre(R"((?P<x>a)(?P=x))"), "refused: back-reference");
  EXPECT_EQ(Pcre(R"(\k<x>)"), "refused: back-reference");
  EXPECT_EQ(Pcre("(?>a+)b"), "refused: atomic group");
  EXPECT_EQ(Pcre("a*+b"), "refused: possessive quantifier");
  EXPECT_EQ(Pcre("a++b"), "refused: possessive quantifier");
  EXPECT_EQ(Pcre(R"(\Ga)"), "refused: \\G");
  EXPECT_EQ(Ruby("(?x) a b "), "refused: extended mode (?x)");
  EXPECT_EQ(Pcre("a{2000}"), "refused: re2: invalid repetition size");
  EXPECT_EQ(Pcre("a\\"), "refused: trailing backslash");
  // Not possessive: a lazy quantifier, an escaped plus, a plus in a class.
  EXPECT_EQ(Pcre(R"(a+?b\++[+]+)"), R"(a+?b\++[+]+)");
}

TEST(RegexConversion, AsIsOnlyAddsFlags) {
  EXPECT_EQ(AsIsRegex("a$", RegexDialect::kPcre, {.ignore_case = true}), "(?i)a$");
  EXPECT_EQ(AsIsRegex("a$", RegexDialect::kRuby, {}), "(?m)a$");
}

}  // namespace
}  // namespace narrowscan

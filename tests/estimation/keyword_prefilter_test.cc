// LiteralMatcher and KeywordPrefilter: unit cases, and the prefilter's contract (never
// rules out a keyword that matches) checked against RE2 itself on real keyword sets:
// the default DB with its examples, Debian's nmap file with a sample string per
// pattern, and the Recog files in ../shared with their examples.
#include "controller/estimation/keyword_prefilter.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "controller/estimation/banner_fields.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_entry.h"
#include "controller/estimation/example_check.h"
#include "controller/estimation/literal_matcher.h"
#include "controller/importers/nmap_service_probes.h"
#include "controller/importers/recog_fingerprints.h"

namespace narrowscan {
namespace {

std::filesystem::path SourceDir() {
  const char* src = std::getenv("NARROWSCAN_SOURCE_DIR");
  return src ? src : ".";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<uint32_t> Found(const LiteralMatcher& m, std::string_view text) {
  std::vector<uint32_t> found;
  m.ForEachMatch(text, [&](uint32_t i) { found.push_back(i); });
  return found;
}

TEST(LiteralMatcher, FindsEveryOccurrenceIgnoringAsciiCase) {
  auto m = LiteralMatcher::Build({"abc", "BCD", "\xe9t\xe9", "zzz"});
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(Found(*m, "xxABCDxx"), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Found(*m, "abcabc"), (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(Found(*m, "ab"), std::vector<uint32_t>{});
  EXPECT_EQ(Found(*m, "zzzz"), (std::vector<uint32_t>{3, 3}));
  // Bytes 0x80-0xff compare as themselves: 0xc9 is not folded to 0xe9.
  EXPECT_EQ(Found(*m, "\xe9T\xe9"), std::vector<uint32_t>{2});
  EXPECT_EQ(Found(*m, "\xc9t\xc9"), std::vector<uint32_t>{});
  EXPECT_EQ(Found(*m, std::string_view("a\0bc", 4)), std::vector<uint32_t>{});
}

TEST(LiteralMatcher, RefusesLiteralsShorterThanItsWindow) {
  EXPECT_FALSE(LiteralMatcher::Build({"abc", "ab"}).has_value());
  EXPECT_TRUE(LiteralMatcher::Build({}).has_value());
}

TEST(StartsAnchored, TellsPatternsThatOnlyMatchAtTheStart) {
  EXPECT_TRUE(StartsAnchored("^abc"));
  EXPECT_TRUE(StartsAnchored("(?i)^abc"));
  EXPECT_TRUE(StartsAnchored("\\Aabc"));
  EXPECT_TRUE(StartsAnchored("^(?:a|b)c"));
  EXPECT_FALSE(StartsAnchored("^a|b"));
  EXPECT_FALSE(StartsAnchored("(?m)^abc"));
  EXPECT_FALSE(StartsAnchored("abc"));
  EXPECT_FALSE(StartsAnchored("[^]a]"));
}

// The candidates for `value` plus the unfiltered keywords.
std::set<uint32_t> Admitted(const KeywordPrefilter& p, std::string_view value) {
  KeywordPrefilter::Scratch scratch;
  std::vector<uint32_t> out;
  p.Candidates(value, &scratch, &out);
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
  std::set<uint32_t> all(out.begin(), out.end());
  all.insert(p.unfiltered().begin(), p.unfiltered().end());
  return all;
}

TEST(KeywordPrefilter, UsesRequiredLiteralsAndStarts) {
  const std::vector<std::string> patterns = {
      "(?i)mobotix (?P<model>[A-Z]\\d{2})",  // 0: atom "mobotix "
      "^Reolink$",                           // 1: start "Reolink"
      "^(?:WD )?My ?Cloud",                  // 2: atoms "my" and "cloud" both needed
      "\\b(?:N|W)\\d{3}\\b",                 // 3: nothing to go by: unfiltered
      "^TP-LINK\\b.*Router",                 // 4: \b: no start bound, atoms only
  };
  auto p = KeywordPrefilter::Build(patterns);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->unfiltered(), std::vector<uint32_t>{3});
  EXPECT_EQ(Admitted(*p, "MOBOTIX M24 camera"), (std::set<uint32_t>{0, 3}));
  EXPECT_TRUE(p->certain(1));  // plain text: compared exactly
  EXPECT_FALSE(p->certain(0));
  EXPECT_EQ(Admitted(*p, "Reolink"), (std::set<uint32_t>{1, 3}));
  EXPECT_EQ(Admitted(*p, "Reolink2"), (std::set<uint32_t>{3}));
  EXPECT_EQ(Admitted(*p, "reolink"), (std::set<uint32_t>{3}));  // case-sensitive start
  EXPECT_EQ(Admitted(*p, "xReolink"), (std::set<uint32_t>{3}));
  EXPECT_EQ(Admitted(*p, "WD My Cloud"), (std::set<uint32_t>{2, 3}));
  EXPECT_EQ(Admitted(*p, "Cloud only"), (std::set<uint32_t>{3}));
  // RE2's match range ignores \b ("TP-LINK0" would be its least match), so this
  // keyword must not be filtered by it.
  EXPECT_EQ(Admitted(*p, "TP-LINK Wireless Router"), (std::set<uint32_t>{3, 4}));
}

TEST(KeywordPrefilter, RefusesPatternsThatDoNotCompile) {
  EXPECT_FALSE(KeywordPrefilter::Build({"ok", "(unclosed"}).has_value());
}

// Checks the contract on `values`: each keyword whose regex matches a value is admitted.
// Returns the number of (value, keyword) matches seen, so callers can tell the check
// was not vacuous.
size_t ExpectNoneMissed(const std::vector<std::string>& patterns,
                        const std::vector<std::string>& values, const std::string& what) {
  auto p = KeywordPrefilter::Build(patterns);
  EXPECT_TRUE(p.has_value()) << what;
  if (!p) return 0;
  // Which keywords match a value: one RE2::Set pass (the same unanchored search as each
  // regex on its own), or each regex when the set's DFA runs out of memory.
  re2::RE2::Options options = KeywordRegexOptions();
  options.set_max_mem(int64_t{512} << 20);
  re2::RE2::Set set(options, re2::RE2::UNANCHORED);
  std::vector<std::unique_ptr<re2::RE2>> compiled;
  for (const std::string& pattern : patterns) {
    EXPECT_GE(set.Add(pattern, nullptr), 0) << pattern;
    compiled.push_back(std::make_unique<re2::RE2>(pattern, KeywordRegexOptions()));
  }
  const bool set_ok = set.Compile();
  size_t matches = 0;
  std::vector<int> hits;
  for (const std::string& value : values) {
    hits.clear();
    re2::RE2::Set::ErrorInfo info{};
    if (!set_ok || (!set.Match(value, &hits, &info) && info.kind != re2::RE2::Set::kNoError)) {
      hits.clear();
      for (size_t k = 0; k < patterns.size(); ++k) {
        if (re2::RE2::PartialMatch(value, *compiled[k])) hits.push_back(static_cast<int>(k));
      }
    }
    if (hits.empty()) continue;
    const std::set<uint32_t> admitted = Admitted(*p, value);
    for (const int k : hits) {
      ++matches;
      EXPECT_TRUE(admitted.count(static_cast<uint32_t>(k)))
          << what << ": keyword " << patterns[static_cast<size_t>(k)]
          << " matches but was ruled out for value '" << value << "'";
    }
  }
  return matches;
}

// Variants of a value that should keep or break matches in ways a prefilter could get
// wrong: other case, cut ends, shifted start.
std::vector<std::string> Variants(const std::string& v) {
  std::vector<std::string> out = {v, "x" + v, v + "\r\n", v.substr(0, v.size() / 2)};
  std::string upper = v, lower = v;
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  out.push_back(upper);
  out.push_back(lower);
  return out;
}

// Per field of `db`: its keywords, and the values of that field in the examples.
void CheckDbByField(const std::vector<DeviceEntry>& entries, const std::string& what,
                    size_t* matches) {
  std::map<std::string, std::vector<std::string>> patterns, values;
  for (const DeviceEntry& e : entries) {
    for (const Keyword& k : e.keywords) patterns[k.field].push_back(k.regex);
  }
  for (const DeviceEntry& e : entries) {
    for (const DeviceExample& x : e.examples) {
      const Host host = ExampleHost(x);
      for (const BannerRecord& record : host.banners) {
        BannerFields fields;
        fields.Extract(record);
        for (const auto& [field, unused] : patterns) {
          if (auto v = fields.Find(field)) {
            for (std::string& variant : Variants(std::string(*v))) {
              values[field].push_back(std::move(variant));
            }
          }
        }
      }
    }
  }
  for (const auto& [field, list] : patterns) {
    *matches += ExpectNoneMissed(list, values[field], what + " " + field);
  }
}

TEST(KeywordPrefilter, NeverRulesOutAMatchingKeywordOfTheDefaultDb) {
  const auto dir = SourceDir() / "controller/devices";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " absent";
  auto db = LoadDeviceDb({dir.string()});
  ASSERT_TRUE(db.ok()) << db.error();
  size_t matches = 0;
  CheckDbByField(db.value().entries, "default DB", &matches);
  EXPECT_GT(matches, 300u);
}

TEST(KeywordPrefilter, NeverRulesOutAMatchingKeywordOfRecog) {
  const auto dir = SourceDir() / "../shared/data/recog";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " absent (../shared)";
  size_t matches = 0;
  for (const char* file : {"ftp_banners.xml", "ssh_banners.xml"}) {
    RecogImport imported;
    ASSERT_TRUE(ImportRecogXml(ReadFile(dir / file), file, &imported).ok()) << file;
    CheckDbByField(imported.entries, file, &matches);
  }
  EXPECT_GT(matches, 300u);
}

// nmap's patterns carry no examples: each pattern's least match prefix, as RE2 bounds
// it, is a sample that often matches it (and other patterns) exactly.
TEST(KeywordPrefilter, NeverRulesOutAMatchingKeywordOfTheNmapImport) {
  const std::string text = ReadFile("/usr/share/nmap/nmap-service-probes");
  if (text.empty()) GTEST_SKIP() << "Debian's nmap-common is not installed";
  const NmapImport imported = ImportNmapServiceProbes(text, "nmap-service-probes");
  std::vector<std::string> patterns, samples;
  for (const DeviceEntry& e : imported.entries) {
    for (const Keyword& k : e.keywords) {
      patterns.push_back(k.regex);
      re2::RE2 re(k.regex, KeywordRegexOptions());
      std::string min, max;
      if (re.ok() && re.PossibleMatchRange(&min, &max, 48)) {
        samples.push_back(min);
        samples.push_back(min + "\r\n");
      }
    }
  }
  ASSERT_GT(patterns.size(), 10000u);
  // In slices, as the estimator builds a prefilter per field of at most a few thousand.
  size_t matches = 0;
  for (size_t start = 0; start < patterns.size(); start += 3000) {
    const std::vector<std::string> slice(
        patterns.begin() + static_cast<ptrdiff_t>(start),
        patterns.begin() + static_cast<ptrdiff_t>(std::min(patterns.size(), start + 3000)));
    matches += ExpectNoneMissed(slice, samples, "nmap");
  }
  EXPECT_GT(matches, 3000u);
}

}  // namespace
}  // namespace narrowscan

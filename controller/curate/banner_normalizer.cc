#include "controller/curate/banner_normalizer.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace narrowscan {

namespace {

#include "controller/curate/default_normalize_rules.inc"

RE2::Options Latin1Options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// \xHH becomes the byte (a backslash byte is doubled so RE2 keeps it literal).
std::string DecodeReplacement(std::string_view r) {
  std::string out;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '\\' && i + 3 < r.size() && r[i + 1] == 'x' && Hex(r[i + 2]) >= 0 &&
        Hex(r[i + 3]) >= 0) {
      char c = static_cast<char>(Hex(r[i + 2]) * 16 + Hex(r[i + 3]));
      if (c == '\\') out += '\\';
      out += c;
      i += 3;
    } else {
      out += r[i];
    }
  }
  return out;
}

}  // namespace

struct BannerNormalizer::Compiled {
  std::vector<NormalizationRule> rules;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::unique_ptr<RE2::Set> set;
};

BannerNormalizer::BannerNormalizer(std::unique_ptr<Compiled> c) : compiled_(std::move(c)) {}
BannerNormalizer::BannerNormalizer(BannerNormalizer&&) noexcept = default;
BannerNormalizer& BannerNormalizer::operator=(BannerNormalizer&&) noexcept = default;
BannerNormalizer::~BannerNormalizer() = default;

const std::vector<NormalizationRule>& BannerNormalizer::rules() const { return compiled_->rules; }
std::string_view BannerNormalizer::DefaultRulesText() { return kDefaultNormalizeRules; }

BannerNormalizer BannerNormalizer::Default() {
  auto n = Parse(kDefaultNormalizeRules, "default_normalize_rules.txt");
  if (!n.ok()) {  // a broken shipped file is a build defect; tests catch it first
    std::fprintf(stderr, "narrowscan: %s\n", n.error().c_str());
    std::abort();
  }
  return std::move(*n);
}

Result<BannerNormalizer> BannerNormalizer::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot open normalisation rules '{}'", path)};
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<BannerNormalizer> BannerNormalizer::Parse(std::string_view text, const std::string& source) {
  auto c = std::make_unique<Compiled>();
  c->set = std::make_unique<RE2::Set>(Latin1Options(), RE2::UNANCHORED);
  std::set<std::string> names;
  int line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    auto word = [&line]() {
      size_t e = line.find_first_of(" \t");
      std::string_view w = line.substr(0, e);
      line = e == std::string_view::npos ? std::string_view{} : line.substr(e);
      size_t next = line.find_first_not_of(" \t");
      line = next == std::string_view::npos ? std::string_view{} : line.substr(next);
      return w;
    };
    NormalizationRule rule;
    rule.name = word();
    rule.replacement = DecodeReplacement(word());
    rule.regex = line;
    rule.line = line_no;
    while (!rule.regex.empty() && (rule.regex.back() == ' ' || rule.regex.back() == '\t'))
      rule.regex.pop_back();
    auto fail = [&](const std::string& why) {
      return Error{fmt::format("{}:{}: {}", source, line_no, why)};
    };
    if (rule.name.empty()) return fail("empty rule name");
    if (!names.insert(rule.name).second)
      return fail(fmt::format("duplicate rule name '{}'", rule.name));
    if (rule.regex.empty()) return fail(fmt::format("rule '{}' has no regex", rule.name));
    auto re = std::make_unique<RE2>(rule.regex, Latin1Options());
    if (!re->ok()) return fail(fmt::format("rule '{}': bad regex: {}", rule.name, re->error()));
    std::string why;
    if (!re->CheckRewriteString(rule.replacement, &why))
      return fail(fmt::format("rule '{}': bad replacement: {}", rule.name, why));
    if (c->set->Add(rule.regex, &why) < 0)
      return fail(fmt::format("rule '{}': bad regex: {}", rule.name, why));
    c->regexes.push_back(std::move(re));
    c->rules.push_back(std::move(rule));
  }
  if (!c->set->Compile()) return Error{fmt::format("{}: rules too large to compile", source)};
  return BannerNormalizer(std::move(c));
}

std::string BannerNormalizer::Normalize(std::string_view text) const {
  std::string out(text);
  if (compiled_->rules.empty()) return out;
  std::vector<int> hits;
  if (!compiled_->set->Match(text, &hits)) return out;
  std::sort(hits.begin(), hits.end());
  for (int h : hits) {
    auto i = static_cast<size_t>(h);
    RE2::GlobalReplace(&out, *compiled_->regexes[i], compiled_->rules[i].replacement);
  }
  return out;
}

}  // namespace narrowscan

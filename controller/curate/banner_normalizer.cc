#include "controller/curate/banner_normalizer.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

#include "controller/curate/hex_escapes.h"
#include "controller/curate/rule_file.h"

namespace narrowscan {

namespace {

#include "controller/curate/default_normalize_rules.inc"

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
  return ShippedRulesOrAbort(Parse(kDefaultNormalizeRules, "default_normalize_rules.txt"));
}

Result<BannerNormalizer> BannerNormalizer::Load(const std::string& path) {
  auto text = ReadRuleFileText(path, "normalisation rules");
  if (!text.ok()) return Error{text.error()};
  return Parse(*text, path);
}

Result<BannerNormalizer> BannerNormalizer::Parse(std::string_view text, const std::string& source) {
  auto lines = ReadRuleLines(text, source, /*words=*/1);
  if (!lines.ok()) return Error{lines.error()};
  auto c = std::make_unique<Compiled>();
  c->set = std::make_unique<RE2::Set>(RuleRegexOptions(), RE2::UNANCHORED);
  for (RuleLine& line : *lines) {
    NormalizationRule rule{std::move(line.name), DecodeHexEscapes(line.words[0], "\\\\"),
                           std::move(line.rest), line.line};
    auto re = std::make_unique<RE2>(rule.regex, RuleRegexOptions());
    if (!re->ok())
      return RuleError(source, line,
                       fmt::format("rule '{}': bad regex: {}", rule.name, re->error()));
    std::string why;
    if (!re->CheckRewriteString(rule.replacement, &why))
      return RuleError(source, line, fmt::format("rule '{}': bad replacement: {}", rule.name, why));
    if (c->set->Add(rule.regex, &why) < 0)
      return RuleError(source, line, fmt::format("rule '{}': bad regex: {}", rule.name, why));
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

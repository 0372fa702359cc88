#include "controller/curate/banner_filter.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "controller/curate/rule_file.h"

namespace narrowscan {

namespace {

// The default rules are compiled in (see CMakeLists.txt), so the binary never depends
// on finding the source tree.
#include "controller/curate/default_filter_rules.inc"

enum Target { kBanner = 0, kTls = 1, kAny = 2, kTargets = 3 };

}  // namespace

struct BannerFilter::Compiled {
  std::vector<FilterRule> rules;
  // Per target: the set, and for each of its indices the rule index.
  std::unique_ptr<RE2::Set> sets[kTargets];
  std::vector<int> rule_of[kTargets];
};

BannerFilter::BannerFilter(std::unique_ptr<Compiled> c) : compiled_(std::move(c)) {}
BannerFilter::BannerFilter(BannerFilter&&) noexcept = default;
BannerFilter& BannerFilter::operator=(BannerFilter&&) noexcept = default;
BannerFilter::~BannerFilter() = default;

const std::vector<FilterRule>& BannerFilter::rules() const { return compiled_->rules; }

std::string_view BannerFilter::DefaultRulesText() { return kDefaultFilterRules; }

BannerFilter BannerFilter::Default() {
  return ShippedRulesOrAbort(Parse(kDefaultFilterRules, "default_filter_rules.txt"));
}

Result<BannerFilter> BannerFilter::Load(const std::string& path) {
  auto text = ReadRuleFileText(path, "filter rules");
  if (!text.ok()) return Error{text.error()};
  return Parse(*text, path);
}

Result<BannerFilter> BannerFilter::Parse(std::string_view text, const std::string& source) {
  auto lines = ReadRuleLines(text, source, /*words=*/1);
  if (!lines.ok()) return Error{lines.error()};
  auto c = std::make_unique<Compiled>();
  for (RuleLine& line : *lines) {
    FilterRule rule{std::move(line.name), std::move(line.words[0]), std::move(line.rest),
                    line.line};
    Target t;
    if (rule.target == "banner") {
      t = kBanner;
    } else if (rule.target == "tls") {
      t = kTls;
    } else if (rule.target == "any") {
      t = kAny;
    } else {
      return RuleError(
          source, line,
          fmt::format("rule '{}': target '{}' is not banner, tls or any", rule.name, rule.target));
    }
    RE2 check(rule.regex, RuleRegexOptions());
    if (!check.ok())
      return RuleError(source, line,
                       fmt::format("rule '{}': bad regex: {}", rule.name, check.error()));
    if (!c->sets[t]) c->sets[t] = std::make_unique<RE2::Set>(RuleRegexOptions(), RE2::UNANCHORED);
    std::string error;
    if (c->sets[t]->Add(rule.regex, &error) < 0)
      return RuleError(source, line, fmt::format("rule '{}': bad regex: {}", rule.name, error));
    c->rule_of[t].push_back(static_cast<int>(c->rules.size()));
    c->rules.push_back(std::move(rule));
  }
  for (auto& set : c->sets)
    if (set && !set->Compile()) return Error{fmt::format("{}: rules too large to compile", source)};
  return BannerFilter(std::move(c));
}

int BannerFilter::Match(std::string_view banner, std::string_view subject,
                        std::string_view issuer) const {
  int best = -1;
  std::vector<int> hits;
  auto consider = [&](Target t, std::string_view text) {
    if (!compiled_->sets[t]) return;
    hits.clear();
    if (!compiled_->sets[t]->Match(text, &hits)) return;
    for (int h : hits) {
      int rule = compiled_->rule_of[t][static_cast<size_t>(h)];
      if (best < 0 || rule < best) best = rule;
    }
  };
  consider(kBanner, banner);
  std::string tls;
  if (!subject.empty() || !issuer.empty()) {
    tls.reserve(subject.size() + issuer.size() + 1);
    tls.append(subject).append("\n").append(issuer);
    consider(kTls, tls);
  }
  if (compiled_->sets[kAny]) {
    std::string any;
    any.reserve(banner.size() + tls.size() + 2);
    any.append(banner).append("\n").append(subject).append("\n").append(issuer);
    consider(kAny, any);
  }
  return best;
}

}  // namespace narrowscan

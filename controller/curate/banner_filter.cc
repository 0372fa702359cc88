#include "controller/curate/banner_filter.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <fstream>
#include <set>
#include <sstream>

namespace narrowscan {

namespace {

// The default rules are compiled in (see CMakeLists.txt), so the binary never depends
// on finding the source tree.
#include "controller/curate/default_filter_rules.inc"

RE2::Options Latin1Options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

enum Target { kBanner = 0, kTls = 1, kAny = 2, kTargets = 3 };

bool ValidName(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

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
  auto f = Parse(kDefaultFilterRules, "default_filter_rules.txt");
  if (!f.ok()) {  // a broken shipped file is a build defect; tests catch it first
    std::fprintf(stderr, "narrowscan: %s\n", f.error().c_str());
    std::abort();
  }
  return std::move(*f);
}

Result<BannerFilter> BannerFilter::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot open filter rules '{}'", path)};
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<BannerFilter> BannerFilter::Parse(std::string_view text, const std::string& source) {
  auto c = std::make_unique<Compiled>();
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
    FilterRule rule;
    rule.name = word();
    rule.target = word();
    rule.regex = line;
    rule.line = line_no;
    while (!rule.regex.empty() && (rule.regex.back() == ' ' || rule.regex.back() == '\t'))
      rule.regex.pop_back();
    auto fail = [&](const std::string& why) {
      return Error{fmt::format("{}:{}: {}", source, line_no, why)};
    };
    if (!ValidName(rule.name)) return fail(fmt::format("bad rule name '{}'", rule.name));
    if (!names.insert(rule.name).second)
      return fail(fmt::format("duplicate rule name '{}'", rule.name));
    Target t;
    if (rule.target == "banner") {
      t = kBanner;
    } else if (rule.target == "tls") {
      t = kTls;
    } else if (rule.target == "any") {
      t = kAny;
    } else {
      return fail(
          fmt::format("rule '{}': target '{}' is not banner, tls or any", rule.name, rule.target));
    }
    if (rule.regex.empty()) return fail(fmt::format("rule '{}' has no regex", rule.name));
    RE2 check(rule.regex, Latin1Options());
    if (!check.ok()) return fail(fmt::format("rule '{}': bad regex: {}", rule.name, check.error()));
    if (!c->sets[t]) c->sets[t] = std::make_unique<RE2::Set>(Latin1Options(), RE2::UNANCHORED);
    std::string error;
    if (c->sets[t]->Add(rule.regex, &error) < 0)
      return fail(fmt::format("rule '{}': bad regex: {}", rule.name, error));
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

#include "controller/curate/rule_file.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace narrowscan {

namespace {

constexpr std::string_view kBlanks = " \t";

bool ValidName(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

// Splits off the first word of `line`, which starts at a non-blank (or is empty), and
// leaves `line` at the next non-blank.
std::string_view NextWord(std::string_view* line) {
  const size_t end = line->find_first_of(kBlanks);
  const std::string_view word = line->substr(0, end);
  const size_t next = end == std::string_view::npos ? end : line->find_first_not_of(kBlanks, end);
  *line = next == std::string_view::npos ? std::string_view{} : line->substr(next);
  return word;
}

}  // namespace

Result<std::vector<RuleLine>> ReadRuleLines(std::string_view text, const std::string& source,
                                            size_t words) {
  std::vector<RuleLine> rules;
  std::set<std::string, std::less<>> names;
  int line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(kBlanks);
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);

    RuleLine rule;
    rule.line = line_no;
    rule.name = NextWord(&line);
    for (size_t i = 0; i < words; ++i) rule.words.emplace_back(NextWord(&line));
    const size_t last = line.find_last_not_of(kBlanks);
    rule.rest = line.substr(0, last == std::string_view::npos ? 0 : last + 1);
    if (!ValidName(rule.name))
      return RuleError(source, rule, fmt::format("bad rule name '{}'", rule.name));
    if (!names.insert(rule.name).second)
      return RuleError(source, rule, fmt::format("duplicate rule name '{}'", rule.name));
    if (rule.rest.empty())
      return RuleError(source, rule, fmt::format("rule '{}' has no regex", rule.name));
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<std::string> ReadRuleFileText(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot open {} '{}'", what, path)};
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{fmt::format("cannot read {} '{}'", what, path)};
  return text.str();
}

Error RuleError(const std::string& source, const RuleLine& rule, std::string_view why) {
  return Error{fmt::format("{}:{}: {}", source, rule.line, why)};
}

RE2::Options RuleRegexOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

}  // namespace narrowscan

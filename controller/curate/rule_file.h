// The text format of curation rule files (filter and normalisation rules), read in
// one place so that both files follow the same lexical rules and give the same errors.
//
// One rule a line:   NAME  WORD…  REST
//  - blank lines and lines whose first non-blank character is '#' are skipped; a
//    trailing '\r' (CRLF files) is dropped;
//  - fields are separated by spaces or tabs; NAME is [A-Za-z0-9._-]+ and unique in the
//    file; then exactly `words` words; REST is the rest of the line (a regex, which may
//    contain blanks) without its trailing blanks, and must not be empty;
//  - errors read "SOURCE:LINE: why", SOURCE being the file name the caller gives.
// Regexes in rule files are RE2 run on bytes as Latin-1: RuleRegexOptions().
#ifndef NARROWSCAN_CONTROLLER_CURATE_RULE_FILE_H_
#define NARROWSCAN_CONTROLLER_CURATE_RULE_FILE_H_

#include <re2/re2.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

struct RuleLine {
  int line = 0;  // 1-based
  std::string name;
  std::vector<std::string> words;
  std::string rest;
};

// Every rule of `text`, in file order.
Result<std::vector<RuleLine>> ReadRuleLines(std::string_view text, const std::string& source,
                                            size_t words);

// The whole text of a rules file; `what` names the kind of rules in the error
// ("cannot open filter rules 'x.txt'").
Result<std::string> ReadRuleFileText(const std::string& path, std::string_view what);

// "SOURCE:LINE: why", for the checks a rule's user makes after ReadRuleLines.
Error RuleError(const std::string& source, const RuleLine& rule, std::string_view why);

// Latin-1 (every byte is a character, banners are bytes), errors not logged (they are
// returned), and a memory cap so that one rule cannot take the process down.
RE2::Options RuleRegexOptions();

// The rules compiled into the binary. They cannot fail on a user's machine unless the
// build is broken (the tests parse them first), so a failure aborts with the message.
template <class Rules>
Rules ShippedRulesOrAbort(Result<Rules> rules) {
  if (!rules.ok()) {
    std::fprintf(stderr, "narrowscan: %s\n", rules.error().c_str());
    std::abort();
  }
  return std::move(*rules);
}

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_RULE_FILE_H_

// Converts the regexes of other fingerprint databases (PCRE for nmap, Ruby/Onigmo for
// Recog) into the RE2 syntax of the device DB, matched on bytes (Latin-1 mode).
//
// Rewrites what has an exact or safe RE2 equivalent: PCRE `$` (end, or before a final
// newline) and `\Z` → `(?:\n?\z)`; the HTTP header-skipping look-ahead idiom
// `(?:[^\r\n]*\r\n(?!\r\n))*?` → `(?:[^\r\n]+\r\n)*?` (a header line is never empty);
// `\h`, `\R`; Ruby/PCRE `(?<name>` → `(?P<name>`; Ruby's inline `m` (dot matches
// newline) → `s`; `(?#…)` comments dropped; raw bytes 0x80-0xff → `\xNN`. Refuses, with
// a short reason usable as a counter key, what RE2 cannot express: look-arounds,
// back-references, atomic groups, possessive quantifiers, \G, extended mode, and
// anything RE2 then fails to compile ("re2: <what>").
#ifndef NARROWSCAN_CONTROLLER_IMPORTERS_REGEX_CONVERSION_H_
#define NARROWSCAN_CONTROLLER_IMPORTERS_REGEX_CONVERSION_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

enum class RegexDialect {
  kPcre,  // nmap: `^`/`$` anchor the whole text unless (?m)
  kRuby,  // Recog: `^`/`$` are always line anchors; (?m) means dot-matches-newline
};

struct RegexFlags {
  bool ignore_case = false;
  bool dot_all = false;
};

struct ConvertedRegex {
  std::string pattern;     // RE2 syntax, flags folded in as a (?…) prefix
  bool rewritten = false;  // true when more than the flag prefix changed
};

// The error message is the refusal reason.
Result<ConvertedRegex> ConvertRegex(std::string_view pattern, RegexDialect dialect,
                                    RegexFlags flags);

// The pattern with only the flag prefix added (and raw bytes as they are): what RE2
// would be given "as is". For counting how much needs rewriting.
std::string AsIsRegex(std::string_view pattern, RegexDialect dialect, RegexFlags flags);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_IMPORTERS_REGEX_CONVERSION_H_

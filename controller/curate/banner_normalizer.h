// BannerNormalizer: rewrites the parts of a banner that differ between identical
// devices (dates, ETags, lengths, cookie values, session ids, nonces, random values,
// counters, uptimes, …) into fixed placeholders, so that identical devices produce
// identical text (paper §4.1.2). Pure: no I/O besides Load().
//
// Rules file (lexical rules and errors: rule_file.h), one rule a line:
//     NAME  REPLACEMENT  REGEX
// REPLACEMENT is an RE2 rewrite string (\0-\9 refer to groups) without whitespace;
// \xHH writes a byte (\x20 a space). REGEX (RE2, Latin-1) is the rest of the line.
// Rules apply in file order, each to all occurrences. Which rules run is decided by
// one RE2::Set pass over the input, so a rule must match the original banner, not
// the output of an earlier rule; the cost is one scan plus one per rule that hits.
#ifndef NARROWSCAN_CONTROLLER_CURATE_BANNER_NORMALIZER_H_
#define NARROWSCAN_CONTROLLER_CURATE_BANNER_NORMALIZER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

struct NormalizationRule {
  std::string name;
  std::string replacement;  // after \xHH decoding
  std::string regex;
  int line = 0;
};

class BannerNormalizer {
 public:
  static Result<BannerNormalizer> Parse(std::string_view text, const std::string& source);
  static Result<BannerNormalizer> Load(const std::string& path);
  // The shipped rules (controller/curate/default_normalize_rules.txt).
  static BannerNormalizer Default();
  static std::string_view DefaultRulesText();

  BannerNormalizer(BannerNormalizer&&) noexcept;
  BannerNormalizer& operator=(BannerNormalizer&&) noexcept;
  ~BannerNormalizer();

  std::string Normalize(std::string_view text) const;
  const std::vector<NormalizationRule>& rules() const;

 private:
  struct Compiled;
  explicit BannerNormalizer(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_BANNER_NORMALIZER_H_

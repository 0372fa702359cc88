// BannerFilter: removes banners that cannot identify a device or are clearly not IoT
// (paper §4.1.1), by named rules read from a text file.
//
// Rules file (lexical rules and errors: rule_file.h), one rule a line:
//     NAME  TARGET  REGEX
// NAME is [A-Za-z0-9._-]+, unique. TARGET is what the RE2 regex (rest of the line,
// unanchored search, bytes as Latin-1) is run on:
//   banner  the banner bytes
//   tls     certificate subject, "\n", issuer (rule ignored when both are empty)
//   any     banner, "\n", subject, "\n", issuer
// A banner is removed by the first rule, in file order, that matches it; that rule's
// count goes up. Matching uses one RE2::Set per target, so the cost does not grow
// with the number of rules.
#ifndef NARROWSCAN_CONTROLLER_CURATE_BANNER_FILTER_H_
#define NARROWSCAN_CONTROLLER_CURATE_BANNER_FILTER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

struct FilterRule {
  std::string name;
  std::string target;  // banner | tls | any
  std::string regex;
  int line = 0;
};

class BannerFilter {
 public:
  // `source` names the text in errors ("FILE:LINE: why").
  static Result<BannerFilter> Parse(std::string_view text, const std::string& source);
  static Result<BannerFilter> Load(const std::string& path);
  // The rules shipped with narrowscan (controller/curate/default_filter_rules.txt).
  static BannerFilter Default();
  static std::string_view DefaultRulesText();

  BannerFilter(BannerFilter&&) noexcept;
  BannerFilter& operator=(BannerFilter&&) noexcept;
  ~BannerFilter();

  // Index into rules() of the rule that removes this banner, or -1 to keep it.
  int Match(std::string_view banner, std::string_view tls_subject,
            std::string_view tls_issuer) const;
  const std::vector<FilterRule>& rules() const;

 private:
  struct Compiled;
  explicit BannerFilter(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_BANNER_FILTER_H_

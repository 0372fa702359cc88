// KeywordPrefilter: which keywords of one field could match a value, told without
// running any regex, from two necessary conditions RE2 itself derives:
//
// - Literals ("atoms"). re2::FilteredRE2 gives the atoms (ASCII lower case, at least
//   kMinAtomBytes long) of which a matching text must contain some AND/OR combination.
//   Kept here in a weaker, cheaper form: the keyword's required atoms (those without
//   which no combination passes) are all in the value, and at least one of its atoms
//   is. One LiteralMatcher pass over the value finds the atoms present.
// - The start, for keywords anchored at the start of the value (StartsAnchored()):
//   RE2::PossibleMatchRange() bounds every match s by min <= s <= max, so s starts
//   with the common prefix of min and max, and the next byte lies between theirs. Such
//   keywords are looked up by the value's first byte; a keyword with a prefix of at
//   least two bytes needs no atoms (so a field of such keywords is not scanned at all).
//
// A keyword that yields neither condition (e.g. `\b(?:N|W)\d{3}\b`) is unfiltered.
//
// A keyword that is plain text (`^Reolink$`, `^JAWS/1\.0`, `Lantronix`: printable ASCII
// and escaped punctuation, optionally between ^ and $) is tested exactly instead, so
// being a candidate means it matches: certain(k), no regex needs to run for it.
//
// Contract: a keyword whose regex, compiled with KeywordRegexOptions(), matches the
// value (unanchored search) is either unfiltered() or among Candidates(); candidates
// may include keywords that do not match.
//
// Thread safety: immutable after Build(); Candidates() may run concurrently, each
// thread with its own Scratch.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_KEYWORD_PREFILTER_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_KEYWORD_PREFILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/estimation/literal_matcher.h"

namespace narrowscan {

// True when every match of `pattern` must start at the beginning of the text: it
// begins with ^ or \A (after inline flags without m) and has no top-level alternation.
bool StartsAnchored(std::string_view pattern);

class KeywordPrefilter {
 public:
  static constexpr int kMinAtomBytes = 3;

  // Per-thread buffers for Candidates(); any Scratch works with any prefilter.
  struct Scratch {
    std::vector<uint32_t> atom_mark, keyword_mark;  // == generation: seen in this call
    std::vector<uint32_t> found_atoms;
    uint32_t generation = 0;
  };

  // Keyword i is `patterns[i]` (RE2 syntax). Fails (nullopt) when a pattern does not
  // compile.
  static std::optional<KeywordPrefilter> Build(const std::vector<std::string>& patterns);

  // Appends the filtered keywords that may match `value` to *out, in increasing order.
  void Candidates(std::string_view value, Scratch* scratch, std::vector<uint32_t>* out) const;

  // True when keyword k is a candidate only for values it matches.
  bool certain(uint32_t k) const { return literals_[k].has_value(); }

  // The keywords the prefilter cannot rule out for any value, in increasing order.
  const std::vector<uint32_t>& unfiltered() const { return always_; }
  size_t keyword_count() const { return starts_.size(); }
  size_t atom_count() const { return atoms_.literal_count(); }

 private:
  // What an anchored keyword's match starts with: `prefix`, then (when has_next) a
  // byte in [next_min, next_max].
  struct Start {
    bool known = false;
    std::string prefix;
    bool has_next = false;
    uint8_t next_min = 0, next_max = 0;
    bool Admits(std::string_view value) const;
  };

  // A keyword that is plain text: what it matches, exactly.
  struct PlainText {
    std::string text;
    bool at_start = false, at_end = false;
    bool Matches(std::string_view value) const;
  };
  static std::optional<PlainText> AsPlainText(std::string_view pattern);

  explicit KeywordPrefilter(LiteralMatcher atoms) : atoms_(std::move(atoms)) {}

  LiteralMatcher atoms_;
  bool scan_ = false;                               // some keyword is triggered by atoms
  std::vector<Start> starts_;                       // by keyword
  std::vector<std::optional<PlainText>> literals_;  // by keyword
  std::vector<uint32_t> always_;                    // sorted
  // Atom a triggers keywords triggers_[trigger_begin_[a] .. trigger_begin_[a + 1]).
  std::vector<uint32_t> trigger_begin_, triggers_;
  // Keyword k needs all of required_[required_begin_[k] .. required_begin_[k + 1]).
  std::vector<uint32_t> required_begin_, required_;
  // Keywords found by the value's first byte b: by_first_[by_first_begin_[b] ..
  // by_first_begin_[b + 1]).
  std::array<uint32_t, 257> by_first_begin_{};
  std::vector<uint32_t> by_first_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_KEYWORD_PREFILTER_H_

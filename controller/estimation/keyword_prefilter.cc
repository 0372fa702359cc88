#include "controller/estimation/keyword_prefilter.h"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <unordered_map>

#include "controller/estimation/device_entry.h"

namespace narrowscan {
namespace {

// Probing which atoms are required costs one prefilter evaluation per atom; keywords
// with more atoms than this just need one of them.
constexpr size_t kMaxProbedAtoms = 64;

// PossibleMatchRange() looks this far into a match; the bytes after it do not matter.
constexpr int kStartBytes = 16;
// A start without a prefix whose first byte may take this many values or more tells
// little (e.g. [D-S]).
constexpr int kWeakStartBytes = 4;

struct KeywordAnalysis {
  bool has_atoms = false;
  std::vector<std::string> atoms;
  std::vector<bool> required;
  std::string min, max;  // PossibleMatchRange of an anchored keyword, else empty
};

// True when `pattern` has \b or \B: RE2's PossibleMatchRange() ignores them (it gives
// "abc" for `^ab\bc`, which matches nothing, and "TP-LINK0" as the least match of
// `^TP-LINK\b.*`), so its range is not a bound for such patterns.
bool HasWordBoundary(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'b' || pattern[i + 1] == 'B') return true;
    ++i;  // the escaped character
  }
  return false;
}

// RE2's atoms (of at least kMinAtomBytes) for `pattern`, and the range of its matches
// when `anchored`; nullopt when the pattern does not compile.
std::optional<KeywordAnalysis> AnalyzeKeyword(const std::string& pattern, bool anchored) {
  re2::FilteredRE2 filter(KeywordPrefilter::kMinAtomBytes);
  int id = 0;
  if (filter.Add(pattern, KeywordRegexOptions(), &id) != re2::RE2::NoError) return std::nullopt;
  KeywordAnalysis k;
  if (anchored && !HasWordBoundary(pattern) &&
      !filter.GetRE2(id).PossibleMatchRange(&k.min, &k.max, kStartBytes)) {
    k.min.clear();
    k.max.clear();
  }
  filter.Compile(&k.atoms);
  std::vector<int> passed;
  filter.AllPotentials({}, &passed);
  if (!passed.empty()) return k;  // passes with no atom at all: no atom condition
  k.has_atoms = true;
  // Atom a is required when even all the other atoms together do not pass. The
  // prefilter is monotone (AND/OR of atoms), so every text that passes has them all.
  k.required.assign(k.atoms.size(), false);
  if (k.atoms.size() <= kMaxProbedAtoms) {
    std::vector<int> others;
    for (size_t a = 0; a < k.atoms.size(); ++a) {
      others.clear();
      for (size_t b = 0; b < k.atoms.size(); ++b) {
        if (b != a) others.push_back(static_cast<int>(b));
      }
      filter.AllPotentials(others, &passed);
      k.required[a] = passed.empty();
    }
  }
  return k;
}

}  // namespace

bool StartsAnchored(std::string_view p) {
  size_t i = 0;
  while (p.substr(i, 2) == "(?") {
    const size_t close = p.find(')', i);
    if (close == std::string_view::npos) return false;
    const std::string_view flags = p.substr(i + 2, close - i - 2);
    for (char c : flags) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
      if (c == 'm') return false;
    }
    i = close + 1;
  }
  if (p.substr(i, 1) != "^" && p.substr(i, 2) != "\\A") return false;
  int depth = 0;
  bool in_class = false;
  for (size_t k = i; k < p.size(); ++k) {
    const char c = p[k];
    if (c == '\\') {
      ++k;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (k + 1 < p.size() && p[k + 1] == '^') ++k;
      if (k + 1 < p.size() && p[k + 1] == ']') ++k;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return false;
    }
  }
  return true;
}

std::optional<KeywordPrefilter::PlainText> KeywordPrefilter::AsPlainText(std::string_view p) {
  PlainText t;
  if (!p.empty() && p.front() == '^') {
    t.at_start = true;
    p.remove_prefix(1);
  }
  // A final $ (not escaped): RE2's $ without (?m) is the end of the text.
  if (!p.empty() && p.back() == '$') {
    size_t backslashes = 0;
    while (backslashes + 1 < p.size() && p[p.size() - 2 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      t.at_end = true;
      p.remove_suffix(1);
    }
  }
  constexpr std::string_view kSpecial = "\\.^$|?*+()[]{}";
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c < 0x20 || c > 0x7e) return std::nullopt;
    if (c == '\\') {
      // Only escaped punctuation is a literal; \d, \b, \x41, \Q… are not plain.
      if (i + 1 == p.size()) return std::nullopt;
      const char e = p[++i];
      const bool punct =
          e > 0x20 && e < 0x7f &&
          !((e >= '0' && e <= '9') || (e >= 'A' && e <= 'Z') || (e >= 'a' && e <= 'z'));
      if (!punct) return std::nullopt;
      t.text.push_back(e);
      continue;
    }
    if (kSpecial.find(c) != std::string_view::npos) return std::nullopt;
    t.text.push_back(c);
  }
  if (t.text.empty()) return std::nullopt;
  return t;
}

bool KeywordPrefilter::PlainText::Matches(std::string_view value) const {
  if (at_start && at_end) return value == text;
  if (at_start) return value.substr(0, text.size()) == text;
  if (at_end)
    return value.size() >= text.size() && value.substr(value.size() - text.size()) == text;
  return value.find(text) != std::string_view::npos;
}

bool KeywordPrefilter::Start::Admits(std::string_view value) const {
  if (value.substr(0, prefix.size()) != prefix) return false;
  if (!has_next) return true;
  if (value.size() <= prefix.size()) return false;
  const auto b = static_cast<uint8_t>(value[prefix.size()]);
  return b >= next_min && b <= next_max;
}

std::optional<KeywordPrefilter> KeywordPrefilter::Build(const std::vector<std::string>& patterns) {
  std::vector<std::string> atoms;  // distinct
  std::unordered_map<std::string, uint32_t> atom_ids;
  auto atom_id = [&](const std::string& atom) {
    auto [it, added] = atom_ids.emplace(atom, static_cast<uint32_t>(atoms.size()));
    if (added) atoms.push_back(atom);
    return it->second;
  };
  std::vector<uint32_t> always;
  std::vector<std::vector<uint32_t>> triggered_by;  // atom → keywords it triggers
  std::vector<std::vector<uint32_t>> required(patterns.size());
  std::array<std::vector<uint32_t>, 256> by_first;
  std::vector<Start> starts(patterns.size());
  bool scan = false;
  for (size_t k = 0; k < patterns.size(); ++k) {
    const auto analysis = AnalyzeKeyword(patterns[k], StartsAnchored(patterns[k]));
    if (!analysis) return std::nullopt;
    // Every match s has min <= s <= max, so s starts with their common prefix P, and
    // when min is longer than P, s is too, with the byte after P between theirs. An
    // empty min means RE2 could not bound the matches (or one is empty).
    Start& start = starts[k];
    if (!analysis->min.empty()) {
      const std::string& min = analysis->min;
      const std::string& max = analysis->max;
      size_t p = 0;
      while (p < min.size() && p < max.size() && min[p] == max[p]) ++p;
      if (p == min.size() || p < max.size()) {
        start.known = true;
        start.prefix = min.substr(0, p);
        if (p < min.size()) {
          start.has_next = true;
          start.next_min = static_cast<uint8_t>(min[p]);
          start.next_max = static_cast<uint8_t>(max[p]);
        }
      }
    }
    const auto number = static_cast<uint32_t>(k);
    // A start that only bounds the first byte to a wide range (`^(?:EP|PX|…|XP)\d`)
    // would make the keyword a candidate for most values: unfiltered is cheaper, as
    // the unfiltered keywords all run in one pass.
    const bool weak_start =
        start.known && start.prefix.empty() && start.next_max - start.next_min >= kWeakStartBytes;
    if (start.known && !weak_start && (start.prefix.size() >= 2 || !analysis->has_atoms)) {
      // Found by the first byte of the value.
      if (!start.prefix.empty()) {
        by_first[static_cast<uint8_t>(start.prefix[0])].push_back(number);
      } else {
        for (int b = start.next_min; b <= start.next_max; ++b) by_first[b].push_back(number);
      }
      continue;
    }
    if (!analysis->has_atoms) {
      always.push_back(number);
      continue;
    }
    // A keyword with required atoms is triggered by its longest one (the rarest, most
    // likely) and checked for the others; one without is triggered by any of its atoms.
    scan = true;
    std::vector<uint32_t> triggers;
    size_t longest = analysis->atoms.size();
    for (size_t a = 0; a < analysis->atoms.size(); ++a) {
      if (!analysis->required[a]) continue;
      required[k].push_back(atom_id(analysis->atoms[a]));
      if (longest == analysis->atoms.size() ||
          analysis->atoms[a].size() > analysis->atoms[longest].size()) {
        longest = a;
      }
    }
    if (longest != analysis->atoms.size()) {
      triggers.push_back(atom_id(analysis->atoms[longest]));
    } else {
      for (const std::string& atom : analysis->atoms) triggers.push_back(atom_id(atom));
    }
    triggered_by.resize(atoms.size());
    for (uint32_t a : triggers) triggered_by[a].push_back(number);
  }
  triggered_by.resize(atoms.size());

  auto matcher = LiteralMatcher::Build(atoms);
  if (!matcher) return std::nullopt;
  KeywordPrefilter p(std::move(*matcher));
  p.scan_ = scan;
  p.starts_ = std::move(starts);
  for (const std::string& pattern : patterns) p.literals_.push_back(AsPlainText(pattern));
  p.always_ = std::move(always);
  for (const auto& keywords : triggered_by) {
    p.trigger_begin_.push_back(static_cast<uint32_t>(p.triggers_.size()));
    p.triggers_.insert(p.triggers_.end(), keywords.begin(), keywords.end());
  }
  p.trigger_begin_.push_back(static_cast<uint32_t>(p.triggers_.size()));
  for (const auto& atoms_needed : required) {
    p.required_begin_.push_back(static_cast<uint32_t>(p.required_.size()));
    p.required_.insert(p.required_.end(), atoms_needed.begin(), atoms_needed.end());
  }
  p.required_begin_.push_back(static_cast<uint32_t>(p.required_.size()));
  for (size_t b = 0; b < 256; ++b) {
    p.by_first_begin_[b] = static_cast<uint32_t>(p.by_first_.size());
    p.by_first_.insert(p.by_first_.end(), by_first[b].begin(), by_first[b].end());
  }
  p.by_first_begin_[256] = static_cast<uint32_t>(p.by_first_.size());
  return p;
}

void KeywordPrefilter::Candidates(std::string_view value, Scratch* s,
                                  std::vector<uint32_t>* out) const {
  const size_t start = out->size();
  if (!value.empty()) {
    const auto first = static_cast<uint8_t>(value[0]);
    for (uint32_t i = by_first_begin_[first]; i < by_first_begin_[first + 1]; ++i) {
      const uint32_t k = by_first_[i];
      if (starts_[k].Admits(value) && (!literals_[k] || literals_[k]->Matches(value))) {
        out->push_back(k);
      }
    }
  }
  if (scan_) {
    if (++s->generation == 0) {  // wrapped: old marks could look current
      std::fill(s->atom_mark.begin(), s->atom_mark.end(), 0);
      std::fill(s->keyword_mark.begin(), s->keyword_mark.end(), 0);
      s->generation = 1;
    }
    const uint32_t generation = s->generation;
    if (s->atom_mark.size() < atoms_.literal_count()) s->atom_mark.resize(atoms_.literal_count());
    if (s->keyword_mark.size() < starts_.size()) s->keyword_mark.resize(starts_.size());
    s->found_atoms.clear();
    atoms_.ForEachMatch(value, [s, generation](uint32_t atom) {
      if (s->atom_mark[atom] == generation) return;
      s->atom_mark[atom] = generation;
      s->found_atoms.push_back(atom);
    });
    for (const uint32_t atom : s->found_atoms) {
      for (uint32_t t = trigger_begin_[atom]; t < trigger_begin_[atom + 1]; ++t) {
        const uint32_t k = triggers_[t];
        if (s->keyword_mark[k] == generation) continue;
        s->keyword_mark[k] = generation;
        bool all = true;
        for (uint32_t r = required_begin_[k]; r < required_begin_[k + 1] && all; ++r) {
          all = s->atom_mark[required_[r]] == generation;
        }
        if (all && (!starts_[k].known || starts_[k].Admits(value)) &&
            (!literals_[k] || literals_[k]->Matches(value))) {
          out->push_back(k);
        }
      }
    }
  }
  if (out->size() - start > 1) {
    std::sort(out->begin() + static_cast<ptrdiff_t>(start), out->end());
  }
}

}  // namespace narrowscan

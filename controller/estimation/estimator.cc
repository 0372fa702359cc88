#include "controller/estimation/estimator.h"

#include <fmt/format.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>

#include "controller/estimation/banner_fields.h"
#include "controller/estimation/field_match_memo.h"
#include "controller/estimation/keyword_prefilter.h"
#include "controller/estimation/value_template.h"

namespace narrowscan {
namespace {

constexpr double kScoreTolerance = 1e-9;

struct KeywordRef {
  uint32_t entry;
  const Keyword* keyword;
  int groups;                            // capture groups of the regex
  std::vector<std::string> group_names;  // by group number; "" for unnamed ones
};

// A field value with at most this many prefilter candidates runs their regexes one by
// one; with more, the field's sets run (one pass for all keywords).
constexpr size_t kMaxSingleRuns = 4;

// Analysing a keyword for its prefilter costs about a compile of its regex; fields with
// more keywords than this (big imports) skip it and run their sets.
constexpr size_t kPrefilterMaxKeywords = 4096;

// Keywords compiled into RE2::Set objects: set s reports indices into set_keywords[s],
// which maps them to global keyword numbers. Keywords anchored at the start go to sets
// run with ANCHOR_START: their DFA stops as soon as no pattern can match any more,
// instead of scanning the whole value.
struct KeywordSets {
  std::vector<std::unique_ptr<re2::RE2::Set>> sets;
  std::vector<std::vector<uint32_t>> set_keywords;
  // Keywords whose one-pattern set does not fit the set memory budget (RE2 cannot
  // match with a set whose Compile() failed): run as their own regex on each value.
  std::vector<uint32_t> loose;
  bool empty() const { return sets.empty() && loose.empty(); }
};

// The keywords of one field. The prefilter (when the field has one) tells from
// literals which keywords can match a value, so most values run no regex at all, and
// the rest the regexes of a few candidates plus the `residual` sets of the keywords it
// cannot filter. `full` holds every keyword: for values with many candidates, and for
// fields without a prefilter.
struct FieldMatcher {
  std::vector<uint32_t> all;  // ascending; prefilter keyword i is all[i]
  KeywordSets full, residual;
  std::optional<KeywordPrefilter> prefilter;
  uint32_t memo_id = 0;  // names this matcher in FieldMatchMemo keys
};

// A keyword that matched, with the value it matched and where its capture groups are
// when known: 2 * groups words from Scratch::spans[spans] on, (offset, length) into the
// value per group, kNoGroup for a group that took no part.
struct Hit {
  uint32_t keyword;
  std::string_view value;  // the field value it matched (first one)
  uint32_t spans;
};
constexpr uint32_t kNoGroup = ~uint32_t{0};
constexpr uint32_t kNoSpans = ~uint32_t{0};  // Hit::spans: no groups, or not run for them
// Memo answers: a keyword number with this bit is followed by its span words.
constexpr uint32_t kWithSpans = uint32_t{1} << 31;

// Per-thread buffers reused across calls, so a call allocates only for its result.
// Estimate() is not re-entrant within a thread (it calls nothing that calls back).
struct Scratch {
  std::deque<BannerFields> fields;  // BannerFields never moves once built
  std::vector<Hit> hits;
  std::vector<uint32_t> spans;  // capture spans of the hits
  std::vector<int> set_output;
  std::vector<uint32_t> candidates;
  KeywordPrefilter::Scratch prefilter;
  std::vector<re2::StringPiece> groups;
  std::vector<uint32_t> answer;  // memo answer being built
  std::vector<uint16_t> ports;   // the host's ports
  std::string header_name;
  // Resolve(): the captured values by reference ("1", "version"), first one wins.
  std::vector<std::pair<std::string, std::string>> captures;
  size_t capture_count = 0;
};

Scratch& ThreadScratch(size_t banners) {
  thread_local Scratch scratch;
  while (scratch.fields.size() < banners) scratch.fields.emplace_back();
  scratch.hits.clear();
  scratch.spans.clear();
  return scratch;
}

// Every Estimator gets a number of its own, never reused, so a thread's memo can not
// be mistaken for that of a later Estimator built at the same address.
std::atomic<uint64_t> next_estimator_number{1};

// The calling thread's memo for Estimator `number`. A thread keeps the memos of the
// few Estimators it used last; the least recently used one is dropped beyond that, so
// a thread holds at most kMemosPerThread budgets.
FieldMatchMemo& ThreadMemo(uint64_t number, size_t budget) {
  constexpr size_t kMemosPerThread = 4;
  thread_local std::vector<std::pair<uint64_t, std::unique_ptr<FieldMatchMemo>>> memos;
  for (size_t i = 0; i < memos.size(); ++i) {
    if (memos[i].first != number) continue;
    if (i != 0) std::swap(memos[i], memos[0]);  // keep the most recent first
    return *memos[0].second;
  }
  if (memos.size() == kMemosPerThread) memos.pop_back();
  memos.insert(memos.begin(), {number, std::make_unique<FieldMatchMemo>(budget)});
  return *memos[0].second;
}

// Compiles `keywords` into sets of at most max_size; a set whose program does not fit
// the memory budget is split in halves until it does.
void BuildSets(const std::vector<KeywordRef>& refs, const std::vector<uint32_t>& keywords,
               re2::RE2::Anchor anchor, size_t max_size, int64_t max_mem, KeywordSets* out) {
  for (size_t start = 0; start < keywords.size(); start += max_size) {
    std::vector<uint32_t> chunk(keywords.begin() + start,
                                keywords.begin() + std::min(keywords.size(), start + max_size));
    std::vector<std::vector<uint32_t>> pending{std::move(chunk)};
    while (!pending.empty()) {
      std::vector<uint32_t> part = std::move(pending.back());
      pending.pop_back();
      re2::RE2::Options options = KeywordRegexOptions();
      options.set_max_mem(max_mem);
      auto set = std::make_unique<re2::RE2::Set>(options, anchor);
      for (uint32_t k : part) set->Add(refs[k].keyword->regex, nullptr);
      if (!set->Compile()) {
        if (part.size() == 1) {
          out->loose.push_back(part.front());
          continue;
        }
        const size_t half = part.size() / 2;
        pending.emplace_back(part.begin() + half, part.end());
        pending.emplace_back(part.begin(), part.begin() + half);
        continue;
      }
      out->sets.push_back(std::move(set));
      out->set_keywords.push_back(std::move(part));
    }
  }
}

uint64_t HeaderLengthBit(size_t length) { return uint64_t{1} << std::min<size_t>(length, 63); }

double Jaccard(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  const size_t total = a.size() + b.size() - common;
  return total == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(total);
}

}  // namespace

struct Estimator::Impl {
  DeviceDb db;
  EstimatorOptions options;
  std::vector<KeywordRef> keywords;
  std::vector<uint32_t> entry_first_keyword;  // entry → its first global keyword number
  std::array<FieldMatcher, kFieldIdCount> fixed;
  std::unordered_map<std::string, FieldMatcher> headers;  // by lower-case header name
  // Bit n set: some header matcher's name is n bytes long (n < 64; bit 63 covers longer
  // names). Most headers of a banner fail this test and skip the name lookup.
  uint64_t header_name_lengths = 0;
  FieldMask mask;
  size_t set_count = 0;
  uint64_t number = 0;  // see next_estimator_number

  // Records that keyword `k` matched `value`; `groups` are its submatches when the
  // regex ran with them (nullptr: not known yet, Resolve() runs it when needed).
  void AddHit(uint32_t k, std::string_view value, const re2::StringPiece* groups,
              Scratch* s) const {
    const int n = keywords[k].groups;
    if (n <= 0 || groups == nullptr) {
      s->hits.push_back({k, value, kNoSpans});
      return;
    }
    s->hits.push_back({k, value, static_cast<uint32_t>(s->spans.size())});
    AppendSpans(n, value, groups, s);
  }

  static void AppendSpans(int n, std::string_view value, const re2::StringPiece* groups,
                          Scratch* s) {
    for (int g = 1; g <= n; ++g) {
      if (groups[g].data() == nullptr) {
        s->spans.push_back(kNoGroup);
        s->spans.push_back(0);
      } else {
        s->spans.push_back(static_cast<uint32_t>(groups[g].data() - value.data()));
        s->spans.push_back(static_cast<uint32_t>(groups[g].size()));
      }
    }
  }

  // Where the capture spans of hit `h` start in s->spans, running its regex for them
  // when the match did not give them.
  uint32_t SpansOf(const Hit& h, Scratch* s) const {
    if (h.spans != kNoSpans) return h.spans;
    const int n = keywords[h.keyword].groups;
    const auto at = static_cast<uint32_t>(s->spans.size());
    s->groups.assign(static_cast<size_t>(n) + 1, re2::StringPiece());
    // Cannot fail for a keyword that matched; if it did, every group stays unset.
    keywords[h.keyword].keyword->compiled->Match(h.value, 0, h.value.size(), re2::RE2::UNANCHORED,
                                                 s->groups.data(), n + 1);
    AppendSpans(n, h.value, s->groups.data(), s);
    return at;
  }

  // Runs keyword `k`'s own regex on `value`, with submatches when it has groups.
  void RunKeyword(uint32_t k, std::string_view value, Scratch* s) const {
    const re2::RE2& re = *keywords[k].keyword->compiled;
    const int n = keywords[k].groups;
    if (n <= 0) {
      if (re.Match(value, 0, value.size(), re2::RE2::UNANCHORED, nullptr, 0)) {
        AddHit(k, value, nullptr, s);
      }
      return;
    }
    s->groups.resize(static_cast<size_t>(n) + 1);
    if (re.Match(value, 0, value.size(), re2::RE2::UNANCHORED, s->groups.data(), n + 1)) {
      AddHit(k, value, s->groups.data(), s);
    }
  }

  // Every keyword of `matcher` that matches `value`, into s->hits (with spans). The
  // prefilter rules out most keywords (usually all) before any regex runs; a memo
  // answer replaces the regexes for a value seen before.
  void MatchField(const FieldMatcher& matcher, std::string_view value, Scratch* s,
                  FieldMatchMemo* memo) const {
    if (matcher.prefilter) {
      s->candidates.clear();
      matcher.prefilter->Candidates(value, &s->prefilter, &s->candidates);
      if (matcher.residual.empty()) {
        // Plain-text candidates are already known to match: no regex to save.
        bool all_certain = true;
        for (const uint32_t i : s->candidates) all_certain &= matcher.prefilter->certain(i);
        if (all_certain) {
          for (const uint32_t i : s->candidates) AddHit(matcher.all[i], value, nullptr, s);
          return;
        }
      }
    }
    if (memo != nullptr) {
      if (const auto known = memo->Find(matcher.memo_id, value)) {
        AddRemembered(*known, value, s);
        return;
      }
    }
    const size_t before = s->hits.size();
    if (matcher.prefilter && s->candidates.size() <= kMaxSingleRuns) {
      for (const uint32_t i : s->candidates) {
        if (matcher.prefilter->certain(i)) {
          AddHit(matcher.all[i], value, nullptr, s);  // plain text, already compared
        } else {
          RunKeyword(matcher.all[i], value, s);
        }
      }
      RunSets(matcher.residual, value, s);
    } else {
      RunSets(matcher.full, value, s);
    }
    if (memo != nullptr && value.size() <= FieldMatchMemo::kMaxValueBytes) {
      // The answer: each hit's keyword, and when its spans are known, kWithSpans on it
      // and its 2 * groups span words after it.
      s->answer.clear();
      for (size_t i = before; i < s->hits.size(); ++i) {
        const Hit& h = s->hits[i];
        if (h.spans == kNoSpans) {
          s->answer.push_back(h.keyword);
          continue;
        }
        s->answer.push_back(h.keyword | kWithSpans);
        const size_t words = 2 * static_cast<size_t>(keywords[h.keyword].groups);
        s->answer.insert(s->answer.end(), s->spans.begin() + h.spans,
                         s->spans.begin() + h.spans + words);
      }
      memo->Remember(matcher.memo_id, value, s->answer);
    }
  }

  void AddRemembered(std::span<const uint32_t> answer, std::string_view value, Scratch* s) const {
    for (size_t i = 0; i < answer.size();) {
      const uint32_t word = answer[i++];
      if ((word & kWithSpans) == 0) {
        s->hits.push_back({word, value, kNoSpans});
        continue;
      }
      const uint32_t k = word & ~kWithSpans;
      const size_t words = 2 * static_cast<size_t>(keywords[k].groups);
      s->hits.push_back({k, value, static_cast<uint32_t>(s->spans.size())});
      s->spans.insert(s->spans.end(), answer.begin() + static_cast<ptrdiff_t>(i),
                      answer.begin() + static_cast<ptrdiff_t>(i + words));
      i += words;
    }
  }

  void RunSets(const KeywordSets& matcher, std::string_view value, Scratch* s) const {
    std::vector<int>* scratch = &s->set_output;
    for (size_t set_index = 0; set_index < matcher.sets.size(); ++set_index) {
      const re2::RE2::Set& set = *matcher.sets[set_index];
      const std::vector<uint32_t>& map = matcher.set_keywords[set_index];
      // Most values match nothing: the search that stops at the first match and
      // collects nothing is cheaper, so it screens before the collecting one.
      re2::RE2::Set::ErrorInfo info{};
      if (set.Match(value, nullptr, &info)) {
        scratch->clear();
        info = {};
        if (set.Match(value, scratch, &info)) {
          for (int i : *scratch) AddHit(map[static_cast<size_t>(i)], value, nullptr, s);
          continue;
        }
      }
      if (info.kind == re2::RE2::Set::kNoError) continue;
      // DFA out of memory on this input: the same answer, the slow way.
      for (uint32_t k : map) RunKeyword(k, value, s);
    }
    for (uint32_t k : matcher.loose) RunKeyword(k, value, s);
  }

  // Every keyword that matches some field of some banner, sorted by keyword number,
  // each once (with the first value it matched), into s->hits. s->fields keeps the
  // values alive.
  void CollectHits(const Host& host, Scratch* s) const {
    std::vector<Hit>& hits = s->hits;
    FieldMatchMemo* memo =
        options.memo_bytes == 0 ? nullptr : &ThreadMemo(number, options.memo_bytes);
    for (size_t b = 0; b < host.banners.size(); ++b) {
      BannerFields& f = s->fields[b];
      f.Extract(host.banners[b], mask);
      for (size_t id = 0; id < kFieldIdCount; ++id) {
        if (fixed[id].all.empty()) continue;
        if (const std::string_view* v = f.Get(static_cast<FieldId>(id))) {
          MatchField(fixed[id], *v, s, memo);
        }
      }
      for (const BannerFields::Header& h : f.headers()) {
        if ((header_name_lengths & HeaderLengthBit(h.name.size())) == 0) continue;
        s->header_name.assign(h.name);
        for (char& c : s->header_name) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        auto it = headers.find(s->header_name);
        if (it != headers.end()) MatchField(it->second, h.value, s, memo);
      }
    }
    // Stable (the first value a keyword matched stays first). Hits are few, and
    // std::stable_sort would allocate a buffer on every call.
    for (size_t i = 1; i < hits.size(); ++i) {
      const Hit h = hits[i];
      size_t j = i;
      for (; j > 0 && hits[j - 1].keyword > h.keyword; --j) hits[j] = hits[j - 1];
      hits[j] = h;
    }
    hits.erase(std::unique(hits.begin(), hits.end(),
                           [](const Hit& a, const Hit& b) { return a.keyword == b.keyword; }),
               hits.end());
  }

  // The host's open ports plus the ports of its banners, sorted and unique, in *ports.
  static void HostPorts(const Host& host, std::vector<uint16_t>* ports) {
    ports->assign(host.open_ports.begin(), host.open_ports.end());
    for (const BannerRecord& b : host.banners) {
      if (b.port != 0) ports->push_back(b.port);
    }
    std::sort(ports->begin(), ports->end());
    ports->erase(std::unique(ports->begin(), ports->end()), ports->end());
  }

  struct Scores {
    double score = 0, banner = 0, port = 0;
  };
  // The scores of entry `e` given its hits [first, last) (sorted by keyword).
  Scores Score(uint32_t e, const Hit* first, const Hit* last,
               const std::vector<uint16_t>& ports) const {
    Scores sc;
    for (const Hit* h = first; h != last; ++h) sc.banner += keywords[h->keyword].keyword->weight;
    sc.port = Jaccard(ports, db.entries[e].ports);
    sc.score = options.alpha * sc.banner + (1 - options.alpha) * sc.port;
    return sc;
  }

  DeviceMatch Match(uint32_t e, const Scores& sc) const {
    DeviceMatch m;
    m.device = db.entries[e].id;
    m.db_index = e;
    m.score = sc.score;
    m.banner_score = sc.banner;
    m.port_score = sc.port;
    return m;
  }

  // Fills the values of a match that will be reported, from the capture spans of its
  // hits [first, last).
  void Resolve(DeviceMatch* m, const Hit* first, const Hit* last, Scratch* s) const {
    const DeviceEntry& entry = db.entries[m->db_index];
    // The captured values by reference, first one wins; kept in s->captures so that
    // their strings' buffers are reused from call to call.
    size_t& count = s->capture_count;
    count = 0;
    auto add = [&](std::string_view name, std::string_view value) {
      for (size_t i = 0; i < count; ++i) {
        if (s->captures[i].first == name) return;
      }
      if (count == s->captures.size()) s->captures.emplace_back();
      s->captures[count].first.assign(name);
      s->captures[count].second.assign(value);
      ++count;
    };
    char number[4];
    for (const Hit* h = first; h != last; ++h) {
      const KeywordRef& ref = keywords[h->keyword];
      if (ref.groups <= 0) continue;
      const size_t spans = SpansOf(*h, s);
      for (int g = 1; g <= ref.groups; ++g) {
        const uint32_t offset = s->spans[spans + 2 * static_cast<size_t>(g - 1)];
        if (offset == kNoGroup) continue;  // did not take part
        const std::string_view v =
            h->value.substr(offset, s->spans[spans + 2 * static_cast<size_t>(g) - 1]);
        const auto end = fmt::format_to_n(number, sizeof number, "{}", g);
        add(std::string_view(number, static_cast<size_t>(end.out - number)), v);
        if (!ref.group_names[g].empty()) add(ref.group_names[g], v);
      }
    }
    const CaptureLookup lookup = [s](std::string_view ref) -> const std::string* {
      for (size_t i = 0; i < s->capture_count; ++i) {
        if (s->captures[i].first == ref) return &s->captures[i].second;
      }
      return nullptr;
    };
    auto captured = [&](std::string_view name) -> const std::string* {
      const std::string* v = lookup(name);
      return v && !v->empty() ? v : nullptr;
    };
    // Values without a '{' are plain text (ExpandTemplate would return them as is).
    auto expand = [&](const std::string& value) {
      return value.find('{') == std::string::npos ? value : ExpandTemplate(value, lookup);
    };
    m->vendor = expand(entry.vendor);
    m->product = expand(entry.product);
    m->model = expand(entry.model);
    m->version = expand(entry.version);
    m->type = entry.type;
    if (const auto* v = captured("vendor")) m->vendor = *v;
    if (const auto* v = captured("product")) m->product = *v;
    if (const auto* v = captured("model")) m->model = *v;
    if (const auto* v = captured("version")) m->version = *v;
    for (const auto& [name, value] : entry.attributes) {
      std::string expanded = expand(value);
      if (!expanded.empty()) m->attributes[name] = std::move(expanded);
    }
    for (size_t i = 0; i < count; ++i) {
      const auto& [name, value] = s->captures[i];
      if (name.empty() || name[0] == '_' || (name[0] >= '0' && name[0] <= '9') ||
          name == "vendor" || name == "product" || name == "model" || name == "version" ||
          name == "type" || value.empty()) {
        continue;
      }
      m->attributes[name] = value;
    }
    m->level = DeriveLevel(m->vendor, m->model, m->type);
  }
};

Estimator::Estimator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Estimator::Estimator(Estimator&&) noexcept = default;
Estimator& Estimator::operator=(Estimator&&) noexcept = default;
Estimator::~Estimator() = default;

Result<Estimator> Estimator::Create(DeviceDb db, EstimatorOptions options) {
  if (!(options.alpha >= 0 && options.alpha <= 1)) {
    return Error{fmt::format("alpha {} is outside [0, 1]", options.alpha)};
  }
  if (!(options.threshold >= 0 && options.threshold <= 1)) {
    return Error{fmt::format("threshold {} is outside [0, 1]", options.threshold)};
  }
  if (options.max_set_size == 0) options.max_set_size = 1;
  auto impl = std::make_unique<Impl>();
  impl->number = next_estimator_number.fetch_add(1, std::memory_order_relaxed);
  impl->db = std::move(db);
  impl->options = options;
  for (size_t e = 0; e < impl->db.entries.size(); ++e) {
    DeviceEntry& entry = impl->db.entries[e];
    impl->entry_first_keyword.push_back(static_cast<uint32_t>(impl->keywords.size()));
    for (Keyword& k : entry.keywords) {
      if (!k.compiled) k.compiled = std::make_shared<re2::RE2>(k.regex, KeywordRegexOptions());
      if (!k.compiled->ok()) {
        return Error{fmt::format("{}:{}: device '{}': regex does not compile: {}", entry.file,
                                 k.line, entry.id, k.compiled->error())};
      }
      const auto number = static_cast<uint32_t>(impl->keywords.size());
      KeywordRef ref{static_cast<uint32_t>(e), &k, k.compiled->NumberOfCapturingGroups(), {}};
      ref.group_names.resize(static_cast<size_t>(std::max(ref.groups, 0)) + 1);
      for (const auto& [name, index] : k.compiled->NamedCapturingGroups()) {
        ref.group_names[static_cast<size_t>(index)] = name;
      }
      impl->keywords.push_back(std::move(ref));
      FieldMatcher* matcher = nullptr;
      if (auto id = FieldIdFromName(k.field)) {
        matcher = &impl->fixed[static_cast<size_t>(*id)];
        impl->mask.fixed.set(static_cast<size_t>(*id));
      } else if (k.field.rfind("http.header.", 0) == 0) {
        matcher = &impl->headers[k.field.substr(12)];
        impl->header_name_lengths |= HeaderLengthBit(k.field.size() - 12);
        impl->mask.headers = true;
      } else {
        return Error{fmt::format("{}:{}: device '{}': unknown field '{}'", entry.file, k.line,
                                 entry.id, k.field)};
      }
      matcher->all.push_back(number);
    }
  }
  impl->entry_first_keyword.push_back(static_cast<uint32_t>(impl->keywords.size()));
  // Sets of `keywords`: the ones anchored at the start in sets run anchored, the others
  // in unanchored ones.
  auto build_sets = [&](const std::vector<uint32_t>& keywords, KeywordSets* out) {
    std::vector<uint32_t> anchored, unanchored;
    for (uint32_t k : keywords) {
      (StartsAnchored(impl->keywords[k].keyword->regex) ? anchored : unanchored).push_back(k);
    }
    BuildSets(impl->keywords, anchored, re2::RE2::ANCHOR_START, options.max_set_size,
              options.set_max_mem, out);
    BuildSets(impl->keywords, unanchored, re2::RE2::UNANCHORED, options.max_set_size,
              options.set_max_mem, out);
    impl->set_count += out->sets.size();
  };
  auto build = [&](FieldMatcher& m) {
    build_sets(m.all, &m.full);
    if (m.all.empty() || m.all.size() > kPrefilterMaxKeywords) return;
    std::vector<std::string> patterns;
    for (uint32_t k : m.all) patterns.push_back(impl->keywords[k].keyword->regex);
    m.prefilter = KeywordPrefilter::Build(patterns);
    if (!m.prefilter) return;
    // One unanchored set for them all: one RE2 call per value (anchored patterns keep
    // their ^), where anchored and unanchored sets would take two.
    std::vector<uint32_t> unfiltered;
    for (uint32_t i : m.prefilter->unfiltered()) unfiltered.push_back(m.all[i]);
    BuildSets(impl->keywords, unfiltered, re2::RE2::UNANCHORED, options.max_set_size,
              options.set_max_mem, &m.residual);
    impl->set_count += m.residual.sets.size();
  };
  for (size_t id = 0; id < kFieldIdCount; ++id) {
    impl->fixed[id].memo_id = static_cast<uint32_t>(id);
    build(impl->fixed[id]);
  }
  uint32_t next_memo_id = kFieldIdCount;
  for (auto& [name, m] : impl->headers) {
    m.memo_id = next_memo_id++;
    build(m);
  }
  return Estimator(std::move(impl));
}

std::vector<DeviceMatch> Estimator::Estimate(const Host& host) const {
  const Impl& im = *impl_;
  Scratch& scratch = ThreadScratch(host.banners.size());
  im.CollectHits(host, &scratch);
  const std::vector<Hit>& hits = scratch.hits;
  Impl::HostPorts(host, &scratch.ports);
  const std::vector<uint16_t>& ports = scratch.ports;
  const double th = im.options.threshold - kScoreTolerance;
  std::vector<DeviceMatch> matches;
  auto consider = [&](uint32_t e, const Hit* first, const Hit* last) {
    const Impl::Scores sc = im.Score(e, first, last, ports);
    if (sc.score < th) return;
    if (matches.empty()) matches.reserve(4);
    matches.push_back(im.Match(e, sc));
    im.Resolve(&matches.back(), first, last, &scratch);
  };
  const Hit* begin = hits.data();
  const Hit* end = hits.data() + hits.size();
  if (1 - im.options.alpha >= th) {
    // Ports alone can reach th: every entry is a candidate.
    const Hit* h = begin;
    for (uint32_t e = 0; e < im.db.entries.size(); ++e) {
      const Hit* first = h;
      while (h != end && im.keywords[h->keyword].entry == e) ++h;
      consider(e, first, h);
    }
  } else {
    for (const Hit* h = begin; h != end;) {
      const uint32_t e = im.keywords[h->keyword].entry;
      const Hit* first = h;
      while (h != end && im.keywords[h->keyword].entry == e) ++h;
      consider(e, first, h);
    }
  }
  std::sort(matches.begin(), matches.end(), [](const DeviceMatch& a, const DeviceMatch& b) {
    if (std::fabs(a.score - b.score) > kScoreTolerance) return a.score > b.score;
    if (a.level != b.level) return a.level > b.level;
    return a.db_index < b.db_index;
  });
  return matches;
}

DeviceMatch Estimator::Evaluate(const Host& host, size_t db_index) const {
  const Impl& im = *impl_;
  Scratch& scratch = ThreadScratch(host.banners.size());
  im.CollectHits(host, &scratch);
  const std::vector<Hit>& hits = scratch.hits;
  const auto e = static_cast<uint32_t>(db_index);
  auto first = std::lower_bound(hits.begin(), hits.end(), im.entry_first_keyword[e],
                                [](const Hit& h, uint32_t k) { return h.keyword < k; });
  auto last = std::lower_bound(first, hits.end(), im.entry_first_keyword[e + 1],
                               [](const Hit& h, uint32_t k) { return h.keyword < k; });
  const Hit* f = hits.data() + (first - hits.begin());
  const Hit* l = hits.data() + (last - hits.begin());
  Impl::HostPorts(host, &scratch.ports);
  DeviceMatch m = im.Match(e, im.Score(e, f, l, scratch.ports));
  im.Resolve(&m, f, l, &scratch);
  return m;
}

const DeviceDb& Estimator::db() const { return impl_->db; }
const EstimatorOptions& Estimator::options() const { return impl_->options; }
size_t Estimator::keyword_count() const { return impl_->keywords.size(); }
size_t Estimator::set_count() const { return impl_->set_count; }

}  // namespace narrowscan

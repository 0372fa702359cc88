#include "controller/estimation/estimator.h"

#include <fmt/format.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "controller/estimation/banner_fields.h"
#include "controller/estimation/field_match_memo.h"
#include "controller/estimation/value_template.h"

namespace narrowscan {
namespace {

constexpr double kScoreTolerance = 1e-9;

struct KeywordRef {
  uint32_t entry;
  const Keyword* keyword;
};

// The sets of one field: set s reports indices into set_keywords[s], which maps them to
// global keyword numbers. Keywords anchored at the start go to sets run with
// ANCHOR_START: their DFA stops as soon as no pattern can match any more, instead of
// scanning the whole value, which is most of the speed on long banners.
struct FieldMatcher {
  std::vector<std::unique_ptr<re2::RE2::Set>> sets;
  std::vector<std::vector<uint32_t>> set_keywords;
  std::vector<uint32_t> anchored, unanchored;  // keywords of the field, while building
  // Keywords whose one-pattern set does not fit the set memory budget (RE2 cannot
  // match with a set whose Compile() failed): run as their own regex on each value.
  std::vector<uint32_t> loose;
  uint32_t memo_id = 0;  // names this matcher in FieldMatchMemo keys
};

// True when every match of `pattern` must start at the beginning of the text: it
// begins with ^ or \A (after inline flags without m) and has no top-level alternation.
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

struct Hit {
  uint32_t keyword;
  std::string_view value;  // the field value it matched (first one)
};

// Per-thread buffers reused across calls, so a call allocates only for its result.
// Estimate() is not re-entrant within a thread (it calls nothing that calls back).
struct Scratch {
  std::deque<BannerFields> fields;  // BannerFields never moves once built
  std::vector<Hit> hits;
  std::vector<int> set_output;
  std::string header_name;
};

Scratch& ThreadScratch(size_t banners) {
  thread_local Scratch scratch;
  while (scratch.fields.size() < banners) scratch.fields.emplace_back();
  scratch.hits.clear();
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
               re2::RE2::Anchor anchor, size_t max_size, int64_t max_mem, FieldMatcher* out) {
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

// Keys of capture answers in FieldMatchMemo: the keyword number with this bit, so they
// never meet the matcher numbers of keyword answers.
constexpr uint32_t kCaptureKey = uint32_t{1} << 31;

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

  // MatchValue, answered from `memo` when this matcher already saw the same value.
  void MatchValueRemembered(const FieldMatcher& matcher, std::string_view value, Scratch* s,
                            FieldMatchMemo* memo) const {
    std::vector<Hit>& hits = s->hits;
    if (memo == nullptr) {
      MatchValue(matcher, value, &s->set_output, &hits);
      return;
    }
    if (const std::vector<uint32_t>* known = memo->Find(matcher.memo_id, value)) {
      for (uint32_t k : *known) hits.push_back({k, value});
      return;
    }
    const size_t before = hits.size();
    MatchValue(matcher, value, &s->set_output, &hits);
    if (value.size() > FieldMatchMemo::kMaxValueBytes) return;
    std::vector<uint32_t> found;
    found.reserve(hits.size() - before);
    for (size_t i = before; i < hits.size(); ++i) found.push_back(hits[i].keyword);
    memo->Remember(matcher.memo_id, value, std::move(found));
  }

  void MatchValue(const FieldMatcher& matcher, std::string_view value, std::vector<int>* scratch,
                  std::vector<Hit>* hits) const {
    for (size_t s = 0; s < matcher.sets.size(); ++s) {
      const re2::RE2::Set& set = *matcher.sets[s];
      const std::vector<uint32_t>& map = matcher.set_keywords[s];
      // Most values match nothing: the search that stops at the first match and
      // collects nothing is cheaper, so it screens before the collecting one.
      re2::RE2::Set::ErrorInfo info{};
      if (set.Match(value, nullptr, &info)) {
        scratch->clear();
        info = {};
        if (set.Match(value, scratch, &info)) {
          for (int i : *scratch) hits->push_back({map[static_cast<size_t>(i)], value});
          continue;
        }
      }
      if (info.kind == re2::RE2::Set::kNoError) continue;
      // DFA out of memory on this input: the same answer, the slow way.
      for (uint32_t k : map) {
        if (re2::RE2::PartialMatch(value, *keywords[k].keyword->compiled)) {
          hits->push_back({k, value});
        }
      }
    }
    for (uint32_t k : matcher.loose) {
      if (re2::RE2::PartialMatch(value, *keywords[k].keyword->compiled))
        hits->push_back({k, value});
    }
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
        if (fixed[id].sets.empty() && fixed[id].loose.empty()) continue;
        if (const std::string_view* v = f.Get(static_cast<FieldId>(id))) {
          MatchValueRemembered(fixed[id], *v, s, memo);
        }
      }
      for (const BannerFields::Header& h : f.headers()) {
        if ((header_name_lengths & HeaderLengthBit(h.name.size())) == 0) continue;
        s->header_name.assign(h.name);
        for (char& c : s->header_name) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        auto it = headers.find(s->header_name);
        if (it != headers.end()) MatchValueRemembered(it->second, h.value, s, memo);
      }
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.keyword < b.keyword; });
    hits.erase(std::unique(hits.begin(), hits.end(),
                           [](const Hit& a, const Hit& b) { return a.keyword == b.keyword; }),
               hits.end());
  }

  static std::vector<uint16_t> HostPorts(const Host& host) {
    std::vector<uint16_t> ports = host.open_ports;
    for (const BannerRecord& b : host.banners) {
      if (b.port != 0) ports.push_back(b.port);
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    return ports;
  }

  // The match of entry `e` given its hits [first, last) (sorted by keyword).
  DeviceMatch Score(uint32_t e, const Hit* first, const Hit* last,
                    const std::vector<uint16_t>& ports) const {
    const DeviceEntry& entry = db.entries[e];
    DeviceMatch m;
    m.device = entry.id;
    m.db_index = e;
    for (const Hit* h = first; h != last; ++h)
      m.banner_score += keywords[h->keyword].keyword->weight;
    m.port_score = Jaccard(ports, entry.ports);
    m.score = options.alpha * m.banner_score + (1 - options.alpha) * m.port_score;
    return m;
  }

  // Fills the values of a match that will be reported.
  // Capture groups 1..n of keyword `k` on `value`, as (offset, length) pairs into value,
  // kNoGroup for a group that took no part; empty when the regex does not match. Taken
  // from the memo when this keyword already ran on the same value bytes.
  static constexpr uint32_t kNoGroup = ~uint32_t{0};
  const std::vector<uint32_t>& Captures(uint32_t k, std::string_view value,
                                        std::vector<uint32_t>* out) const {
    FieldMatchMemo* memo =
        options.memo_bytes == 0 ? nullptr : &ThreadMemo(number, options.memo_bytes);
    if (memo) {
      if (const std::vector<uint32_t>* known = memo->Find(kCaptureKey | k, value)) return *known;
    }
    out->clear();
    const re2::RE2& re = *keywords[k].keyword->compiled;
    const int groups = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> sub(static_cast<size_t>(groups) + 1);
    if (re.Match(value, 0, value.size(), re2::RE2::UNANCHORED, sub.data(), groups + 1)) {
      for (int g = 1; g <= groups; ++g) {
        if (sub[g].data() == nullptr) {
          out->push_back(kNoGroup);
          out->push_back(0);
        } else {
          out->push_back(static_cast<uint32_t>(sub[g].data() - value.data()));
          out->push_back(static_cast<uint32_t>(sub[g].size()));
        }
      }
    }
    if (memo && value.size() <= FieldMatchMemo::kMaxValueBytes) {
      memo->Remember(kCaptureKey | k, value, *out);
    }
    return *out;
  }

  void Resolve(DeviceMatch* m, const Hit* first, const Hit* last) const {
    const DeviceEntry& entry = db.entries[m->db_index];
    std::vector<std::pair<std::string, std::string>> captures;  // first one wins
    std::vector<uint32_t> capture_spans;
    auto add = [&](std::string name, std::string_view value) {
      for (const auto& c : captures) {
        if (c.first == name) return;
      }
      captures.emplace_back(std::move(name), std::string(value));
    };
    for (const Hit* h = first; h != last; ++h) {
      const re2::RE2& re = *keywords[h->keyword].keyword->compiled;
      const int groups = re.NumberOfCapturingGroups();
      if (groups <= 0) continue;
      const std::vector<uint32_t>& spans = Captures(h->keyword, h->value, &capture_spans);
      if (spans.empty()) continue;  // the regex does not match (cannot happen for a hit)
      std::vector<std::string_view> names(static_cast<size_t>(groups) + 1);
      for (const auto& [name, index] : re.NamedCapturingGroups()) names[index] = name;
      for (int g = 1; g <= groups; ++g) {
        const uint32_t offset = spans[2 * static_cast<size_t>(g - 1)];
        if (offset == kNoGroup) continue;  // did not take part
        const std::string_view v = h->value.substr(offset, spans[2 * static_cast<size_t>(g) - 1]);
        add(std::to_string(g), v);
        if (!names[g].empty()) add(std::string(names[g]), v);
      }
    }
    const CaptureLookup lookup = [&](std::string_view ref) -> const std::string* {
      for (const auto& c : captures) {
        if (c.first == ref) return &c.second;
      }
      return nullptr;
    };
    auto captured = [&](std::string_view name) -> const std::string* {
      const std::string* v = lookup(name);
      return v && !v->empty() ? v : nullptr;
    };
    m->vendor = ExpandTemplate(entry.vendor, lookup);
    m->product = ExpandTemplate(entry.product, lookup);
    m->model = ExpandTemplate(entry.model, lookup);
    m->version = ExpandTemplate(entry.version, lookup);
    m->type = entry.type;
    if (const auto* v = captured("vendor")) m->vendor = *v;
    if (const auto* v = captured("product")) m->product = *v;
    if (const auto* v = captured("model")) m->model = *v;
    if (const auto* v = captured("version")) m->version = *v;
    for (const auto& [name, value] : entry.attributes) {
      std::string expanded = ExpandTemplate(value, lookup);
      if (!expanded.empty()) m->attributes[name] = std::move(expanded);
    }
    for (const auto& [name, value] : captures) {
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
      impl->keywords.push_back({static_cast<uint32_t>(e), &k});
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
      (StartsAnchored(k.regex) ? matcher->anchored : matcher->unanchored).push_back(number);
    }
  }
  impl->entry_first_keyword.push_back(static_cast<uint32_t>(impl->keywords.size()));
  auto build = [&](FieldMatcher& m) {
    BuildSets(impl->keywords, m.anchored, re2::RE2::ANCHOR_START, options.max_set_size,
              options.set_max_mem, &m);
    BuildSets(impl->keywords, m.unanchored, re2::RE2::UNANCHORED, options.max_set_size,
              options.set_max_mem, &m);
    impl->set_count += m.sets.size();
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
  const std::vector<uint16_t> ports = Impl::HostPorts(host);
  const double th = im.options.threshold - kScoreTolerance;
  std::vector<DeviceMatch> matches;
  auto consider = [&](uint32_t e, const Hit* first, const Hit* last) {
    DeviceMatch m = im.Score(e, first, last, ports);
    if (m.score < th) return;
    im.Resolve(&m, first, last);
    matches.push_back(std::move(m));
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
  DeviceMatch m = im.Score(e, f, l, Impl::HostPorts(host));
  im.Resolve(&m, f, l);
  return m;
}

const DeviceDb& Estimator::db() const { return impl_->db; }
const EstimatorOptions& Estimator::options() const { return impl_->options; }
size_t Estimator::keyword_count() const { return impl_->keywords.size(); }
size_t Estimator::set_count() const { return impl_->set_count; }

}  // namespace narrowscan

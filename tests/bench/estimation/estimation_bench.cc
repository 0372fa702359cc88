// Estimator throughput against the naive loop, for the default DB and the nmap import.
//
// The corpus is every example banner of the default DB (devices the DB knows) plus
// generic servers it must not estimate, so both hits and misses are measured. Each
// iteration estimates one single-banner host. The naive loop extracts the same fields
// and then runs every keyword's regex on its field: what the estimator must beat.
//
// The corpus repeats every few hundred banners, as real scans do (their Server, realm
// and title values collapse to a few percent distinct), so the Estimator's per-thread
// memo answers most fields without RE2. More rows show what it costs when nothing
// repeats: the memo turned off (RE2 on every value), the memo on but holding a single
// value (every lookup misses and pays for remembering), and a "distinct" corpus of
// kDistinctCopies copies of every host whose HTTP and RTSP banners carry their own
// Date, ETag, Last-Modified, Content-Length and session cookie, as real replies do, so
// that no two banners are byte-identical.
//
// Before timing anything, every estimator is checked against the naive loop on every
// host of the corpora it runs on: the same devices reported, with the same scores (and
// for the default DB, the same banner score for every entry, reported or not). A
// difference ends the run with exit code 1.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "controller/estimation/banner_fields.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"
#include "controller/importers/nmap_service_probes.h"

namespace narrowscan {
namespace {

const char* const kGenericBanners[] = {
    "HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 10:00:00 GMT\r\nServer: Apache/2.4.57 (Debian)\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n\r\n<html><head><title>Apache2 Debian Default Page: "
    "It works</title></head><body>It works!</body></html>",
    "HTTP/1.1 301 Moved Permanently\r\nServer: nginx/1.22.1\r\nLocation: https://example.org/\r\n"
    "Content-Length: 169\r\n\r\n<html><head><title>301 Moved Permanently</title></head></html>",
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: Microsoft-IIS/10.0\r\nX-Powered-By: "
    "ASP.NET\r\n\r\n<!DOCTYPE html><html><head><title>IIS Windows Server</title></head></html>",
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
    "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n",
    "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n",
    "220 mx.example.net ESMTP Exim 4.96 Sun, 29 Nov 2026 10:00:00 +0000\r\n",
    "220 (vsFTPd 3.0.3)\r\n",
    "220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n",
    "+OK Dovecot (Debian) ready.\r\n",
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS] Dovecot "
    "ready.\r\n",
    "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnot found",
};

struct Corpus {
  std::vector<Host> hosts;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Corpus MakeCorpus(const DeviceDb& default_db) {
  Corpus c;
  for (const DeviceEntry& e : default_db.entries) {
    for (const DeviceExample& x : e.examples) {
      if (x.expect_match) c.hosts.push_back(ExampleHost(x));
    }
  }
  const std::vector<uint16_t> ports = {80, 80, 80, 22, 22, 25, 25, 21, 21, 110, 143, 8080};
  for (size_t i = 0; i < std::size(kGenericBanners); ++i) {
    Host h;
    BannerRecord b;
    b.port = ports[i];
    b.banner = kGenericBanners[i];
    h.banners.push_back(b);
    h.open_ports.push_back(b.port);
    c.hosts.push_back(std::move(h));
  }
  return c;
}

constexpr size_t kDistinctCopies = 64;

// SplitMix64: a fixed sequence, so every run times the same corpus.
uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

bool HasHeader(std::string_view banner, std::string_view name) {
  for (size_t at = banner.find("\r\n"); at != std::string_view::npos;
       at = banner.find("\r\n", at + 2)) {
    const std::string_view line = banner.substr(at + 2, name.size() + 1);
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return true;
  }
  return false;
}

// `banner` with the per-reply headers a real server adds after its status line (only
// those it does not carry already, so no header the DB looks at changes).
std::string WithReplyHeaders(const std::string& banner, uint64_t* random) {
  const size_t line_end = banner.find("\r\n");
  if (line_end == std::string::npos) return banner;
  static const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const uint64_t r = NextRandom(random), s = NextRandom(random);
  char headers[512];
  int n = 0;
  auto add = [&](const char* name, const char* format, auto... args) {
    if (HasHeader(banner, name)) return;
    n += std::snprintf(headers + n, sizeof headers - static_cast<size_t>(n), "%s: ", name);
    n += std::snprintf(headers + n, sizeof headers - static_cast<size_t>(n), format, args...);
    n += std::snprintf(headers + n, sizeof headers - static_cast<size_t>(n), "\r\n");
  };
  add("Date", "%s, %02d %s %d %02d:%02d:%02d GMT", kDays[r % 7], static_cast<int>(r >> 8) % 28 + 1,
      kMonths[(r >> 16) % 12], 2020 + static_cast<int>((r >> 20) % 7),
      static_cast<int>((r >> 24) % 24), static_cast<int>((r >> 32) % 60),
      static_cast<int>((r >> 40) % 60));
  if (banner.rfind("HTTP/", 0) == 0) {
    add("ETag", "\"%" PRIx64 "-%" PRIx64 "\"", s & 0xfffff, s >> 40);
    add("Last-Modified", "%s, %02d %s 20%02d 08:00:00 GMT", kDays[s % 7],
        static_cast<int>(s >> 3) % 28 + 1, kMonths[(s >> 8) % 12],
        10 + static_cast<int>((s >> 12) % 15));
    add("Content-Length", "%d", static_cast<int>(r % 40000) + 100);
    add("Set-Cookie", "SESSIONID=%016" PRIx64 "%016" PRIx64 "; path=/; HttpOnly", r ^ s, s * 31);
  } else {
    add("CSeq", "%d", static_cast<int>(r % 1000) + 1);
  }
  std::string out = banner.substr(0, line_end + 2);
  out.append(headers, static_cast<size_t>(n));
  out.append(banner, line_end + 2);
  return out;
}

// kDistinctCopies copies of `base`, copy after copy, each HTTP/RTSP banner with reply
// headers of its own: no two of those banners are the same.
Corpus MakeDistinctCorpus(const Corpus& base) {
  Corpus c;
  uint64_t random = 2026;
  for (size_t copy = 0; copy < kDistinctCopies; ++copy) {
    for (const Host& h : base.hosts) {
      Host varied = h;
      for (BannerRecord& b : varied.banners) {
        if (b.field.empty() &&
            (b.banner.rfind("HTTP/", 0) == 0 || b.banner.rfind("RTSP/", 0) == 0)) {
          b.banner = WithReplyHeaders(b.banner, &random);
        }
      }
      c.hosts.push_back(std::move(varied));
    }
  }
  return c;
}

// The naive reference: entry e's banner score from every keyword's own regex on every
// value of its field (all headers of that name for http.header.NAME).
std::vector<double> NaiveBannerScores(const DeviceDb& db, const Host& host) {
  std::vector<BannerFields> fields(host.banners.size());
  for (size_t b = 0; b < host.banners.size(); ++b) fields[b].Extract(host.banners[b]);
  std::vector<double> scores(db.entries.size(), 0.0);
  for (size_t e = 0; e < db.entries.size(); ++e) {
    for (const Keyword& k : db.entries[e].keywords) {
      bool hit = false;
      for (const BannerFields& f : fields) {
        if (k.field.rfind("http.header.", 0) == 0) {
          const std::string_view name = std::string_view(k.field).substr(12);
          for (const BannerFields::Header& h : f.headers()) {
            bool same = h.name.size() == name.size();
            for (size_t i = 0; i < name.size() && same; ++i) {
              same = std::tolower(static_cast<unsigned char>(h.name[i])) == name[i];
            }
            hit = hit || (same && re2::RE2::PartialMatch(h.value, *k.compiled));
          }
        } else if (const auto value = f.Find(k.field)) {
          hit = hit || re2::RE2::PartialMatch(*value, *k.compiled);
        }
      }
      if (hit) scores[e] += k.weight;
    }
  }
  return scores;
}

// Checks `estimator` (alpha 1: S = Sb) against the naive reference on every host;
// with every_entry, also each entry's banner score through Evaluate(). Prints and
// returns the number of differences.
size_t VerifyAgainstNaive(const char* name, const Estimator& estimator, const Corpus& corpus,
                          bool every_entry) {
  const DeviceDb& db = estimator.db();
  const double th = estimator.options().threshold - 1e-9;
  size_t differences = 0;
  for (size_t i = 0; i < corpus.hosts.size(); ++i) {
    const Host& host = corpus.hosts[i];
    const std::vector<double> naive = NaiveBannerScores(db, host);
    std::vector<std::pair<size_t, double>> want;
    for (size_t e = 0; e < naive.size(); ++e) {
      if (naive[e] >= th) want.emplace_back(e, naive[e]);
    }
    std::vector<std::pair<size_t, double>> got;
    for (const DeviceMatch& m : estimator.Estimate(host)) got.emplace_back(m.db_index, m.score);
    std::sort(got.begin(), got.end());
    if (got != want) {
      if (++differences <= 5) {
        std::fprintf(stderr, "bench_estimation: %s: host %zu: %zu matches, naive %zu\n", name, i,
                     got.size(), want.size());
      }
      continue;
    }
    for (size_t e = 0; every_entry && e < naive.size(); ++e) {
      if (estimator.Evaluate(host, e).banner_score != naive[e]) {
        if (++differences <= 5) {
          std::fprintf(stderr, "bench_estimation: %s: host %zu entry %s: Sb %g, naive %g\n", name,
                       i, db.entries[e].id.c_str(), estimator.Evaluate(host, e).banner_score,
                       naive[e]);
        }
        break;
      }
    }
  }
  return differences;
}

struct Fixture {
  Corpus corpus, distinct;
  std::unique_ptr<Estimator> default_estimator, nmap_estimator;
  std::unique_ptr<Estimator> default_no_memo, default_always_miss;
  DeviceDb default_db, nmap_db;  // copies for the naive loop
};

Fixture& Data() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    auto db = LoadDeviceDb({std::string(NARROWSCAN_SOURCE_DIR) + "/controller/devices"});
    if (!db.ok()) {
      std::fprintf(stderr, "bench_estimation: %s\n", db.error().c_str());
      std::exit(1);
    }
    fx->default_db = db.value();
    fx->corpus = MakeCorpus(fx->default_db);
    fx->distinct = MakeDistinctCorpus(fx->corpus);
    fx->default_estimator =
        std::make_unique<Estimator>(std::move(Estimator::Create(db.value()).value()));
    EstimatorOptions no_memo;
    no_memo.memo_bytes = 0;
    fx->default_no_memo =
        std::make_unique<Estimator>(std::move(Estimator::Create(db.value(), no_memo).value()));
    EstimatorOptions one_value;
    one_value.memo_bytes = 256;  // room for one short value: each new one evicts the last
    fx->default_always_miss =
        std::make_unique<Estimator>(std::move(Estimator::Create(db.value(), one_value).value()));
    const std::string nmap = ReadFile(NARROWSCAN_NMAP_PROBES);
    if (!nmap.empty()) {
      NmapImport imported = ImportNmapServiceProbes(nmap, NARROWSCAN_NMAP_PROBES);
      for (DeviceEntry& e : imported.entries) {
        for (Keyword& k : e.keywords)
          k.compiled = std::make_shared<re2::RE2>(k.regex, KeywordRegexOptions());
      }
      fx->nmap_db.entries = std::move(imported.entries);
      fx->nmap_estimator =
          std::make_unique<Estimator>(std::move(Estimator::Create(fx->nmap_db).value()));
    }
    size_t differences = 0;
    for (const auto& [name, estimator] :
         {std::pair{"default", fx->default_estimator.get()},
          std::pair{"default/no-memo", fx->default_no_memo.get()},
          std::pair{"default/miss", fx->default_always_miss.get()}}) {
      differences += VerifyAgainstNaive(name, *estimator, fx->corpus, true);
      differences += VerifyAgainstNaive(name, *estimator, fx->distinct, false);
    }
    if (fx->nmap_estimator) {
      differences += VerifyAgainstNaive("nmap", *fx->nmap_estimator, fx->corpus, false);
    }
    if (differences != 0) {
      std::fprintf(stderr, "bench_estimation: %zu results differ from the naive loop\n",
                   differences);
      std::exit(1);
    }
    return fx;
  }();
  return *f;
}

void RunEstimator(benchmark::State& state, const Estimator* estimator,
                  const Corpus& corpus = Data().corpus) {
  if (!estimator) {
    state.SkipWithError("DB not available");
    return;
  }
  const auto& hosts = corpus.hosts;
  size_t i = 0, matches = 0;
  for (auto _ : state) {
    auto found = estimator->Estimate(hosts[i]);
    matches += found.size();
    benchmark::DoNotOptimize(found);
    if (++i == hosts.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["matches/banner"] =
      static_cast<double>(matches) / static_cast<double>(state.iterations());
}

// Every keyword regex on its field of every banner; no sets, no early exit.
void RunNaive(benchmark::State& state, const DeviceDb* db) {
  if (!db || db->entries.empty()) {
    state.SkipWithError("DB not available");
    return;
  }
  const auto& hosts = Data().corpus.hosts;
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    const Host& h = hosts[i];
    for (const BannerRecord& record : h.banners) {
      BannerFields fields;
      fields.Extract(record);
      for (const DeviceEntry& e : db->entries) {
        for (const Keyword& k : e.keywords) {
          const auto value = fields.Find(k.field);
          if (value && re2::RE2::PartialMatch(*value, *k.compiled)) ++hits;
        }
      }
    }
    if (++i == hosts.size()) i = 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_DefaultDb_Estimator(benchmark::State& s) {
  RunEstimator(s, Data().default_estimator.get());
}
void BM_DefaultDb_EstimatorNoMemo(benchmark::State& s) {
  RunEstimator(s, Data().default_no_memo.get());
}
void BM_DefaultDb_EstimatorAlwaysMiss(benchmark::State& s) {
  RunEstimator(s, Data().default_always_miss.get());
}
void BM_DefaultDb_EstimatorDistinct(benchmark::State& s) {
  RunEstimator(s, Data().default_estimator.get(), Data().distinct);
}
void BM_DefaultDb_EstimatorDistinctNoMemo(benchmark::State& s) {
  RunEstimator(s, Data().default_no_memo.get(), Data().distinct);
}
void BM_DefaultDb_Naive(benchmark::State& s) { RunNaive(s, &Data().default_db); }
void BM_NmapImport_Estimator(benchmark::State& s) { RunEstimator(s, Data().nmap_estimator.get()); }
void BM_NmapImport_Naive(benchmark::State& s) { RunNaive(s, &Data().nmap_db); }
BENCHMARK(BM_DefaultDb_Estimator)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorNoMemo)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorAlwaysMiss)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorDistinct)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorDistinctNoMemo)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_Naive)->MinTime(1.0);
BENCHMARK(BM_NmapImport_Estimator)->MinTime(2.0);
BENCHMARK(BM_NmapImport_Naive)->MinTime(2.0);

// Collects banners/s per benchmark to print the side-by-side summary at the end.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // CPU time, not wall time: the machine is shared, and one core is what we claim.
      if (!r.error_occurred && r.cpu_accumulated_time > 0) {
        rate_[r.run_name.function_name] =
            static_cast<double>(r.iterations) / r.cpu_accumulated_time;
      }
    }
  }
  void PrintSummary() const {
    std::printf("\n%-16s %10s %18s %18s %10s\n", "DB", "keywords", "estimator b/s", "naive b/s",
                "speed-up");
    auto row = [&](const char* name, const char* est, const char* naive, size_t keywords) {
      auto e = rate_.find(est), n = rate_.find(naive);
      if (e == rate_.end() || n == rate_.end()) {
        std::printf("%-16s %10s %18s\n", name, "-", "not available");
        return;
      }
      std::printf("%-16s %10zu %18.0f %18.0f %9.1fx\n", name, keywords, e->second, n->second,
                  e->second / n->second);
    };
    const Fixture& f = Data();
    row("default", "BM_DefaultDb_Estimator", "BM_DefaultDb_Naive",
        f.default_estimator->keyword_count());
    row("default/no-memo", "BM_DefaultDb_EstimatorNoMemo", "BM_DefaultDb_Naive",
        f.default_no_memo->keyword_count());
    row("default/miss", "BM_DefaultDb_EstimatorAlwaysMiss", "BM_DefaultDb_Naive",
        f.default_always_miss->keyword_count());
    row("default/distinct", "BM_DefaultDb_EstimatorDistinct", "BM_DefaultDb_Naive",
        f.default_estimator->keyword_count());
    row("distinct/no-memo", "BM_DefaultDb_EstimatorDistinctNoMemo", "BM_DefaultDb_Naive",
        f.default_no_memo->keyword_count());
    row("nmap", "BM_NmapImport_Estimator", "BM_NmapImport_Naive",
        f.nmap_estimator ? f.nmap_estimator->keyword_count() : 0);
    std::printf(
        "corpus: %zu single-banner hosts (the default DB's example banners + generic servers), "
        "cycled\n"
        "default: memo on (8 MiB/thread); no-memo: memo off, RE2 on every value (all values "
        "distinct); miss: memo holds one value, every lookup misses\n"
        "distinct: %zu hosts, %zu copies of the corpus whose HTTP/RTSP banners each carry their "
        "own Date, ETag, Last-Modified, Content-Length, session cookie (no two alike); memo on, "
        "then off\n"
        "verified before timing: every estimator reports the same devices with the same scores "
        "as the naive loop on every host it runs on\n",
        f.corpus.hosts.size(), f.distinct.hosts.size(), kDistinctCopies);
  }

 private:
  std::map<std::string, double> rate_;
};

}  // namespace
}  // namespace narrowscan

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  narrowscan::Data();  // load outside the timed loops
  narrowscan::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  return 0;
}

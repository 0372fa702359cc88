// Estimator throughput against the naive loop, for the default DB and the nmap import.
//
// The corpus is every example banner of the default DB (devices the DB knows) plus
// generic servers it must not estimate, so both hits and misses are measured. Each
// iteration estimates one single-banner host. The naive loop extracts the same fields
// and then runs every keyword's regex on its field: what the estimator must beat.
//
// The corpus repeats every few hundred banners, as real scans do (their Server, realm
// and title values collapse to a few percent distinct), so the Estimator's per-thread
// memo answers most fields without RE2. Two more rows show what it costs when nothing
// repeats: the memo turned off (RE2 on every value), and the memo on but holding a
// single value, so every lookup misses and pays for remembering.
#include <benchmark/benchmark.h>

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

struct Fixture {
  Corpus corpus;
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
    return fx;
  }();
  return *f;
}

void RunEstimator(benchmark::State& state, const Estimator* estimator) {
  if (!estimator) {
    state.SkipWithError("DB not available");
    return;
  }
  const auto& hosts = Data().corpus.hosts;
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
void BM_DefaultDb_Naive(benchmark::State& s) { RunNaive(s, &Data().default_db); }
void BM_NmapImport_Estimator(benchmark::State& s) { RunEstimator(s, Data().nmap_estimator.get()); }
void BM_NmapImport_Naive(benchmark::State& s) { RunNaive(s, &Data().nmap_db); }
BENCHMARK(BM_DefaultDb_Estimator)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorNoMemo)->MinTime(1.0);
BENCHMARK(BM_DefaultDb_EstimatorAlwaysMiss)->MinTime(1.0);
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
    row("nmap", "BM_NmapImport_Estimator", "BM_NmapImport_Naive",
        f.nmap_estimator ? f.nmap_estimator->keyword_count() : 0);
    std::printf(
        "corpus: %zu single-banner hosts (the default DB's example banners + generic servers), "
        "cycled\n"
        "default: memo on (8 MiB/thread); no-memo: memo off, RE2 on every value (all values "
        "distinct); miss: memo holds one value, every lookup misses\n",
        f.corpus.hosts.size());
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

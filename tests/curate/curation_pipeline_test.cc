// The pipeline on real SQLite stores: ingest → run → review → promote, re-runs keep
// decisions, promotion writes a DB the estimator loads, fleet rounds import as datasets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller/curate/cluster_catalog.h"
#include "controller/curate/cluster_promotion.h"
#include "controller/curate/curation_run.h"
#include "controller/curate/dataset_catalog.h"
#include "controller/curate/fleet_round_import.h"
#include "controller/curate/review_decisions.h"
#include "controller/curate/scan_file_reader.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/fleet_schema.h"

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

class CurationPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("curate_pipeline_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = Store::Open((dir_ / "store.db").string());
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream((dir_ / name).string(), std::ios::binary) << text;
    return (dir_ / name).string();
  }

  void Ingest(const std::string& text, ScanFormat format, const std::string& dataset = "default") {
    auto writer = DatasetWriter::Open(*store_, dataset);
    ASSERT_TRUE(writer.ok()) << writer.error();
    auto counts = ReadScanFile(
        Write("scan.txt", text), format, [&](ScanRecord&& r) { return (*writer)->Add(r); },
        [](const std::string& m) { ADD_FAILURE() << m; });
    ASSERT_TRUE(counts.ok()) << counts.error();
    ASSERT_TRUE((*writer)->Finish().ok());
  }

  Funnel Run(const std::string& dataset = "default") {
    auto f = RunCuration(*store_, dataset, BannerFilter::Default(), BannerNormalizer::Default(),
                         "default");
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error());
    return f.ok() ? *f : Funnel{};
  }

  std::vector<ClusterSummary> Clusters(ClusterOrder order = ClusterOrder::kSize) {
    auto id = FindDataset(*store_, "default");
    EXPECT_TRUE(id.ok());
    ClusterQuery q;
    q.order = order;
    auto c = ListClusters(*store_, *id, q);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error());
    return c.ok() ? *c : std::vector<ClusterSummary>{};
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

// Three cameras (80 + 554, one also 8000), two routers, a mail server, a bare FTP.
std::string Fixture() {
  std::string out;
  auto cam = [&](const char* ip, const char* date, const char* nonce, bool extra) {
    out += std::string("{\"ip\":\"") + ip + "\",\"open_ports\":[80,554" + (extra ? ",8000" : "") +
           "],\"banners\":[{\"port\":80,\"service\":\"http\",\"banner\":\"HTTP/1.1 401 "
           "Unauthorized\\r\\nDate: " +
           date +
           "\\r\\nServer: App-webs/\\r\\nWWW-Authenticate: Digest "
           "realm=\\\"DS-2CD2142FWD-I\\\", nonce=\\\"" +
           nonce +
           "\\\"\\r\\n\\r\\n\"},{\"port\":554,"
           "\"service\":\"rtsp\",\"banner\":\"RTSP/1.0 401 Unauthorized\\r\\nCSeq: "
           "1\\r\\n\\r\\n\"}]}\n";
  };
  cam("10.0.0.1", "Sun, 29 Nov 2026 21:00:00 GMT", "a1b2c3d4e5f6", false);
  cam("10.0.0.2", "Mon, 30 Nov 2026 01:02:03 GMT", "ffeeddccbbaa", true);
  cam("10.0.0.3", "Tue, 01 Dec 2026 11:12:13 GMT", "0011223344ff", false);
  for (const char* ip : {"10.0.1.1", "10.0.1.2"})
    out += std::string("{\"ip\":\"") + ip +
           "\",\"open_ports\":[80,23],\"banners\":[{\"port\":80,"
           "\"banner\":\"HTTP/1.1 401 Unauthorized\\r\\nWWW-Authenticate: Basic "
           "realm=\\\"Aterm(HT)\\\"\\r\\n"
           "Content-Length: " +
           std::to_string(ip[7] * 3) + "\\r\\n\\r\\n\"}]}\n";
  out +=
      "{\"ip\":\"10.0.2.1\",\"open_ports\":[25],\"banners\":[{\"port\":25,\"banner\":\"220 "
      "mx.example.org "
      "ESMTP Postfix\\r\\n\"}]}\n";
  out +=
      "{\"ip\":\"10.0.2.2\",\"open_ports\":[21],\"banners\":[{\"port\":21,\"banner\":\"220 FTP "
      "Server "
      "ready.\\r\\n\"}]}\n";
  return out;
}

TEST_F(CurationPipelineTest, FunnelCountsEveryStep) {
  Ingest(Fixture(), ScanFormat::kHostsJsonl);
  Funnel f = Run();
  EXPECT_EQ(f.banners, 10);
  EXPECT_EQ(f.after_filter, 8);
  EXPECT_EQ(f.clusters, 3);  // camera http, camera rtsp, router http
  EXPECT_EQ(f.entries, 0);
  std::map<std::string, int64_t> removed(f.removed_by_rule.begin(), f.removed_by_rule.end());
  EXPECT_EQ(removed["smtp-mail-server"], 1);
  EXPECT_EQ(removed["ftp-bare-greeting"], 1);
  EXPECT_EQ(f.per_port[80].banners, 5);
  EXPECT_EQ(f.per_port[80].clusters, 2);
  auto loaded = LoadFunnel(*store_, "default");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->clusters, 3);
  EXPECT_EQ(loaded->removed_by_rule, f.removed_by_rule);
  EXPECT_EQ(loaded->per_port[554].after_filter, 3);

  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 3u);
  EXPECT_EQ(clusters[0].ip_count, 3);  // a camera cluster first (size order)
  EXPECT_FALSE(LoadFunnel(*store_, "nope").ok());
}

TEST_F(CurationPipelineTest, DecisionsSurviveReRunsAndIngestOfMoreData) {
  Ingest(Fixture(), ScanFormat::kHostsJsonl);
  Run();
  auto id = FindDataset(*store_, "default");
  ASSERT_TRUE(id.ok());
  auto clusters = Clusters();
  uint64_t router = 0;
  for (const auto& c : clusters)
    if (c.content.banner.find("Aterm") != std::string::npos) router = c.key;
  ASSERT_NE(router, 0u);
  Decision skip{router, "skip", "alice", 1700000000, "testing", "", ""};
  ASSERT_TRUE(RecordDecision(*store_, *id, skip, 0).ok());

  // A new scan of more routers: same normalised banner, so the same cluster key.
  Ingest(
      "{\"ip\":\"10.0.1.9\",\"open_ports\":[80],\"banners\":[{\"port\":80,\"banner\":\"HTTP/1.1 "
      "401 "
      "Unauthorized\\r\\nWWW-Authenticate: Basic realm=\\\"Aterm(HT)\\\"\\r\\nContent-Length: "
      "7\\r\\n\\r\\n\"}]}\n",
      ScanFormat::kHostsJsonl);
  Funnel f = Run();
  EXPECT_EQ(f.skipped, 1);
  auto c = GetCluster(*store_, *id, router);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->ip_count, 3);
  EXPECT_EQ(c->decision, "skip");
  auto d = LatestDecision(*store_, *id, router);
  ASSERT_TRUE(d.ok() && *d);
  EXPECT_EQ((*d)->who, "alice");
  EXPECT_EQ((*d)->reason, "testing");
}

TEST_F(CurationPipelineTest, PromoteWritesALoadableEntryWithThePortUnionAndRefusesTwice) {
  Ingest(Fixture(), ScanFormat::kHostsJsonl);
  Run();
  auto clusters = Clusters();
  uint64_t camera_http = 0;
  for (const auto& c : clusters)
    if (c.content.banner.find("DS-2CD2142FWD-I") != std::string::npos) camera_http = c.key;
  ASSERT_NE(camera_http, 0u);

  PromotionRequest rq;
  rq.dataset = "default";
  rq.cluster = FormatClusterKey(camera_http).substr(0, 8);  // a prefix is enough
  rq.id = "hikvision-ds-2cd2142fwd-i";
  rq.vendor = "Hikvision";
  rq.type = "camera";
  rq.model = "DS-2CD2142FWD-I";
  rq.keywords = {"http.realm=^DS-2CD2142FWD-I$:0.6", "http.server=App-webs"};
  rq.db_path = (dir_ / "devices.toml").string();
  rq.who = "bob";
  rq.reason = "known camera";
  auto result = PromoteCluster(*store_, rq);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->matched_ips, 3);
  EXPECT_EQ(result->entry.ports, (std::vector<uint16_t>{80, 554, 8000}));
  ASSERT_EQ(result->entry.keywords.size(), 2u);
  EXPECT_DOUBLE_EQ(result->entry.keywords[0].weight, 0.6);
  EXPECT_NEAR(result->entry.keywords[1].weight, 0.4, 1e-6);

  auto db = LoadDeviceDb({rq.db_path});
  ASSERT_TRUE(db.ok()) << db.error();
  ASSERT_EQ(db->entries.size(), 1u);
  const DeviceEntry& e = db->entries[0];
  EXPECT_EQ(e.id, rq.id);
  EXPECT_EQ(e.vendor, "Hikvision");
  EXPECT_EQ(e.ports, (std::vector<uint16_t>{80, 554, 8000}));
  ASSERT_EQ(e.examples.size(), 1u);
  EXPECT_NE(e.examples[0].banner.find("DS-2CD2142FWD-I"), std::string::npos);

  // The DB identifies the cameras, and only them.
  auto estimator = Estimator::Create(std::move(*db));
  ASSERT_TRUE(estimator.ok()) << estimator.error();
  Host cam{"10.0.0.9",
           {80},
           {BannerRecord{80,
                         "http",
                         "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\n"
                         "WWW-Authenticate: Digest realm=\"DS-2CD2142FWD-I\"\r\n\r\n",
                         "",
                         {},
                         {}}}};
  auto matches = estimator->Estimate(cam);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].device, rq.id);
  EXPECT_EQ(matches[0].level, 4);

  // Promoting again is refused and the file is unchanged.
  std::stringstream before;
  before << std::ifstream(rq.db_path).rdbuf();
  rq.id = "another-id";
  auto again = PromoteCluster(*store_, rq);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("already promoted"), std::string::npos) << again.error();
  EXPECT_NE(again.error().find("bob"), std::string::npos);
  std::stringstream after;
  after << std::ifstream(rq.db_path).rdbuf();
  EXPECT_EQ(before.str(), after.str());

  Funnel f = Run();
  EXPECT_EQ(f.entries, 1);
}

TEST_F(CurationPipelineTest, PromoteRefusesBadRequestsWithoutTouchingTheDb) {
  Ingest(Fixture(), ScanFormat::kHostsJsonl);
  Run();
  auto clusters = Clusters();
  PromotionRequest rq;
  rq.dataset = "default";
  rq.cluster = FormatClusterKey(clusters[0].key);
  rq.id = "x";
  rq.vendor = "V";
  rq.type = "camera";
  rq.db_path = (dir_ / "devices.toml").string();
  rq.who = "t";
  rq.keywords = {"does-not-occur-anywhere"};
  auto miss = PromoteCluster(*store_, rq);
  ASSERT_FALSE(miss.ok());
  EXPECT_NE(miss.error().find("own banner"), std::string::npos) << miss.error();
  rq.keywords = {"(unclosed"};
  EXPECT_FALSE(PromoteCluster(*store_, rq).ok());
  rq.keywords = {"a:0.7", "b:0.7"};
  EXPECT_FALSE(PromoteCluster(*store_, rq).ok());
  rq.keywords = {};
  rq.type = "toaster";
  EXPECT_FALSE(PromoteCluster(*store_, rq).ok());
  rq.type = "camera";
  rq.id = "Bad Id";
  EXPECT_FALSE(PromoteCluster(*store_, rq).ok());
  rq.id = "x";
  rq.cluster = "zz";
  EXPECT_FALSE(PromoteCluster(*store_, rq).ok());
  EXPECT_FALSE(fs::exists(rq.db_path));

  // Without --keyword the best suggestion is used, and it matches the cluster.
  rq.cluster = FormatClusterKey(clusters[0].key);
  auto ok = PromoteCluster(*store_, rq);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->entry.keywords.size(), 1u);
  // An id the DB already has is refused, for another cluster too.
  rq.cluster = FormatClusterKey(clusters[1].key);
  rq.keywords = {"HTTP|RTSP"};
  auto dup = PromoteCluster(*store_, rq);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().find("already has a device 'x'"), std::string::npos) << dup.error();
}

TEST_F(CurationPipelineTest, MasscanFormatsGiveTheSameClustersAsHostsJsonl) {
  Ingest(
      "#masscan\nopen tcp 80 10.0.0.1 100\n"
      "banner tcp 80 10.0.0.1 101 http HTTP/1.1 401 Unauthorized\\x0d\\x0aDate: Sun, 29 Nov 2026 "
      "21:00:00 GMT\\x0d\\x0aWWW-Authenticate: Basic realm=\"RTX1210\"\\x0d\\x0a\\x0d\\x0a\n"
      "open tcp 80 10.0.0.2 102\n"
      "banner tcp 80 10.0.0.2 103 http HTTP/1.1 401 Unauthorized\\x0d\\x0aDate: Mon, 30 Nov 2026 "
      "01:00:00 GMT\\x0d\\x0aWWW-Authenticate: Basic realm=\"RTX1210\"\\x0d\\x0a\\x0d\\x0a\n# "
      "end\n",
      ScanFormat::kMasscanList);
  Ingest(
      "[\n{   \"ip\": \"10.0.0.3\",   \"timestamp\": \"200\", \"ports\": [ {\"port\": 80, "
      "\"proto\": "
      "\"tcp\", \"service\": {\"name\": \"http\", \"banner\": \"HTTP/1.1 401 "
      "Unauthorized\\u000d\\u000aDate: "
      "Tue, 01 Dec 2026 00:00:00 GMT\\u000d\\u000aWWW-Authenticate: Basic "
      "realm=\\u0022RTX1210\\u0022"
      "\\u000d\\u000a\\u000d\\u000a\"} } ] }\n]\n",
      ScanFormat::kMasscanJson);
  Funnel f = Run();
  EXPECT_EQ(f.clusters, 1);
  auto clusters = Clusters();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].ip_count, 3);
  EXPECT_EQ(clusters[0].first_seen, 101);
  EXPECT_EQ(clusters[0].last_seen, 200);
}

TEST_F(CurationPipelineTest, FleetRoundBecomesADataset) {
  ASSERT_TRUE(fleet::MigrateFleetSchema(*store_).ok());
  ASSERT_TRUE(
      store_
          ->Exec("INSERT INTO fleet_results(round_id, probe_id, ip, port, state, service, banner,"
                 " tls_subject, tls_issuer, connect_us, committed_at) VALUES"
                 " (3, 'p1', 167772161, 80, 0, 'http', CAST('HTTP/1.0 200 OK' AS BLOB), NULL, "
                 "NULL, 5, 1000),"
                 " (3, 'p1', 167772161, 8291, 0, '', x'', NULL, NULL, 5, 1000),"
                 " (3, 'p1', 167772162, 80, 1, '', x'', NULL, NULL, 5, 1000),"
                 " (4, 'p1', 167772163, 80, 0, 'http', CAST('other' AS BLOB), NULL, NULL, 5, 1000)")
          .ok());
  auto counts = ImportFleetRound(*store_, 3, "round-3");
  ASSERT_TRUE(counts.ok()) << counts.error();
  EXPECT_EQ(counts->open_ports, 2);
  EXPECT_EQ(counts->banners, 1);
  Funnel f = Run("round-3");
  EXPECT_EQ(f.banners, 1);
  EXPECT_FALSE(ImportFleetRound(*store_, 99, "round-99").ok());
}

TEST_F(CurationPipelineTest, ImportWithoutFleetTablesIsAnError) {
  auto r = ImportFleetRound(*store_, 1, "round-1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("no fleet"), std::string::npos);
}

TEST_F(CurationPipelineTest, IotOrderLearnsFromDecisions) {
  Ingest(Fixture(), ScanFormat::kHostsJsonl);
  Run();
  auto id = FindDataset(*store_, "default");
  auto before = Clusters(ClusterOrder::kIot);
  ASSERT_EQ(before.size(), 3u);
  // Skipping the top clusters many times over (as if in many datasets) pushes their
  // features down on the next run.
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(
        store_
            ->Exec("INSERT INTO curate_decisions(dataset_id, cluster_key, action, who, decided_at,"
                   " features) VALUES(" +
                   std::to_string(*id) + ", " + std::to_string(1000 + i) +
                   ", 'skip', 't', 0, 'embedded-server,auth-realm,web-ports-only')")
            .ok());
  Run();
  auto after = Clusters(ClusterOrder::kIot);
  std::map<uint64_t, double> score_before, score_after;
  for (auto& c : before) score_before[c.key] = c.iot_score;
  for (auto& c : after) score_after[c.key] = c.iot_score;
  bool dropped = false;
  for (auto& [k, s] : score_before) dropped |= score_after[k] < s - 0.05;
  EXPECT_TRUE(dropped);
}

}  // namespace
}  // namespace narrowscan

// Reading a round's hosts back and estimating dirty hosts, on a real SQLite file: each
// dirty host is estimated from its own results of its latest round, clean hosts in
// between are left alone, and a new estimate replaces the old one.
#include "controller/fleet/host_update.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/port_list.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/fleet/round_hosts.h"

namespace narrowscan::fleet {
namespace {

constexpr Ipv4 kBase = 0x7F150000;  // 127.21.0.0

class HostUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fleet-hosts-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(FleetStore::Open((dir_ / "s.db").string()).value());
    std::ofstream(dir_ / "db.toml") << R"(
[[device]]
id = "zeta-nvr"
type = "nvr"
ports = [80, 554]
  [[device.keyword]]
  regex = 'ZetaNVR'
  weight = 1.0
)";
    auto db = LoadDeviceDb({(dir_ / "db.toml").string()});
    ASSERT_TRUE(db.ok()) << db.error();
    estimator_ = std::make_unique<Estimator>(std::move(Estimator::Create(std::move(*db)).value()));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void AddResult(int64_t round, Ipv4 ip, uint16_t port, const std::string& banner) {
    auto st = store_->store().Prepare(
        "INSERT INTO fleet_results(round_id, probe_id, ip, port, state, banner, committed_at) "
        "VALUES(?, 'p1', ?, ?, 0, ?, 0)");
    st->Bind(1, round).Bind(2, int64_t{ip}).Bind(3, int64_t{port});
    st->BindBlob(4, banner.data(), banner.size());
    ASSERT_TRUE(st->Run().ok());
  }
  void HostRow(Ipv4 ip, int64_t last_round, bool dirty) {
    auto st = store_->store().Prepare(
        "INSERT INTO fleet_hosts(ip, first_round, last_round, dirty) VALUES(?, 1, ?, ?) "
        "ON CONFLICT(ip) DO UPDATE SET last_round = excluded.last_round, dirty = excluded.dirty");
    st->Bind(1, int64_t{ip}).Bind(2, last_round).Bind(3, int64_t{dirty});
    ASSERT_TRUE(st->Run().ok());
  }
  // "open_ports|devices|dirty" of one host.
  std::string HostState(Ipv4 ip) {
    auto st = store_->store().Prepare(
        "SELECT open_ports || '|' || devices || '|' || dirty FROM fleet_hosts WHERE ip = ?");
    st->Bind(1, int64_t{ip});
    return *st->Step() ? st->ColumnText(0) : "missing";
  }
  static HostUpdateOptions Options(size_t batch) {
    HostUpdateOptions o;
    o.max_deviation = 0.5;
    o.standard_ports = {80, 554, 8080};
    o.batch = batch;
    return o;
  }
  std::string Column(Ipv4 ip, const std::string& expr) {
    auto st = store_->store().Prepare("SELECT " + expr + " FROM fleet_hosts WHERE ip = ?");
    st->Bind(1, int64_t{ip});
    return *st->Step() ? st->ColumnText(0) : "missing";
  }
  void Planned(Ipv4 ip, int64_t round, const std::string& ports) {
    auto st = store_->store().Prepare(
        "INSERT OR REPLACE INTO fleet_host_plans(ip, planned_round, scanned_ports) VALUES(?,?,?)");
    st->Bind(1, int64_t{ip}).Bind(2, round).Bind(3, ports);
    ASSERT_TRUE(st->Run().ok());
  }
  int64_t Estimates(Ipv4 ip) {
    auto st = store_->store().Prepare("SELECT COUNT(*) FROM fleet_estimates WHERE ip = ?");
    st->Bind(1, int64_t{ip});
    (void)st->Step();
    return st->ColumnInt(0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<FleetStore> store_;
  std::unique_ptr<Estimator> estimator_;
};

TEST_F(HostUpdateTest, ReaderVisitsTheRoundsHostsInRangeWithPortsAscending) {
  AddResult(1, kBase + 2, 554, "");
  AddResult(1, kBase + 2, 80, "ZetaNVR");
  AddResult(1, kBase, 80, "x");
  AddResult(2, kBase + 1, 80, "other round");
  AddResult(1, kBase + 9, 80, "out of range");
  auto reader = RoundHostReader::Create(store_->store());
  ASSERT_TRUE(reader.ok()) << reader.error();
  std::vector<std::pair<Ipv4, Host>> seen;
  ASSERT_TRUE(reader
                  ->Read(1, kBase, kBase + 8,
                         [&](Ipv4 ip, Host& h) { seen.emplace_back(ip, std::move(h)); })
                  .ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, kBase);
  EXPECT_EQ(seen[0].second.ip, FormatIpv4(kBase));
  EXPECT_EQ(seen[1].first, kBase + 2);
  EXPECT_EQ(seen[1].second.open_ports, (std::vector<uint16_t>{80, 554}));
  ASSERT_EQ(seen[1].second.banners.size(), 1u) << "a port without a banner adds no banner";
  EXPECT_EQ(seen[1].second.banners[0].banner, "ZetaNVR");
}

TEST_F(HostUpdateTest, EachDirtyHostIsEstimatedFromItsOwnResultsAndCleanOnesAreLeftAlone) {
  // Dirty: +0 (recorder), +1 (no match), +2 (recorder, two ports), +40 (recorder, far away).
  // Clean: +3 answered in the same round but was estimated before.
  AddResult(1, kBase, 80, "ZetaNVR");
  AddResult(1, kBase + 1, 80, "nothing known");
  AddResult(1, kBase + 2, 80, "ZetaNVR");
  AddResult(1, kBase + 2, 554, "");
  AddResult(1, kBase + 3, 80, "ZetaNVR");
  AddResult(1, kBase + 40, 554, "ZetaNVR/2");
  for (Ipv4 ip : {kBase, kBase + 1, kBase + 2, kBase + 40}) HostRow(ip, 1, true);
  HostRow(kBase + 3, 1, false);

  // Batches of 2: runs and transactions both split.
  auto n = EstimateDirtyHosts(*store_, *estimator_, Options(2));
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(HostState(kBase), "80|zeta-nvr|0");
  EXPECT_EQ(HostState(kBase + 1), "80||0");
  EXPECT_EQ(HostState(kBase + 2), FormatPortList({80, 554}) + "|zeta-nvr|0");
  EXPECT_EQ(HostState(kBase + 3), "||0") << "a clean host is not estimated again";
  EXPECT_EQ(HostState(kBase + 40), "554|zeta-nvr|0");
  EXPECT_EQ(Estimates(kBase), 1);
  EXPECT_EQ(Estimates(kBase + 1), 0);
  EXPECT_EQ(Estimates(kBase + 3), 0);

  // Round 2: +0 no longer shows the banner; its old estimate goes.
  AddResult(2, kBase, 80, "");
  HostRow(kBase, 2, true);
  n = EstimateDirtyHosts(*store_, *estimator_, Options(2));
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(HostState(kBase), "80||0");
  EXPECT_EQ(Estimates(kBase), 0);
}

TEST_F(HostUpdateTest, RecordsProfileKeysFullObservationsAndDeviations) {
  // Two hosts of one uncatalogued family: the same page but for the date and the
  // cookie; the normaliser gives them one banner signature.
  AddResult(1, kBase + 5, 80,
            "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 20:00:00 GMT\r\nSet-Cookie: sid=0a1b2c3d4e5f60718293a4b5c6d7e8f9\r\n\r\n<title>Camera</title>");
  AddResult(1, kBase + 6, 80,
            "HTTP/1.1 200 OK\r\nDate: Tue, 08 Dec 2026 09:11:12 GMT\r\nSet-Cookie: sid=ffeeddccbbaa99887766554433221100\r\n\r\n<title>Camera</title>");
  AddResult(1, kBase + 6, 8080, "");
  AddResult(1, kBase + 7, 554, "");  // answers, says nothing
  for (Ipv4 ip : {kBase + 5, kBase + 6, kBase + 7}) HostRow(ip, 1, true);
  // +7 was found by a liveness probe on 554 only: a partial observation.
  ASSERT_TRUE(store_->store()
                  .Exec("INSERT INTO fleet_liveness(round_id, first, last, ports) VALUES(1, " +
                        std::to_string(kBase + 7) + ", " + std::to_string(kBase + 9) + ", '554')")
                  .ok());
  auto n = EstimateDirtyHosts(*store_, *estimator_, Options(10));
  ASSERT_TRUE(n.ok()) << n.error();
  const std::string key5 = Column(kBase + 5, "banner_key");
  EXPECT_EQ(key5.rfind("banner:", 0), 0u);
  EXPECT_EQ(Column(kBase + 6, "banner_key"), key5);
  EXPECT_EQ(Column(kBase + 7, "banner_key"), "");
  EXPECT_EQ(Column(kBase + 7, "open_ports"), "554");
  EXPECT_EQ(Column(kBase + 6, "obs_scanned_ports"), "*") << "found by the sweep";
  EXPECT_EQ(Column(kBase + 7, "obs_scanned_ports"), "554") << "found by a liveness probe";
  // Found by the sweep (standard set): full; found by a liveness probe: not.
  EXPECT_EQ(Column(kBase + 6, "COALESCE(full_open_ports, 'null')"), FormatPortList({80, 8080}));
  EXPECT_EQ(Column(kBase + 7, "COALESCE(full_open_ports, 'null')"), "null");

  // Round 2, +5 narrowed to 80 and 8080: 8080 is new, a deviation; +6 narrowed to 80
  // only, same page: no deviation, and its full observation stays that of round 1.
  AddResult(2, kBase + 5, 80, "HTTP/1.1 200 OK\r\n\r\n<title>Camera</title>");
  AddResult(2, kBase + 5, 8080, "");
  AddResult(2, kBase + 6, 80,
            "HTTP/1.1 200 OK\r\nDate: Wed, 09 Dec 2026 01:02:03 GMT\r\nSet-Cookie: sid=00112233445566778899aabbccddeeff\r\n\r\n<title>Camera</title>");
  for (Ipv4 ip : {kBase + 5, kBase + 6}) HostRow(ip, 2, true);
  Planned(kBase + 5, 2, "80,8080");
  Planned(kBase + 6, 2, "80");
  n = EstimateDirtyHosts(*store_, *estimator_, Options(10));
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(Column(kBase + 5, "deviated"), "1");
  EXPECT_EQ(Column(kBase + 6, "deviated"), "0");
  EXPECT_EQ(Column(kBase + 6, "full_open_ports"), FormatPortList({80, 8080}));
  EXPECT_EQ(Column(kBase + 6, "full_round"), "1");
  EXPECT_EQ(Column(kBase + 6, "banner_key"), key5);

  // Round 3: +6 planned and silent counts a silent round; answering again resets it.
  Planned(kBase + 6, 3, "80");
  auto silent = MarkSilentHosts(*store_, 3);
  ASSERT_TRUE(silent.ok()) << silent.error();
  EXPECT_EQ(*silent, 1u);
  EXPECT_EQ(Column(kBase + 6, "silent_streak"), "1");
  EXPECT_EQ(Column(kBase + 6, "deviated"), "0") << "silence is not a deviation";
  AddResult(4, kBase + 6, 80,
            "HTTP/1.1 200 OK\r\nDate: Thu, 10 Dec 2026 01:02:03 GMT\r\nSet-Cookie: sid=99112233445566778899aabbccddeeff\r\n\r\n<title>Camera</title>");
  HostRow(kBase + 6, 4, true);
  Planned(kBase + 6, 4, "80");
  n = EstimateDirtyHosts(*store_, *estimator_, Options(10));
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(Column(kBase + 6, "silent_streak"), "0");
}

}  // namespace
}  // namespace narrowscan::fleet

// Learned profiles on a real SQLite store: the schema step that adds them migrates a
// store of the version before with its hosts kept, learning rebuilds the profiles from
// the hosts with stable ids, and savings are recorded per round.
#include "controller/fleet/profile_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace narrowscan::fleet {
namespace {

class ProfileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fleet-profiles-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "s.db").string();
    store_ = std::move(FleetStore::Open(path_).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Exec(const std::string& sql) { ASSERT_TRUE(store_->store().Exec(sql).ok()) << sql; }
  void Host(Ipv4 ip, const std::string& banner_key, const std::string& port_key,
            const char* full, int streak = 0) {
    // The open-port key is the host's open ports.
    const std::string open = port_key.substr(std::string("ports:").size());
    Exec("INSERT INTO fleet_hosts(ip, first_round, last_round, banner_key, open_ports, "
         "full_open_ports, silent_streak, dirty) VALUES(" +
         std::to_string(ip) + ", 1, 1, '" + banner_key + "', '" + open + "', " +
         (full ? "'" + std::string(full) + "'" : "NULL") + ", " + std::to_string(streak) + ", 0)");
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<FleetStore> store_;
};

TEST_F(ProfileStoreTest, StepFourMigratesAStoreOfVersionThreeAndKeepsItsHosts) {
  Exec("INSERT INTO fleet_hosts(ip, first_round, last_round, open_ports) VALUES(7, 1, 2, '80')");
  // Make it a version-3 store: what step 4 added is gone, what it moved is back.
  for (const char* sql :
       {"DROP TABLE fleet_profiles", "DROP TABLE fleet_liveness", "DROP TABLE fleet_host_plans",
        "ALTER TABLE fleet_hosts ADD COLUMN planned_round INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE fleet_hosts ADD COLUMN scanned_ports TEXT NOT NULL DEFAULT ''",
        "UPDATE fleet_hosts SET planned_round = 2, scanned_ports = '80,554' WHERE ip = 7",
        "ALTER TABLE fleet_hosts DROP COLUMN banner_key", "ALTER TABLE fleet_hosts DROP COLUMN full_open_ports",
        "ALTER TABLE fleet_hosts DROP COLUMN full_round", "ALTER TABLE fleet_hosts DROP COLUMN silent_streak",
        "ALTER TABLE fleet_hosts DROP COLUMN obs_scanned_ports",
        "ALTER TABLE fleet_hosts DROP COLUMN prev_scanned_ports",
        "UPDATE schema_versions SET version = 3 WHERE module = 'fleet'"})
    Exec(sql);
  store_.reset();
  store_ = std::move(FleetStore::Open(path_).value());
  auto st = store_->store().Prepare(
      "SELECT open_ports, banner_key, full_open_ports IS NULL, silent_streak, "
      "(SELECT version FROM schema_versions WHERE module = 'fleet'), "
      "(SELECT COUNT(*) FROM fleet_profiles), "
      "(SELECT planned_round || '|' || scanned_ports FROM fleet_host_plans WHERE ip = 7) "
      "FROM fleet_hosts WHERE ip = 7");
  ASSERT_TRUE(st.ok()) << st.error();
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->ColumnText(0), "80");
  EXPECT_EQ(st->ColumnText(1), "");
  EXPECT_EQ(st->ColumnInt(2), 1);
  EXPECT_EQ(st->ColumnInt(3), 0);
  EXPECT_EQ(st->ColumnInt(4), 4);
  EXPECT_EQ(st->ColumnInt(5), 0);
  EXPECT_EQ(st->ColumnText(6), "2|80,554") << "the host's plan moved to fleet_host_plans";
}

TEST_F(ProfileStoreTest, LearningRebuildsProfilesFromHostsWithStableIds) {
  for (Ipv4 ip = 10; ip < 16; ++ip) Host(ip, "banner:cam", "ports:80,554", "80,554");
  Host(16, "banner:cam", "ports:80,554,8080", "80,554,8080");
  Host(17, "banner:cam", "ports:80", nullptr);       // partly seen: a host, no support
  Host(18, "", "ports:23", "23");                    // says nothing
  Host(19, "banner:cam", "ports:80,554", "80,554", /*streak=*/3);  // dropped: not counted
  auto n = LearnProfiles(*store_, 1, 2);
  ASSERT_TRUE(n.ok()) << n.error();
  auto all = ListProfiles(*store_);
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_FALSE(all->empty());
  const ProfileRecord& top = all->front();
  EXPECT_EQ(top.key, "banner:cam");
  EXPECT_EQ(top.source, ProfileSource::kBanner);
  EXPECT_EQ(top.stats.hosts, 8u);
  EXPECT_EQ(top.stats.support, 7u);
  EXPECT_EQ(top.stats.port_counts,
            (std::vector<std::pair<uint16_t, uint64_t>>{{80, 7}, {554, 7}, {8080, 1}}));

  // Loaded back for planning, it narrows a family member.
  auto learned = LoadProfiles(*store_);
  ASSERT_TRUE(learned.ok()) << learned.error();
  ProfileBook::Choice c = learned->book.Choose({"", "banner:cam", "ports:80"}, ProfileRules{5, 0.5});
  ASSERT_NE(c.key, nullptr);
  EXPECT_EQ(c.ports, (std::vector<uint16_t>{80, 554}));
  const int32_t id = learned->ids.at("banner:cam");

  // Savings of a round are stored; the next learning keeps the id and drops profiles
  // no host has any more.
  ASSERT_TRUE(RecordSavings(*store_, 2, {{id, {6, 6 * 29}}}).ok());
  Exec("DELETE FROM fleet_hosts WHERE ip = 18");
  ASSERT_TRUE(LearnProfiles(*store_, 2, 2).ok());
  auto again = FindProfile(*store_, id);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->key, "banner:cam");
  EXPECT_EQ((*again)->planned_round, 2);
  EXPECT_EQ((*again)->planned_hosts, 6u);
  EXPECT_EQ((*again)->saved_attempts, 6u * 29);
  learned = LoadProfiles(*store_);
  ASSERT_TRUE(learned.ok());
  EXPECT_EQ(learned->ids.count("ports:23"), 0u);
  auto missing = FindProfile(*store_, 999999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace narrowscan::fleet

// Churn (churn.h) and its spec key, without sockets: moves keep the device and land on
// free addresses of the ranges, vanishes remove, appears add hosts of the population's
// profiles, all deterministic from seed and round; `churn` values are validated.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/testbed/churn.h"
#include "tests/testbed/ground_truth.h"
#include "tests/testbed/population.h"
#include "tests/testbed/population_spec.h"

namespace narrowscan::testbed {
namespace {

// Two range entries (so "stays in its entry" can be seen) and a silent /24 inside the
// second one's neighbourhood that must never be used.
constexpr char kSpec[] = R"(
[population]
name = "churn-unit"
ranges = ["127.198.0.0/24", "127.198.1.0/24"]
silent = ["127.198.2.0/24"]
seed = 5
change_count = 2
churn = { move = 0.1, vanish = 0.05, appear = 0.05 }

[[profile]]
id = "cam"
vendor = "Kestrel Vision"
type = "camera"
firmware = "1.0"
firmware_updates = ["1.1"]
count = 60
  [[profile.port]]
  port = 80
  protocol = "http"
  status = "HTTP/1.1 200 OK"
  body = "${ip} ${etag}"
  [[profile.port]]
  port = 554
  protocol = "open"
  open = false

[[profile]]
id = "web"
noise = true
count = 40
  [[profile.port]]
  port = 80
  protocol = "http"
  status = "HTTP/1.1 200 OK"

[[profile]]
id = "never"
count = 0
  [[profile.port]]
  port = 23
  protocol = "telnet"
  greeting = "login: "
)";

Population Make(const char* text = kSpec) {
  auto spec = ParsePopulationSpec(text, "churn-unit.toml");
  EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error());
  auto population = BuildPopulation(std::move(*spec), {});
  EXPECT_TRUE(population.ok()) << (population.ok() ? "" : population.error());
  return std::move(*population);
}

std::map<uint64_t, Host> ById(const Population& p) {
  std::map<uint64_t, Host> out;
  for (const Host& h : p.hosts) out[h.id] = h;
  return out;
}

void ExpectSortedAndUnique(const Population& p) {
  for (size_t i = 1; i < p.hosts.size(); ++i) EXPECT_LT(p.hosts[i - 1].ip, p.hosts[i].ip);
  std::set<uint64_t> ids;
  for (const Host& h : p.hosts) EXPECT_TRUE(ids.insert(h.id).second) << h.id;
}

bool Placeable(Ipv4 ip) {  // inside the ranges, not .0/.255, not the silent /24
  return (ip >> 9) == ((127u << 15) | (198u << 7)) && (ip & 0xff) != 0 && (ip & 0xff) != 255;
}

TEST(ChurnSpec, ReadsTheMixAndNamesFileAndKeyOnBadValues) {
  auto spec = ParsePopulationSpec(kSpec, "churn-unit.toml");
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_DOUBLE_EQ(spec->churn.move, 0.1);
  EXPECT_DOUBLE_EQ(spec->churn.vanish, 0.05);
  EXPECT_DOUBLE_EQ(spec->churn.appear, 0.05);

  const std::string profile =
      "[[profile]]\nid=\"a\"\ncount=1\n[[profile.port]]\nport=80\nprotocol=\"open\"\n";
  auto table = ParsePopulationSpec(
      "[population]\nranges=[\"127.1.0.0/24\"]\n[population.churn]\nmove = 0\nappear = 1\n" +
          profile,
      "t.toml");
  ASSERT_TRUE(table.ok()) << table.error();
  EXPECT_DOUBLE_EQ(table->churn.appear, 1.0);
  EXPECT_DOUBLE_EQ(table->churn.vanish, 0.0);

  auto none = ParsePopulationSpec("[population]\nranges=[\"127.1.0.0/24\"]\n" + profile, "n.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->churn.move + none->churn.vanish + none->churn.appear, 0.0);

  struct Bad {
    std::string churn, wants;
  };
  for (const Bad& bad :
       {Bad{"{ move = -0.1 }", "'move' = -0.1 is outside 0..1"},
        Bad{"{ vanish = 1.5 }", "'vanish' = 1.5 is outside 0..1"},
        Bad{"{ appear = nan }", "'appear'"},
        Bad{"{ appear = \"5%\" }", "'appear' must be a number"},
        Bad{"{ moves = 0.1 }", "unknown key 'moves'"}, Bad{"0.02", "'churn' must be a table"}}) {
    auto parsed = ParsePopulationSpec(
        "[population]\nranges=[\"127.1.0.0/24\"]\nchurn = " + bad.churn + "\n" + profile, "b.toml");
    ASSERT_FALSE(parsed.ok()) << bad.churn;
    EXPECT_NE(parsed.error().find("b.toml:3"), std::string::npos) << parsed.error();
    EXPECT_NE(parsed.error().find(bad.wants), std::string::npos) << parsed.error();
  }
}

TEST(Churn, HostIdsAreStableOneToNInAddressOrder) {
  Population p = Make();
  ASSERT_EQ(p.hosts.size(), 100u);
  for (size_t i = 0; i < p.hosts.size(); ++i) EXPECT_EQ(p.hosts[i].id, i + 1);
  EXPECT_EQ(p.next_host_id, 101u);
}

TEST(Churn, MoveKeepsTheDeviceAndTakesAFreeAddressInItsRange) {
  Population p = Make();
  const std::map<uint64_t, Host> before = ById(p);
  std::set<Ipv4> occupied;
  for (const Host& h : p.hosts) occupied.insert(h.ip);
  std::vector<HostChange> moves = ApplyChurn(&p, ChurnCounts{0, 20, 0, 0});
  ASSERT_EQ(moves.size(), 20u);
  EXPECT_EQ(p.hosts.size(), 100u);
  EXPECT_EQ(p.changes_applied, 1u);
  ExpectSortedAndUnique(p);
  size_t same_entry = 0;
  for (const HostChange& c : moves) {
    EXPECT_EQ(c.kind, ChangeKind::kMove);
    const Host& old = before.at(c.host_id);
    EXPECT_EQ(c.from, old.ip);
    EXPECT_NE(c.ip, c.from);
    EXPECT_TRUE(Placeable(c.ip)) << FormatIpv4(c.ip);
    EXPECT_EQ(occupied.count(c.ip), 0u) << FormatIpv4(c.ip) << " was taken";
    EXPECT_EQ(p.Find(c.from), nullptr) << "nobody is left at " << FormatIpv4(c.from);
    const Host* now = p.Find(c.ip);
    ASSERT_NE(now, nullptr);
    EXPECT_EQ(now->id, old.id);
    EXPECT_EQ(now->profile, old.profile);
    EXPECT_EQ(now->firmware, old.firmware);
    EXPECT_EQ(now->open_ports, old.open_ports);
    EXPECT_EQ(now->entropy, old.entropy);
    EXPECT_EQ(now->mac, old.mac);
    EXPECT_EQ(now->ip_text, FormatIpv4(c.ip));
    EXPECT_EQ(now->revision, old.revision + 1);
    same_entry += (c.ip >> 8) == (c.from >> 8);
  }
  EXPECT_EQ(same_entry, moves.size());  // both /24s have room
}

TEST(Churn, VanishRemovesAndAppearAddsHostsOfWeightedProfiles) {
  Population p = Make();
  std::vector<HostChange> gone = ApplyChurn(&p, ChurnCounts{0, 0, 10, 0});
  ASSERT_EQ(gone.size(), 10u);
  EXPECT_EQ(p.hosts.size(), 90u);
  std::set<Ipv4> left;
  for (const HostChange& c : gone) {
    EXPECT_EQ(c.kind, ChangeKind::kVanish);
    EXPECT_EQ(p.Find(c.ip), nullptr);
    left.insert(c.ip);
  }
  std::vector<HostChange> added = ApplyChurn(&p, ChurnCounts{0, 0, 0, 150});
  ASSERT_EQ(added.size(), 150u);
  EXPECT_EQ(p.hosts.size(), 240u);
  ExpectSortedAndUnique(p);
  std::map<std::string, size_t> by_profile;
  for (const HostChange& c : added) {
    EXPECT_EQ(c.kind, ChangeKind::kAppear);
    EXPECT_GT(c.host_id, 100u);  // new ids, never reused
    EXPECT_TRUE(Placeable(c.ip)) << FormatIpv4(c.ip);
    const Host* h = p.Find(c.ip);
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->id, c.host_id);
    EXPECT_EQ(h->revision, 0u);
    EXPECT_EQ(h->open_ports, std::vector<uint16_t>{80});  // as it starts
    ++by_profile[p.ProfileOf(*h).id];
  }
  EXPECT_EQ(by_profile.count("never"), 0u);         // count 0: never drawn
  EXPECT_GT(by_profile["cam"], by_profile["web"]);  // 60 : 40
  EXPECT_GT(by_profile["web"], 30u);
  // The ranges hold 508 addresses: asking for more than fit gives what fits.
  std::vector<HostChange> overflow = ApplyChurn(&p, ChurnCounts{0, 0, 0, 1000});
  EXPECT_EQ(p.hosts.size(), 508u);
  EXPECT_EQ(overflow.size(), 508u - 240u);
  EXPECT_TRUE(ApplyChurn(&p, ChurnCounts{0, 5, 0, 0}).empty());  // nowhere to move to
}

TEST(Churn, RoundsAreDeterministicAndTouchAHostAtMostOnce) {
  Population a = Make(), b = Make();
  for (int round = 0; round < 5; ++round) {
    std::vector<HostChange> ca = ChurnRound(&a), cb = ChurnRound(&b);
    ASSERT_EQ(ca.size(), cb.size());
    std::set<uint64_t> ids;
    std::map<ChangeKind, size_t> kinds;
    for (size_t i = 0; i < ca.size(); ++i) {
      EXPECT_EQ(ca[i].ip, cb[i].ip);
      EXPECT_EQ(ca[i].kind, cb[i].kind);
      EXPECT_EQ(ca[i].host_id, cb[i].host_id);
      EXPECT_TRUE(ids.insert(ca[i].host_id).second) << "host " << ca[i].host_id << " twice";
      ++kinds[ca[i].kind];
    }
    EXPECT_EQ(kinds[ChangeKind::kFirmware] + kinds[ChangeKind::kPortOpened] +
                  kinds[ChangeKind::kPortClosed],
              2u);  // change_count
    // 10% / 5% / 5% of ~100 hosts, give or take the rounding of the fractional part.
    EXPECT_GE(kinds[ChangeKind::kMove], 9u);
    EXPECT_LE(kinds[ChangeKind::kMove], 11u);
    EXPECT_GE(kinds[ChangeKind::kVanish], 4u);
    EXPECT_GE(kinds[ChangeKind::kAppear], 4u);
    ExpectSortedAndUnique(a);
  }
  EXPECT_EQ(a.changes_applied, 5u);
  for (size_t i = 0; i < a.hosts.size(); ++i) EXPECT_EQ(a.hosts[i].ip, b.hosts[i].ip);
  // Another seed churns differently.
  Population c = Make();
  c.seed = 6;
  std::vector<HostChange> cc = ChurnRound(&c);
  Population d = Make();
  std::vector<HostChange> cd = ChurnRound(&d);
  bool differ = cc.size() != cd.size();
  for (size_t i = 0; !differ && i < cc.size(); ++i) differ = cc[i].ip != cd[i].ip;
  EXPECT_TRUE(differ);
}

TEST(Churn, CountsFollowTheMixAndRoundFractionsBySeededChance) {
  Population p = Make();
  ChurnCounts counts = ChurnCountsFor(p);
  EXPECT_EQ(counts.changes, 2u);
  EXPECT_EQ(counts.move, 10u);  // 0.1 * 100, no fraction
  EXPECT_EQ(counts.vanish, 5u);
  EXPECT_EQ(counts.appear, 5u);
  p.spec.churn = ChurnMix{0.013, 0, 0};  // 1.3 hosts a round: 1 or 2, 1.3 on average
  uint64_t total = 0;
  for (int round = 0; round < 400; ++round) {
    const uint64_t move = ChurnCountsFor(p).move;
    EXPECT_TRUE(move == 1 || move == 2) << move;
    total += move;
    ++p.changes_applied;
  }
  EXPECT_NEAR(static_cast<double>(total) / 400, 1.3, 0.1);
}

TEST(Churn, TruthCarriesHostIdAcrossAMove) {
  Population p = Make();
  std::vector<HostChange> moves = ApplyChurn(&p, ChurnCounts{0, 1, 0, 0});
  ASSERT_EQ(moves.size(), 1u);
  const std::string path = ::testing::TempDir() + "/churn_truth.jsonl";
  ASSERT_TRUE(WriteGroundTruth(p, path).ok());
  std::ifstream in(path);
  std::string line;
  size_t lines = 0;
  bool found = false;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.contains("host_id")) << line;
    EXPECT_NE(j["ip"], FormatIpv4(moves[0].from));
    if (j["host_id"] == moves[0].host_id) {
      found = true;
      EXPECT_EQ(j["ip"], FormatIpv4(moves[0].ip));
      EXPECT_EQ(j["revision"], 1);
    }
    ++lines;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(lines, 100u);
}

}  // namespace
}  // namespace narrowscan::testbed

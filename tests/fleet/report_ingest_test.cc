// Ingest against a real SQLite file: duplicates, reordering, forged batches.
#include "controller/fleet/report_ingest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/wire/plan_codec.h"
#include "common/wire/report_codec.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {
namespace {

class ReportIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fleet-ingest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(FleetStore::Open((dir_ / "s.db").string()).value());
    key_ = std::make_unique<SigningKey>(std::move(SigningKey::Generate().value()));
    region_.Add(Ipv4Range{0x7F140000, 0x7F1401FF});  // 127.20.0.0/23
    ASSERT_TRUE(store_->AddProbe("p1", key_->PublicPem(), region_).ok());
    round_ = store_->CreateRound(60).value();
    ASSERT_TRUE(store_->store()
                    .Exec("INSERT INTO fleet_round_probes(round_id, probe_id, plan_version, "
                          "planned_standard) VALUES(" +
                          std::to_string(round_) + ", 'p1', 1, 1000)")
                    .ok());
    // The plan the batches are checked against: ports 80 and 443 on the whole region.
    controller_key_ = std::make_unique<SigningKey>(std::move(SigningKey::Generate().value()));
    StorePlan(1, Plan({{0x7F140000, 0x7F1401FF}}, {{{80, 443}, {}}}));
  }
  static wire::Plan Plan(std::vector<Ipv4Range> scope, std::vector<wire::PlanProfile> profiles) {
    wire::Plan plan;
    plan.probe_id = "p1";
    plan.scope = std::move(scope);
    plan.profiles = std::move(profiles);
    plan.standard_ports = {80, 443};
    plan.rate = 100;
    return plan;
  }
  // Stores `plan` as planning does: signed chunks, each prefixed by its u32 length.
  void StorePlan(uint64_t version, wire::Plan plan, const SigningKey* key = nullptr) {
    plan.version = version;
    plan.round_id = static_cast<uint64_t>(round_);
    auto chunks = wire::EncodePlan(plan, key ? *key : *controller_key_, 1024);
    ASSERT_TRUE(chunks.ok()) << chunks.error();
    std::string blob;
    for (const wire::Bytes& c : *chunks) {
      const auto n = static_cast<uint32_t>(c.size());
      blob.append(reinterpret_cast<const char*>(&n), sizeof n);
      blob.append(reinterpret_cast<const char*>(c.data()), c.size());
    }
    auto ins = store_->store().Prepare(
        "INSERT INTO fleet_plans(probe_id, version, round_id, created_at, summary_json, chunks) "
        "VALUES('p1', ?, ?, 0, '{}', ?)");
    ASSERT_TRUE(ins.ok()) << ins.error();
    ins->Bind(1, static_cast<int64_t>(version)).Bind(2, round_).BindBlob(3, blob.data(), blob.size());
    ASSERT_TRUE(ins->Run().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  wire::Bytes Batch(uint64_t seq, std::vector<Ipv4> ips, bool done = false,
                    const SigningKey* key = nullptr, const std::string& id = "p1",
                    uint16_t port = 80) {
    wire::ReportBatch b;
    b.probe_id = id;
    b.round_id = static_cast<uint64_t>(round_);
    b.seq = seq;
    b.done = done;
    for (Ipv4 ip : ips)
      b.results.push_back({.ip = ip,
                           .port = port,
                           .state = wire::PortState::kOpen,
                           .service = "http",
                           .banner = "HTTP/1.1 200 OK\r\n",
                           .connect_us = 10});
    b.counters.attempts = seq * 100;
    b.counters.open = seq * 10;
    b.counters.closed = seq * 60;
    b.counters.timeout = seq * 30;
    return std::move(wire::EncodeReport(b, key ? *key : *key_).value());
  }
  int64_t Rows(const std::string& table) {
    auto st = store_->store().Prepare("SELECT COUNT(*) FROM " + table);
    (void)st->Step();
    return st->ColumnInt(0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<FleetStore> store_;
  std::unique_ptr<SigningKey> key_;             // the probe's
  std::unique_ptr<SigningKey> controller_key_;  // signs the plans
  RangeSet region_;
  int64_t round_ = 0;
};

TEST_F(ReportIngestTest, DuplicatesAndReorderingChangeNothing) {
  ReportIngest ingest(*store_, *controller_key_);
  auto b1 = Batch(1, {0x7F140001, 0x7F140002});
  auto b2 = Batch(2, {0x7F140003});
  auto b3 = Batch(3, {0x7F140004}, /*done=*/true);
  IngestOutcome o = ingest.Ingest("p1", b3);  // arrives first
  EXPECT_EQ(o.kind, IngestOutcome::kCommitted);
  EXPECT_EQ(o.acked_seq, 0u);  // 1 and 2 are missing: nothing contiguous yet
  o = ingest.Ingest("p1", b1);
  EXPECT_EQ(o.acked_seq, 1u);
  EXPECT_FALSE(store_->RoundProbes(round_).value()[0].done);  // 2 still missing
  o = ingest.Ingest("p1", b2);
  EXPECT_EQ(o.acked_seq, 3u);
  EXPECT_TRUE(store_->RoundProbes(round_).value()[0].done);
  for (const auto& b : {b1, b2, b3, b2}) {
    o = ingest.Ingest("p1", b);
    EXPECT_EQ(o.kind, IngestOutcome::kDuplicate);
    EXPECT_EQ(o.acked_seq, 3u);
  }
  EXPECT_EQ(Rows("fleet_results"), 4);
  EXPECT_EQ(Rows("fleet_batches"), 3);
  EXPECT_EQ(Rows("fleet_hosts"), 4);
  // Outcomes are cumulative like attempts: those of the highest seq (3) count.
  const RoundCounters c = store_->RoundProbes(round_).value()[0].counters;
  EXPECT_EQ(c.attempts, 300);
  EXPECT_EQ(c.open, 30);
  EXPECT_EQ(c.closed, 180);
  EXPECT_EQ(c.timeout, 90);
  // A pair redone after a probe restart (new seq, same result) is stored once.
  o = ingest.Ingest("p1", Batch(4, {0x7F140001}));
  EXPECT_EQ(o.kind, IngestOutcome::kCommitted);
  EXPECT_EQ(o.new_results, 0u);
  EXPECT_EQ(Rows("fleet_results"), 4);
}

TEST_F(ReportIngestTest, ForgedBatchesAreRefusedAndStoreNothing) {
  ReportIngest ingest(*store_, *controller_key_);
  SigningKey other = std::move(SigningKey::Generate().value());
  EXPECT_EQ(ingest.Ingest("p1", Batch(1, {0x7F140001}, false, &other)).kind,
            IngestOutcome::kRefused);  // wrong key
  EXPECT_EQ(ingest.Ingest("p1", Batch(1, {0x7F150001})).kind,
            IngestOutcome::kRefused);  // outside region
  EXPECT_EQ(ingest.Ingest("p1", Batch(1, {0x7F140001}, false, nullptr, "p2")).kind,
            IngestOutcome::kRefused);  // names another probe
  EXPECT_EQ(ingest.Ingest("p9", Batch(1, {0x7F140001})).kind, IngestOutcome::kRefused);  // unknown
  auto good = Batch(1, {0x7F140001});
  wire::Bytes cut(good.begin(), good.begin() + good.size() - 10);
  EXPECT_EQ(ingest.Ingest("p1", cut).kind, IngestOutcome::kRefused);  // truncated
  EXPECT_EQ(Rows("fleet_results"), 0);
  EXPECT_EQ(Rows("fleet_batches"), 0);
  EXPECT_EQ(store_->RefusalCount(), 5);
  EXPECT_EQ(ingest.Ingest("p1", good).kind, IngestOutcome::kCommitted);
}

TEST_F(ReportIngestTest, BatchesBeyondWhatTheProbeWasAskedAreRefusedAndCountedPerProbe) {
  ReportIngest ingest(*store_, *controller_key_);
  auto refusals = [&] {
    auto st = store_->store().Prepare("SELECT COUNT(*) FROM fleet_refusals WHERE probe_id = 'p1'");
    (void)st->Step();
    return st->ColumnInt(0);
  };
  // A port its plan does not have (planting a service).
  IngestOutcome o = ingest.Ingest("p1", Batch(1, {0x7F140001}, false, nullptr, "p1", 6379));
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("127.20.0.1:6379, a pair its plan for round"), std::string::npos)
      << o.reason;
  EXPECT_FALSE(o.ack);
  // Far more results than the plan's 1000 pairs.
  std::vector<Ipv4> many;
  for (Ipv4 ip = 0x7F140000; ip <= 0x7F1401FF; ++ip) many.push_back(ip);
  EXPECT_EQ(ingest.Ingest("p1", Batch(1, many, false, nullptr, "p1", 80)).kind,
            IngestOutcome::kCommitted);
  EXPECT_EQ(ingest.Ingest("p1", Batch(2, many, false, nullptr, "p1", 443)).kind,
            IngestOutcome::kCommitted);  // 1024 results: within the margin
  o = ingest.Ingest("p1", Batch(3, many, false, nullptr, "p1", 443));
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("where its plan has 1000 pairs"), std::string::npos) << o.reason;
  // A round that has ended: refused, but acked so an honest late probe drops it.
  ASSERT_TRUE(store_->store().Exec("UPDATE fleet_rounds SET state = 'done'").ok());
  o = ingest.Ingest("p1", Batch(4, {0x7F140001}));
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("has ended"), std::string::npos) << o.reason;
  EXPECT_TRUE(o.ack);
  EXPECT_EQ(o.acked_seq, 4u);
  // What was committed before the round ended is still a duplicate, acked as such.
  EXPECT_EQ(ingest.Ingest("p1", Batch(1, many, false, nullptr, "p1", 80)).kind,
            IngestOutcome::kDuplicate);
  EXPECT_EQ(refusals(), 3);
  EXPECT_EQ(Rows("fleet_results"), 1024);
}

TEST_F(ReportIngestTest, APlanMadeLaterInTheRoundWidensWhatTheProbeMaySend) {
  ReportIngest ingest(*store_, *controller_key_);
  ASSERT_EQ(ingest.Ingest("p1", Batch(1, {0x7F140001})).kind, IngestOutcome::kCommitted);
  EXPECT_EQ(ingest.Ingest("p1", Batch(2, {0x7F140001}, false, nullptr, "p1", 8443)).kind,
            IngestOutcome::kRefused);
  StorePlan(2, Plan({}, {{{80}, {}}, {{8443}, {0x7F140001}}}));
  EXPECT_EQ(ingest.Ingest("p1", Batch(3, {0x7F140001}, false, nullptr, "p1", 8443)).kind,
            IngestOutcome::kCommitted);
}

TEST_F(ReportIngestTest, EachAddressMayOnlyCarryThePortsItsPlanGaveIt) {
  ASSERT_TRUE(store_->store().Exec("DELETE FROM fleet_plans").ok());
  // Discovery slice 127.20.0.0/24 on 80 and 443; 127.20.0.9 listed on 8080 only (a
  // narrowed host), 127.20.1.5 on 554 only; the rest of the region is not in this round.
  StorePlan(1, Plan({{0x7F140000, 0x7F1400FF}},
                    {{{80, 443}, {}}, {{554}, {0x7F140105}}, {{8080}, {0x7F140009}}}));
  ReportIngest ingest(*store_, *controller_key_);
  auto one = [&](uint64_t seq, Ipv4 ip, uint16_t port) {
    return ingest.Ingest("p1", Batch(seq, {ip}, false, nullptr, "p1", port));
  };
  EXPECT_EQ(one(1, 0x7F140001, 80).kind, IngestOutcome::kCommitted);
  EXPECT_EQ(one(2, 0x7F1400FF, 443).kind, IngestOutcome::kCommitted);
  EXPECT_EQ(one(3, 0x7F140009, 8080).kind, IngestOutcome::kCommitted);
  EXPECT_EQ(one(4, 0x7F140105, 554).kind, IngestOutcome::kCommitted);
  // In the region, but outside the slice: a planted host.
  IngestOutcome o = one(5, 0x7F140101, 80);
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("127.20.1.1:80, a pair its plan for round"), std::string::npos)
      << o.reason;
  // A listed host on a port of the standard set its narrowed plan left out.
  EXPECT_EQ(one(5, 0x7F140009, 80).kind, IngestOutcome::kRefused);
  EXPECT_EQ(one(5, 0x7F140105, 443).kind, IngestOutcome::kRefused);
  // A port that only another host's profile has.
  EXPECT_EQ(one(5, 0x7F140002, 554).kind, IngestOutcome::kRefused);
  EXPECT_EQ(Rows("fleet_results"), 4);
}

TEST_F(ReportIngestTest, APlanTheControllerDidNotSignIsNoScopeAtAll) {
  ASSERT_TRUE(store_->store().Exec("DELETE FROM fleet_plans").ok());
  SigningKey other = std::move(SigningKey::Generate().value());
  StorePlan(1, Plan({{0x7F140000, 0x7F1401FF}}, {{{80, 443}, {}}}), &other);
  ReportIngest ingest(*store_, *controller_key_);
  IngestOutcome o = ingest.Ingest("p1", Batch(1, {0x7F140001}));
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("its plan version 1 of round"), std::string::npos) << o.reason;
  EXPECT_NE(o.reason.find("signature"), std::string::npos) << o.reason;
  EXPECT_EQ(Rows("fleet_results"), 0);
}

TEST_F(ReportIngestTest, ARoundWithoutAPlanForTheProbeTakesNothing) {
  ASSERT_TRUE(store_->store().Exec("DELETE FROM fleet_plans").ok());
  ReportIngest ingest(*store_, *controller_key_);
  IngestOutcome o = ingest.Ingest("p1", Batch(1, {0x7F140001}));
  EXPECT_EQ(o.kind, IngestOutcome::kRefused);
  EXPECT_NE(o.reason.find("no plan of round"), std::string::npos) << o.reason;
}

}  // namespace
}  // namespace narrowscan::fleet

// Round metrics and the wire-byte model are pure: these tests pin their definitions
// (design §4 "Round metrics") on hand-computed numbers.
#include "controller/fleet/round_metrics.h"

#include <gtest/gtest.h>

#include <vector>

#include "controller/fleet/wire_bytes.h"

namespace narrowscan::fleet {
namespace {

using namespace wire_model;

TEST(WireBytes, PacketSizesAreIpv4AndTcpHeadersWithTheirOptions) {
  EXPECT_EQ(kSynPacket, 60);
  EXPECT_EQ(kEstablishedPacket, 52);
  EXPECT_EQ(kRstPacket, 40);
  EXPECT_EQ(kMaxSegmentPayload, 1500 - kEstablishedPacket);
}

TEST(WireBytes, ClosedIsSynAndRstAndTimeoutIsSynAndOneRetransmission) {
  EXPECT_EQ(EstimateWireBytes({}), 0);
  EXPECT_EQ(EstimateWireBytes({.closed = 1}), 60 + 40);
  EXPECT_EQ(EstimateWireBytes({.timeout = 1}), 2 * 60);
  EXPECT_EQ(EstimateWireBytes({.closed = 3, .timeout = 2}), 3 * 100 + 2 * 120);
}

TEST(WireBytes, OpenIsHandshakeDataWithAcksAndClose) {
  // SYN 60 + SYN-ACK 60 + ACK 52, close FIN/ACK, FIN/ACK, ACK 3 × 52.
  EXPECT_EQ(EstimateWireBytes({.open = 1}), 172 + 156);
  // 100 bytes out in 1 segment, 2000 in over 2 (1448 + 552): 3 segments of 52 header
  // bytes each, every one acknowledged by a 52-byte ACK, plus the payload.
  EXPECT_EQ(EstimateWireBytes({.open = 1, .bytes_sent = 100, .bytes_received = 2000}),
            328 + 3 * 104 + 2100);
}

TEST(WireBytes, PayloadIsSpreadOverTheOpenAttempts) {
  // 5000 bytes over 10 connections: 500 each, one segment each (not 4 full segments).
  EXPECT_EQ(EstimateWireBytes({.open = 10, .bytes_received = 5000}), 10 * 328 + 10 * 104 + 5000);
  // 3 bytes cannot fill more than 3 segments.
  EXPECT_EQ(EstimateWireBytes({.open = 10, .bytes_received = 3}), 10 * 328 + 3 * 104 + 3);
  // Negative counts (a corrupt row) count as nothing.
  EXPECT_EQ(EstimateWireBytes({.open = -1, .closed = 1}), 100);
}

TEST(RoundMetrics, ReductionsAgainstTheirBaselines) {
  RoundCounters c;
  c.attempts = 150;
  c.standard_equivalent = 1000;
  c.planned_narrowed = 30;
  c.planned_standard = 20;
  c.planned_discovery = 100;  // not part of responsive_reduction
  c.responsive_equivalent = 200;
  c.closed = 1;
  const RoundMetrics m = ComputeRoundMetrics(c);
  EXPECT_DOUBLE_EQ(m.reduction, 0.85);
  EXPECT_DOUBLE_EQ(m.responsive_reduction, 0.75);
  EXPECT_EQ(m.wire_bytes, EstimateWireBytes({.closed = 1}));
}

TEST(RoundMetrics, NoBaselineIsNoReduction) {
  EXPECT_EQ(Reduction(5, 0), 0.0);
  const RoundMetrics m = ComputeRoundMetrics({});
  EXPECT_EQ(m.reduction, 0.0);
  EXPECT_EQ(m.responsive_reduction, 0.0);
  EXPECT_EQ(m.wire_bytes, 0);
}

TEST(RoundMetrics, ARangeSumsCountersBeforeDividing) {
  RoundCounters full, narrowed;
  full.attempts = full.standard_equivalent = 100;
  narrowed.attempts = 10;
  narrowed.standard_equivalent = 1000;
  full.open = narrowed.open = 1;
  const std::vector<RoundCounters> rounds = {full, narrowed};
  const RoundMetrics m = AggregateRounds(rounds);
  EXPECT_DOUBLE_EQ(m.reduction, 1.0 - 110.0 / 1100.0);  // not the mean 0.495
  EXPECT_EQ(m.wire_bytes, EstimateWireBytes({.open = 2}));
  EXPECT_EQ(AggregateRounds({}).reduction, 0.0);
}

}  // namespace
}  // namespace narrowscan::fleet

// Every real message of one kind, signed by the right key, is refused by the decoder
// of every other kind: a message replayed onto another topic (an exclusion list onto
// a probe's plan topic, a plan chunk as a report, …) can never be read as that topic's
// kind. The fleet relies on it because the controller signs plans and exclusion lists
// with one key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/wire/ack_codec.h"
#include "common/wire/exclusions_codec.h"
#include "common/wire/plan_codec.h"
#include "common/wire/report_codec.h"
#include "common/wire/status_codec.h"
#include "tests/wire/test_keys.h"

namespace narrowscan::wire {
namespace {

struct Kind {
  std::string name;
  Bytes bytes;                                            // a valid message
  std::function<bool(std::span<const uint8_t>)> decodes;  // with the signing key
};

std::vector<Kind> AllKinds() {
  ReportBatch report{.probe_id = "p1", .round_id = 2, .seq = 3};
  report.results.push_back({.ip = 0x7f000001, .port = 80, .service = "http", .banner = "HTTP"});
  Plan plan{.probe_id = "p1", .version = 4, .round_id = 2, .scope = {{0x7f000000, 0x7f0000ff}}};
  plan.profiles = {{{22, 80}, {}}};
  plan.standard_ports = {22, 80};
  plan.rate = 100;
  ProbeStatus status{.probe_id = "p1", .state = ProbeState::kScanning};
  return {
      {"report", EncodeReport(report, ControllerKey()).value(),
       [](auto b) { return DecodeReport(b, ControllerPublic()).ok(); }},
      {"plan chunk", EncodePlan(plan, ControllerKey(), 1 << 16).value().at(0),
       [](auto b) { return DecodePlanChunk(b, ControllerPublic()).ok(); }},
      {"exclusions", EncodeExclusions({5, {{{1, 2}, "opt-out"}}}, ControllerKey()).value(),
       [](auto b) { return DecodeExclusions(b, ControllerPublic()).ok(); }},
      {"ack", EncodeAck({"p1", 2, 3}).value(), [](auto b) { return DecodeAck(b).ok(); }},
      {"status", EncodeStatus(status).value(), [](auto b) { return DecodeStatus(b).ok(); }},
  };
}

TEST(CrossKind, EachDecoderAcceptsOnlyItsOwnKind) {
  const std::vector<Kind> kinds = AllKinds();
  for (const Kind& decoder : kinds) {
    for (const Kind& message : kinds) {
      EXPECT_EQ(decoder.decodes(message.bytes), decoder.name == message.name)
          << "the " << decoder.name << " decoder given a " << message.name;
    }
  }
}

}  // namespace
}  // namespace narrowscan::wire

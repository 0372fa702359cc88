// libFuzzer target for the wire decoders. The first input byte picks the decoder so
// one corpus covers them all; a decoder must either return a value that satisfies
// its Validate* contract or an error, and never crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "common/signature.h"
#include "common/wire/ack_codec.h"
#include "common/wire/exclusions_codec.h"
#include "common/wire/plan_codec.h"
#include "common/wire/report_codec.h"
#include "common/wire/status_codec.h"

namespace narrowscan::wire {
namespace {

const VerifyingKey& FuzzKey() {
  static const VerifyingKey* key = [] {
    auto signing = SigningKey::Generate();
    if (!signing) std::abort();
    return new VerifyingKey(VerifyingKey::FromPem(signing->PublicPem()).value());
  }();
  return *key;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace
}  // namespace narrowscan::wire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan::wire;
  if (size == 0) return 0;
  const uint8_t which = data[0] % 9;
  std::span<const uint8_t> bytes(data + 1, size - 1);
  switch (which) {
    case 0:
      if (auto r = DecodeReportPayload(bytes)) Check(ValidateReport(*r).ok());
      break;
    case 1:
      if (auto r = DecodePlanChunkPayload(bytes)) {
        Check(ValidatePlan(r->part).ok() && r->index < r->count);
        PlanAssembler assembler(r->part.probe_id, 0);
        (void)assembler.Add(*r);
      }
      break;
    case 2:
      if (auto r = DecodeExclusionsPayload(bytes)) Check(ValidateExclusions(*r).ok());
      break;
    case 3:
      if (auto r = DecodeStatus(bytes)) Check(ValidateStatus(*r).ok());
      break;
    case 4:
      (void)DecodeAck(bytes);
      break;
    case 5:
      (void)DecodeReport(bytes, FuzzKey());
      break;
    case 6:
      (void)DecodePlanChunk(bytes, FuzzKey());
      break;
    case 7:
      (void)DecodeExclusions(bytes, FuzzKey());
      break;
    case 8:
      // Re-encoding a decoded payload must succeed: decode and encode agree on validity.
      if (auto r = DecodeReportPayload(bytes)) Check(EncodeReportPayload(*r).ok());
      if (auto r = DecodeStatus(bytes)) Check(EncodeStatus(*r).ok());
      break;
  }
  return 0;
}

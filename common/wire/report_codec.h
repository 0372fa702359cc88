// Report batches (schemas/report.fbs) in signed envelopes: probe -> controller.
//
// Encode* refuse a batch that breaks the invariants of messages.h; Decode* refuse
// bytes that are too large, truncated, of another kind, of another format version,
// fail the Verifier or the signature, or hold out-of-range values (port 0, unknown
// state, oversize strings or banners, a TLS digest that is not 32 bytes).
#ifndef NARROWSCAN_COMMON_WIRE_REPORT_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_REPORT_CODEC_H_

#include <span>

#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

Status ValidateReport(const ReportBatch& batch);

Result<Bytes> EncodeReport(const ReportBatch& batch, const SigningKey& key);
Result<ReportBatch> DecodeReport(std::span<const uint8_t> bytes, const VerifyingKey& key);

// The unsigned inner FlatBuffer (identifier "NSRB"), e.g. for spools and fuzzing.
Result<Bytes> EncodeReportPayload(const ReportBatch& batch);
Result<ReportBatch> DecodeReportPayload(std::span<const uint8_t> bytes);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_REPORT_CODEC_H_

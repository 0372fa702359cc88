// Signed exclusion lists (schemas/exclusions.fbs): controller -> every probe.
#ifndef NARROWSCAN_COMMON_WIRE_EXCLUSIONS_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_EXCLUSIONS_CODEC_H_

#include <span>

#include "common/range_set.h"
#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

// Ranges with first <= last, reasons bounded, at most kMaxExclusionRanges entries.
Status ValidateExclusions(const ExclusionList& list);

Result<Bytes> EncodeExclusions(const ExclusionList& list, const SigningKey& key);
// Also refuses bytes that are too large, truncated, of another kind or format
// version, fail the Verifier, or are not signed by `key`.
Result<ExclusionList> DecodeExclusions(std::span<const uint8_t> bytes, const VerifyingKey& key);

// The unsigned inner FlatBuffer (identifier "NSEX").
Result<Bytes> EncodeExclusionsPayload(const ExclusionList& list);
Result<ExclusionList> DecodeExclusionsPayload(std::span<const uint8_t> bytes);

// The addresses the list excludes.
RangeSet ExcludedAddresses(const ExclusionList& list);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_EXCLUSIONS_CODEC_H_

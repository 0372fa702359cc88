#include "common/wire/exclusions_codec.h"

#include <fmt/format.h>

#include "common/wire/envelope.h"
#include "common/wire/field_rules.h"
#include "common/wire/verified_buffer.h"
#include "schemas/exclusions_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

namespace {
constexpr std::string_view kWhat = "exclusion list";
}  // namespace

Status ValidateExclusions(const ExclusionList& list) {
  if (list.entries.size() > kMaxExclusionRanges) {
    return Error{fmt::format("{}: {} ranges, more than {}", kWhat, list.entries.size(),
                             kMaxExclusionRanges)};
  }
  for (size_t i = 0; i < list.entries.size(); ++i) {
    const ExclusionEntry& e = list.entries[i];
    if (e.range.first > e.range.last) {
      return Error{fmt::format("{}: range {} has first {} above last {}", kWhat, i,
                               FormatIpv4(e.range.first), FormatIpv4(e.range.last))};
    }
    if (Status s = CheckStringSize(e.reason.size(), kMaxStringBytes, "reason"); !s) {
      return Error{fmt::format("{}: range {}: {}", kWhat, i, s.error())};
    }
  }
  return Status::Ok();
}

Result<Bytes> EncodeExclusionsPayload(const ExclusionList& list) {
  if (Status s = ValidateExclusions(list); !s) return Error{s.error()};
  flatbuffers::FlatBufferBuilder b(64 + list.entries.size() * 32);
  std::vector<flatbuffers::Offset<fb::ExcludedRange>> ranges;
  ranges.reserve(list.entries.size());
  for (const ExclusionEntry& e : list.entries) {
    auto reason = e.reason.empty() ? 0 : b.CreateString(e.reason);
    ranges.push_back(fb::CreateExcludedRange(b, e.range.first, e.range.last, reason));
  }
  auto ranges_offset = b.CreateVector(ranges);
  fb::ExclusionListBuilder out(b);
  out.add_format_version(kFormatVersion);
  out.add_version(list.version);
  out.add_ranges(ranges_offset);
  fb::FinishExclusionListBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<ExclusionList> DecodeExclusionsPayload(std::span<const uint8_t> bytes) {
  auto buffer = VerifiedBuffer::Check(bytes, fb::ExclusionListIdentifier(),
                                      &fb::VerifyExclusionListBuffer, kWhat);
  if (!buffer) return Error{buffer.error()};
  const fb::ExclusionList* in = fb::GetExclusionList(buffer->data());
  if (in->format_version() != kFormatVersion) {
    return Error{fmt::format("{}: format version {} is not the supported {}", kWhat,
                             in->format_version(), kFormatVersion)};
  }
  ExclusionList list;
  list.version = in->version();
  if (const auto* ranges = in->ranges()) {
    if (ranges->size() > kMaxExclusionRanges) {
      return Error{
          fmt::format("{}: {} ranges, more than {}", kWhat, ranges->size(), kMaxExclusionRanges)};
    }
    list.entries.reserve(ranges->size());
    for (const fb::ExcludedRange* r : *ranges) {
      list.entries.push_back(
          {Ipv4Range{r->first(), r->last()}, r->reason() ? r->reason()->str() : std::string()});
    }
  }
  if (Status s = ValidateExclusions(list); !s) return Error{s.error()};
  return list;
}

Result<Bytes> EncodeExclusions(const ExclusionList& list, const SigningKey& key) {
  auto payload = EncodeExclusionsPayload(list);
  if (!payload) return payload;
  return SealEnvelope(*payload, key);
}

Result<ExclusionList> DecodeExclusions(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto payload = OpenEnvelope(bytes, key, fb::ExclusionListIdentifier(), kWhat);
  if (!payload) return Error{payload.error()};
  return DecodeExclusionsPayload(*payload);
}

RangeSet ExcludedAddresses(const ExclusionList& list) {
  std::vector<Ipv4Range> ranges;
  ranges.reserve(list.entries.size());
  for (const ExclusionEntry& e : list.entries) ranges.push_back(e.range);
  return RangeSet(std::move(ranges));
}

}  // namespace narrowscan::wire

#include "common/wire/report_codec.h"

#include <fmt/format.h>

#include "common/wire/counters_codec.h"
#include "common/wire/envelope.h"
#include "common/wire/field_rules.h"
#include "common/wire/verified_buffer.h"
#include "schemas/report_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

namespace {

constexpr std::string_view kWhat = "report batch";

Status ValidateResult(const PortResult& r, size_t i) {
  auto fail = [&](const std::string& why) {
    return Status(
        Error{fmt::format("{}: result {} ({}:{}): {}", kWhat, i, FormatIpv4(r.ip), r.port, why)});
  };
  if (r.port == 0) return fail("port 0");
  if (static_cast<uint8_t>(r.state) > static_cast<uint8_t>(PortState::kTimeout)) {
    return fail(fmt::format("state {} is not open/closed/timeout", static_cast<int>(r.state)));
  }
  if (Status s = CheckStringSize(r.service.size(), kMaxStringBytes, "service"); !s) {
    return fail(s.error());
  }
  if (Status s = CheckStringSize(r.banner.size(), kMaxBannerBytes, "banner"); !s) {
    return fail(s.error());
  }
  if (r.tls) {
    for (const auto& [field, value] :
         {std::pair{"tls subject", &r.tls->subject}, std::pair{"tls issuer", &r.tls->issuer},
          std::pair{"tls serial", &r.tls->serial}}) {
      if (Status s = CheckStringSize(value->size(), kMaxStringBytes, field); !s) {
        return fail(s.error());
      }
    }
    if (!r.tls->sha256.empty() && r.tls->sha256.size() != 32) {
      return fail(fmt::format("tls sha256 is {} bytes, not 32", r.tls->sha256.size()));
    }
  }
  return Status::Ok();
}

flatbuffers::Offset<fb::PortResult> BuildResult(flatbuffers::FlatBufferBuilder& b,
                                                const PortResult& r) {
  auto service = r.service.empty() ? 0 : b.CreateString(r.service);
  auto banner = r.banner.empty() ? 0
                                 : b.CreateVector(reinterpret_cast<const uint8_t*>(r.banner.data()),
                                                  r.banner.size());
  flatbuffers::Offset<fb::TlsCertificate> tls = 0;
  if (r.tls) {
    tls = fb::CreateTlsCertificate(b, b.CreateString(r.tls->subject), b.CreateString(r.tls->issuer),
                                   b.CreateString(r.tls->serial), r.tls->not_before,
                                   r.tls->not_after, b.CreateVector(r.tls->sha256));
  }
  fb::PortResultBuilder out(b);
  out.add_ip(r.ip);
  out.add_port(r.port);
  out.add_state(static_cast<fb::PortState>(r.state));
  out.add_service(service);
  out.add_banner(banner);
  out.add_tls(tls);
  out.add_connect_us(r.connect_us);
  out.add_total_us(r.total_us);
  return out.Finish();
}

std::string ReadString(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

}  // namespace

Status ValidateReport(const ReportBatch& batch) {
  if (Status s = CheckProbeId(batch.probe_id); !s) {
    return Error{fmt::format("{}: {}", kWhat, s.error())};
  }
  if (batch.results.size() > kMaxResultsPerBatch) {
    return Error{fmt::format("{}: {} results, more than {}", kWhat, batch.results.size(),
                             kMaxResultsPerBatch)};
  }
  for (size_t i = 0; i < batch.results.size(); ++i) {
    if (Status s = ValidateResult(batch.results[i], i); !s) return s;
  }
  return Status::Ok();
}

Result<Bytes> EncodeReportPayload(const ReportBatch& batch) {
  if (Status s = ValidateReport(batch); !s) return Error{s.error()};
  flatbuffers::FlatBufferBuilder b(1024);
  std::vector<flatbuffers::Offset<fb::PortResult>> results;
  results.reserve(batch.results.size());
  for (const PortResult& r : batch.results) results.push_back(BuildResult(b, r));
  auto results_offset = b.CreateVector(results);
  auto probe_id = b.CreateString(batch.probe_id);
  auto counters = BuildCounters(b, batch.counters);
  fb::ReportBatchBuilder out(b);
  out.add_format_version(kFormatVersion);
  out.add_probe_id(probe_id);
  out.add_round_id(batch.round_id);
  out.add_seq(batch.seq);
  out.add_plan_version(batch.plan_version);
  out.add_results(results_offset);
  out.add_counters(counters);
  out.add_done(batch.done);
  fb::FinishReportBatchBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<ReportBatch> DecodeReportPayload(std::span<const uint8_t> bytes) {
  auto buffer = VerifiedBuffer::Check(bytes, fb::ReportBatchIdentifier(),
                                      &fb::VerifyReportBatchBuffer, kWhat);
  if (!buffer) return Error{buffer.error()};
  const fb::ReportBatch* in = fb::GetReportBatch(buffer->data());
  if (in->format_version() != kFormatVersion) {
    return Error{fmt::format("{}: format version {} is not the supported {}", kWhat,
                             in->format_version(), kFormatVersion)};
  }
  ReportBatch batch;
  batch.probe_id = ReadString(in->probe_id());
  batch.round_id = in->round_id();
  batch.seq = in->seq();
  batch.plan_version = in->plan_version();
  batch.counters = ReadCounters(in->counters());
  batch.done = in->done();
  if (const auto* results = in->results()) {
    if (results->size() > kMaxResultsPerBatch) {
      return Error{
          fmt::format("{}: {} results, more than {}", kWhat, results->size(), kMaxResultsPerBatch)};
    }
    batch.results.reserve(results->size());
    for (const fb::PortResult* r : *results) {
      PortResult out;
      out.ip = r->ip();
      out.port = r->port();
      // Kept as the raw value: ValidateReport refuses states outside the enum.
      out.state = static_cast<PortState>(static_cast<uint8_t>(r->state()));
      out.service = ReadString(r->service());
      if (const auto* banner = r->banner()) {
        out.banner.assign(reinterpret_cast<const char*>(banner->data()), banner->size());
      }
      if (const fb::TlsCertificate* tls = r->tls()) {
        TlsCertificate cert;
        cert.subject = ReadString(tls->subject());
        cert.issuer = ReadString(tls->issuer());
        cert.serial = ReadString(tls->serial());
        cert.not_before = tls->not_before();
        cert.not_after = tls->not_after();
        if (const auto* digest = tls->sha256()) cert.sha256.assign(digest->begin(), digest->end());
        out.tls = std::move(cert);
      }
      out.connect_us = r->connect_us();
      out.total_us = r->total_us();
      batch.results.push_back(std::move(out));
    }
  }
  if (Status s = ValidateReport(batch); !s) return Error{s.error()};
  return batch;
}

Result<Bytes> EncodeReport(const ReportBatch& batch, const SigningKey& key) {
  auto payload = EncodeReportPayload(batch);
  if (!payload) return payload;
  return SealEnvelope(*payload, key);
}

Result<ReportBatch> DecodeReport(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto payload = OpenEnvelope(bytes, key, fb::ReportBatchIdentifier(), kWhat);
  if (!payload) return Error{payload.error()};
  return DecodeReportPayload(*payload);
}

}  // namespace narrowscan::wire

#include "tests/testbed/scan_output.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/base64.h"
#include "common/utf8.h"
#include "tests/testbed/entropy.h"
#include "tests/testbed/host_reply.h"
#include "tests/testbed/json_text.h"
#include "tests/testbed/tls_identity.h"

namespace narrowscan::testbed {
namespace {

constexpr size_t kFlushAt = 1 << 20;

// masscan's normalisation for -oL: printable ASCII stays, everything else is \xNN.
void AppendMasscanText(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out->push_back(ch);
    } else {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

// masscan's normalisation for -oJ: printable ASCII except '"' and '\' stays, the rest
// is \u00NN.
void AppendMasscanJsonString(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out->push_back(ch);
    } else {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
  out->push_back('"');
}

const char* MasscanService(Protocol p) {
  switch (p) {
    case Protocol::kHttp:
    case Protocol::kHttps:
      return "http";
    case Protocol::kPop3:
      return "pop";
    case Protocol::kBanner:
    case Protocol::kOpen:
      return "unknown";
    default:
      return ServiceName(p);
  }
}

class Writer {
 public:
  Writer(const Population& population, ScanFormat format, std::time_t start, std::FILE* out,
         uint64_t max_banners)
      : population_(population),
        format_(format),
        start_(start),
        out_(out),
        max_banners_(max_banners == 0 ? UINT64_MAX : max_banners) {}

  Result<ScanOutputStats> Run() {
    if (format_ != ScanFormat::kHostsJsonl) {
      if (Status s = MakeCertificates(); !s.ok()) return Error{s.error()};
    }
    if (format_ == ScanFormat::kMasscanJson) buffer_.append("[\n");
    if (format_ == ScanFormat::kMasscanList) buffer_.append("#masscan\n");
    for (size_t i = 0; i < population_.hosts.size() && stats_.banners < max_banners_; ++i) {
      WriteHost(population_.hosts[i], start_ + static_cast<std::time_t>(i / 1000));
      if (buffer_.size() >= kFlushAt && !Flush()) return WriteError();
    }
    if (format_ == ScanFormat::kMasscanJson) buffer_.append("]\n");
    if (format_ == ScanFormat::kMasscanList) buffer_.append("# end\n");
    if (!Flush() || std::fflush(out_) != 0) return WriteError();
    return stats_;
  }

 private:
  Error WriteError() const { return Error{fmt::format("write failed: {}", std::strerror(errno))}; }

  // masscan records the server certificate (--capture cert is its default) as an
  // "X509" banner: the DER in base64. One certificate per profile, with its names.
  Status MakeCertificates() {
    TlsIdentities identities;
    if (Status s = identities.Create(population_.spec); !s.ok()) return s;
    certificates_b64_.resize(population_.spec.profiles.size());
    for (size_t p = 0; p < certificates_b64_.size(); ++p) {
      if (const mbedtls_x509_crt* crt = identities.CertificateFor(p))
        certificates_b64_[p] =
            Base64Encode({reinterpret_cast<const char*>(crt->raw.p), crt->raw.len});
    }
    return Status::Ok();
  }

  bool Flush() {
    stats_.bytes += buffer_.size();
    bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), out_) == buffer_.size();
    buffer_.clear();
    return ok;
  }

  void Render(const Host& host, const PortSpec& port, std::time_t now) {
    reply_.clear();
    ReplyRequest request;
    request.now = now;
    request.entropy = Mix64(host.entropy, 0x5ca40000u + port.port);
    RenderReply(population_, host, port, request, &reply_, &scratch_);
  }

  void WriteHost(const Host& host, std::time_t now) {
    ++stats_.hosts;
    const Profile& profile = population_.ProfileOf(host);
    if (format_ == ScanFormat::kHostsJsonl) {
      fmt::format_to(std::back_inserter(buffer_), "{{\"ip\":\"{}\",\"open_ports\":[", host.ip_text);
      for (size_t i = 0; i < host.open_ports.size(); ++i) {
        fmt::format_to(std::back_inserter(buffer_), "{}{}", i > 0 ? "," : "", host.open_ports[i]);
      }
      buffer_.append("],\"banners\":[");
      bool first = true;
      for (uint16_t number : host.open_ports) {
        const PortSpec& port = *population_.Port(host, number);
        if (port.protocol == Protocol::kOpen) continue;
        if (stats_.banners == max_banners_) break;
        Render(host, port, now);
        ++stats_.banners;
        buffer_.append(first ? "" : ",");
        first = false;
        fmt::format_to(std::back_inserter(buffer_), "{{\"port\":{}", number);
        if (*ServiceName(port.protocol) != '\0') {
          fmt::format_to(std::back_inserter(buffer_), ",\"service\":\"{}\"",
                         ServiceName(port.protocol));
        }
        if (IsValidUtf8(reply_)) {
          buffer_.append(",\"banner\":");
          AppendJsonString(reply_, &buffer_);
        } else {
          buffer_.append(",\"banner_b64\":\"");
          buffer_.append(Base64Encode(reply_));  // rare: non-UTF-8 replies only
          buffer_.push_back('"');
        }
        if (port.protocol == Protocol::kHttps) {
          buffer_.append(",\"tls\":{\"subject\":");
          AppendJsonString(profile.tls_subject, &buffer_);
          buffer_.append(",\"issuer\":");
          AppendJsonString(profile.tls_issuer.empty() ? profile.tls_subject : profile.tls_issuer,
                           &buffer_);
          buffer_.push_back('}');
        }
        buffer_.push_back('}');
      }
      buffer_.append("]}\n");
      return;
    }
    for (uint16_t number : host.open_ports) {
      const PortSpec& port = *population_.Port(host, number);
      if (stats_.banners == max_banners_) break;
      if (format_ == ScanFormat::kMasscanList) {
        fmt::format_to(std::back_inserter(buffer_), "open tcp {} {} {}\n", number, host.ip_text,
                       now);
      } else {
        MasscanJsonRecord(host, now);
        fmt::format_to(std::back_inserter(buffer_),
                       "\"ports\": [ {{\"port\": {}, \"proto\": \"tcp\", \"status\": \"open\", "
                       "\"reason\": \"syn-ack\", \"ttl\": 64}} ] }}\n",
                       number);
      }
      if (port.protocol == Protocol::kOpen) continue;
      Render(host, port, now);
      ++stats_.banners;
      if (format_ == ScanFormat::kMasscanList) {
        fmt::format_to(std::back_inserter(buffer_), "banner tcp {} {} {} {} ", number, host.ip_text,
                       now, MasscanService(port.protocol));
        AppendMasscanText(reply_, &buffer_);
        buffer_.push_back('\n');
        if (port.protocol == Protocol::kHttps) {
          fmt::format_to(std::back_inserter(buffer_),
                         "banner tcp {} {} {} ssl TLS/1.2 cipher:0xc02b, ", number, host.ip_text,
                         now);
          AppendMasscanText(profile.tls_subject, &buffer_);
          fmt::format_to(std::back_inserter(buffer_), "\nbanner tcp {} {} {} X509 {}\n", number,
                         host.ip_text, now, certificates_b64_[host.profile]);
        }
      } else {
        MasscanJsonBanner(host, now, number, MasscanService(port.protocol), reply_);
        if (port.protocol == Protocol::kHttps) {
          std::string ssl = "TLS/1.2 cipher:0xc02b, " + profile.tls_subject;
          MasscanJsonBanner(host, now, number, "ssl", ssl);
          MasscanJsonBanner(host, now, number, "X509", certificates_b64_[host.profile]);
        }
      }
    }
  }

  void MasscanJsonRecord(const Host& host, std::time_t now) {
    if (!first_record_) buffer_.append(",\n");
    first_record_ = false;
    fmt::format_to(std::back_inserter(buffer_), "{{   \"ip\": \"{}\",   \"timestamp\": \"{}\", ",
                   host.ip_text, now);
  }

  void MasscanJsonBanner(const Host& host, std::time_t now, uint16_t port, const char* service,
                         std::string_view banner) {
    MasscanJsonRecord(host, now);
    fmt::format_to(
        std::back_inserter(buffer_),
        "\"ports\": [ {{\"port\": {}, \"proto\": \"tcp\", \"service\": {{\"name\": \"{}\", "
        "\"banner\": ",
        port, service);
    AppendMasscanJsonString(banner, &buffer_);
    buffer_.append("} } ] }\n");
  }

  const Population& population_;
  const ScanFormat format_;
  const std::time_t start_;
  std::FILE* const out_;
  const uint64_t max_banners_;
  std::string buffer_, reply_, scratch_;
  std::vector<std::string> certificates_b64_;  // by profile index; masscan formats only
  bool first_record_ = true;
  ScanOutputStats stats_;
};

}  // namespace

Result<ScanFormat> ParseScanFormat(std::string_view name) {
  if (name == "hosts-jsonl") return ScanFormat::kHostsJsonl;
  if (name == "masscan-json") return ScanFormat::kMasscanJson;
  if (name == "masscan-list") return ScanFormat::kMasscanList;
  return Error{fmt::format("unknown format '{}' (hosts-jsonl, masscan-json, masscan-list)", name)};
}

Result<ScanOutputStats> WriteScanOutput(const Population& population, ScanFormat format,
                                        std::time_t start, std::FILE* out, uint64_t max_banners) {
  return Writer(population, format, start, out, max_banners).Run();
}

}  // namespace narrowscan::testbed

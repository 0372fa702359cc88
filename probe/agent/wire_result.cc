#include "probe/agent/wire_result.h"

#include <chrono>
#include <string>

namespace narrowscan {

namespace {

// Reads `n` decimal digits at `at`; nullopt when one is not a digit.
std::optional<int> Digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 64 hex digits as 32 bytes; empty when `hex` is anything else.
wire::Bytes Sha256Bytes(std::string_view hex) {
  wire::Bytes out;
  if (hex.size() != 64) return out;
  out.reserve(32);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

void Cut(std::string& s, size_t cap) {
  if (s.size() > cap) s.resize(cap);
}

uint32_t Micros(uint32_t ms) {
  const uint64_t us = uint64_t{ms} * 1000;
  return us > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(us);
}

}  // namespace

std::optional<int64_t> ParseUtcTime(std::string_view t) {
  // 0123456789012345678 9
  // YYYY-MM-DDTHH:MM:SSZ
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':' || t[19] != 'Z') {
    return std::nullopt;
  }
  const auto year = Digits(t, 0, 4), month = Digits(t, 5, 2), day = Digits(t, 8, 2);
  const auto hour = Digits(t, 11, 2), minute = Digits(t, 14, 2), second = Digits(t, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  // X.509 allows a leap second (60); hours and minutes are bounded as usual.
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

wire::PortResult WireResultOf(ScanResult&& r) {
  wire::PortResult p;
  p.ip = r.ip;
  p.port = r.port;
  switch (r.state) {
    case PortState::kOpen:
      p.state = wire::PortState::kOpen;
      break;
    case PortState::kClosed:
      p.state = wire::PortState::kClosed;
      break;
    case PortState::kTimeout:
    case PortState::kError:
      p.state = wire::PortState::kTimeout;
      break;
  }
  p.service = std::move(r.service);
  Cut(p.service, wire::kMaxStringBytes);
  p.banner = std::move(r.banner);
  Cut(p.banner, wire::kMaxBannerBytes);
  if (r.tls) {
    wire::TlsCertificate cert;
    cert.subject = std::move(r.tls->subject);
    cert.issuer = std::move(r.tls->issuer);
    cert.serial = std::move(r.tls->serial);
    for (std::string* s : {&cert.subject, &cert.issuer, &cert.serial})
      Cut(*s, wire::kMaxStringBytes);
    cert.not_before = ParseUtcTime(r.tls->not_before).value_or(0);
    cert.not_after = ParseUtcTime(r.tls->not_after).value_or(0);
    cert.sha256 = Sha256Bytes(r.tls->sha256_fingerprint);
    p.tls = std::move(cert);
  }
  p.connect_us = Micros(r.connect_ms);
  p.total_us = Micros(r.total_ms);
  return p;
}

}  // namespace narrowscan

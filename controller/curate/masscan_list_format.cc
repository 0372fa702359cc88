#include "controller/curate/masscan_list_format.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "common/printable.h"
#include "controller/curate/hex_escapes.h"
#include "controller/curate/masscan_record.h"

namespace narrowscan {

namespace {

// Splits off the next space-separated word of `rest`.
std::string_view NextWord(std::string_view* rest) {
  size_t start = rest->find_first_not_of(' ');
  if (start == std::string_view::npos) {
    *rest = {};
    return {};
  }
  size_t end = rest->find(' ', start);
  std::string_view word = rest->substr(start, end == std::string_view::npos ? end : end - start);
  *rest = end == std::string_view::npos ? std::string_view{} : rest->substr(end + 1);
  return word;
}

template <class T>
bool ParseNumber(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<ScanRecords> ParseMasscanListLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty() || line.front() == '#') return ScanRecords{};
  std::string_view rest = line;
  std::string_view kind = NextWord(&rest), proto = NextWord(&rest), port_text = NextWord(&rest),
                   ip_text = NextWord(&rest), time_text = NextWord(&rest);
  if (time_text.empty()) return Error{"expected '<open|banner> <proto> <port> <ip> <timestamp> …'"};
  if (kind != "open" && kind != "banner" && kind != "closed")
    return Error{fmt::format("unknown record kind '{}'", Printable(kind, 40))};
  ScanRecord r;
  uint32_t port = 0;
  if (!ParseNumber(port_text, &port) || port < 1 || port > 65535)
    return Error{fmt::format("bad port '{}'", Printable(port_text, 40))};
  r.port = static_cast<uint16_t>(port);
  auto ip = ParseIpv4(ip_text);
  if (!ip.ok()) return Error{ip.error()};
  r.ip = *ip;
  if (!ParseNumber(time_text, &r.seen))
    return Error{fmt::format("bad timestamp '{}'", Printable(time_text, 40))};
  // narrowscan scans TCP only; masscan's UDP/SCTP results have no place in a port plan.
  if (kind == "closed" || proto != "tcp") return ScanRecords{};
  if (kind == "banner") {
    std::string_view service = NextWord(&rest);
    if (service.empty()) return Error{"banner record without a service name"};
    if (Status s = FillMasscanBanner(service, DecodeHexEscapes(rest), &r); !s.ok())
      return Error{s.error()};
  }
  return ScanRecords{std::move(r)};
}

}  // namespace narrowscan

#include "common/mqtt_uri.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "common/printable.h"

namespace narrowscan {
namespace {

constexpr std::array<std::string_view, 6> kSchemes = {"tcp", "mqtt", "ssl", "mqtts", "ws", "wss"};

bool HostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

}  // namespace

std::string MaskMqttUri(std::string_view uri) {
  const size_t sep = uri.find("://");
  const size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  const size_t end = uri.find_first_of("/?#", start);
  const std::string_view authority =
      uri.substr(start, end == std::string_view::npos ? end : end - start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(uri);
  return fmt::format("{}***{}", uri.substr(0, start), uri.substr(start + at));
}

Status CheckMqttUri(std::string_view uri) {
  auto fail = [&](std::string_view why) {
    return Error{fmt::format("'{}': {}", Printable(MaskMqttUri(uri)), why)};
  };
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos)
    return fail("not SCHEME://HOST[:PORT] (e.g. tcp://127.0.0.1:1883)");
  const std::string_view scheme = uri.substr(0, sep);
  bool known = false;
  for (std::string_view s : kSchemes) known = known || s == scheme;
  if (!known) return fail("scheme must be tcp, mqtt, ssl, mqtts, ws or wss");
  std::string_view rest = uri.substr(sep + 3);
  const size_t path_at = rest.find('/');
  const std::string_view authority = rest.substr(0, path_at);
  if (path_at != std::string_view::npos && scheme != "ws" && scheme != "wss" &&
      rest.size() > path_at + 1)
    return fail("only ws:// and wss:// URIs have a path");
  if (authority.find('@') != std::string_view::npos)
    return fail("credentials in the URI are refused; use [mqtt] username and password_file");
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("'[' without ']' around the IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return fail("junk after ']'");
    if (!after.empty()) port = after.substr(1);
    for (char c : host)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
        return fail("bad IPv6 address");
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return fail("empty port");
    }
    for (char c : host)
      if (!HostChar(c))
        return fail(fmt::format("bad character in host (0x{:02x})", static_cast<unsigned char>(c)));
  }
  if (host.empty()) return fail("no host");
  if (!port.empty()) {
    if (port.size() > 5) return fail("port must be 1..65535");
    unsigned value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return fail("port must be a number");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > 65535) return fail("port must be 1..65535");
  }
  return Status::Ok();
}

}  // namespace narrowscan

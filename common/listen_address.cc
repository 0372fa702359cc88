#include "common/listen_address.h"

#include <fmt/format.h>

#include <charconv>

#include "common/printable.h"

namespace narrowscan {

std::string ListenAddress::ToString() const { return fmt::format("{}:{}", host(), port); }

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return Error{fmt::format("'{}': expected ADDR:PORT, e.g. 127.0.0.1:9100", Printable(text))};
  auto ip = ParseIpv4(text.substr(0, colon));
  if (!ip.ok())
    return Error{fmt::format("'{}': ADDR must be an IPv4 address ({})", Printable(text),
                             ip.error())};
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535)
    return Error{fmt::format("'{}': PORT must be a number 1..65535", Printable(text))};
  return ListenAddress{*ip, static_cast<uint16_t>(port)};
}

}  // namespace narrowscan

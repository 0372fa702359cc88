// ListenAddress: "ADDR:PORT" where a local server listens (`serve --http`, the
// `[http] listen` key of controller.toml). ADDR is an IPv4 dotted quad (0.0.0.0 = every
// interface), PORT 1..65535. Only loopback (127.0.0.0/8) keeps the listener private;
// callers warn about anything else.
#ifndef NARROWSCAN_COMMON_LISTEN_ADDRESS_H_
#define NARROWSCAN_COMMON_LISTEN_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/ipv4.h"
#include "common/result.h"

namespace narrowscan {

struct ListenAddress {
  Ipv4 ip = 0;
  uint16_t port = 0;

  bool loopback() const { return (ip >> 24) == 127; }
  std::string host() const { return FormatIpv4(ip); }
  std::string ToString() const;  // "ADDR:PORT"
};

// Errors quote the (escaped) text and say what is wrong.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_LISTEN_ADDRESS_H_

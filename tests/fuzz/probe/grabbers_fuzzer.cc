// Server bytes into the banner grabbers: whatever a device sends, a grabber stays
// within its bound and never reads outside the data (telnet negotiation, coded FTP/SMTP
// replies, HTTP headers with Content-Length, RTSP). The first byte picks the port.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probe/grabbers/grabber_selection.h"
#include "probe/grabbers/http.h"
#include "probe/grabbers/rtsp.h"
#include "probe/grabbers/telnet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static constexpr uint16_t kPorts[] = {21, 22, 23, 25, 80, 110, 143, 443, 554, 8080};
  const uint16_t port = kPorts[data[0] % (sizeof kPorts / sizeof kPorts[0])];
  const size_t split = data[1] % (size - 1);  // feed in two chunks: state across reads
  const std::string_view all(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string_view a = all.substr(0, split), b = all.substr(std::min(split, all.size()));
  auto run = [&](narrowscan::Grabber& g) {
    g.Feed(a);
    g.Feed(b);
    if (g.banner().size() > 512) __builtin_trap();
  };
  auto greeting = narrowscan::GrabberForGreeting(all, port, 512);
  run(*greeting);
  narrowscan::HttpGrabber http(512, false);
  run(http);
  narrowscan::RtspGrabber rtsp(512);
  run(rtsp);
  narrowscan::TelnetGrabber telnet(512);
  run(telnet);
  return 0;
}

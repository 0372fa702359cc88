// Which grabber handles a connection: from the greeting when the server speaks first,
// else from the port (TLS ports get a TLS handshake first; RTSP ports an OPTIONS;
// everything else HTTP, the most common client-first protocol on unexpected ports).
#ifndef NARROWSCAN_PROBE_GRABBERS_GRABBER_SELECTION_H_
#define NARROWSCAN_PROBE_GRABBERS_GRABBER_SELECTION_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "probe/grabbers/grabber.h"

namespace narrowscan {

// What to speak to a port whose server stayed silent through the server-first wait.
struct SilentPortPlan {
  enum class Inner : uint8_t {
    kHttp,      // send GET / (over TLS when tls is set)
    kRtsp,      // send OPTIONS
    kGreeting,  // TLS wrapped server-first protocol (IMAPS, POP3S, SMTPS, FTPS): read
  };
  bool tls = false;
  Inner inner = Inner::kHttp;
};
SilentPortPlan PlanForSilentPort(uint16_t port);

// The grabber for a server-first greeting whose first bytes are `first`.
std::unique_ptr<Grabber> GrabberForGreeting(std::string_view first, uint16_t port,
                                            size_t max_bytes);
// The client-first grabber of a plan (HTTP or RTSP). REQUIRES: inner != kGreeting.
std::unique_ptr<Grabber> GrabberForPlan(const SilentPortPlan& plan, size_t max_bytes);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_GRABBER_SELECTION_H_

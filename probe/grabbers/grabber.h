// Grabber: one application protocol's banner logic as a pure state machine. The
// session (probe/engine/connection.cc) owns the socket and the timers; a grabber
// only sees bytes and says what to send back and when the banner is complete, so
// each protocol is unit-tested and fuzzed without a network.
//
// Order (as measured by LZR): the session first waits for a server-first greeting;
// when bytes arrive, GrabberForGreeting() picks the protocol from them; when the
// server stays silent, the session speaks the protocol the port suggests
// (SilentPortPlan) — TLS, RTSP, or else HTTP.
//
// Invariant: banner() never exceeds the max_bytes given at construction.
#ifndef NARROWSCAN_PROBE_GRABBERS_GRABBER_H_
#define NARROWSCAN_PROBE_GRABBERS_GRABBER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ipv4.h"

namespace narrowscan {

struct GrabTarget {
  Ipv4 ip = 0;
  uint16_t port = 0;
};

struct GrabStep {
  std::string reply;  // bytes to send now (e.g. telnet refusals); may be empty
  bool done = false;  // the banner is complete: stop reading
};

class Grabber {
 public:
  explicit Grabber(size_t max_bytes) : max_bytes_(max_bytes) {}
  virtual ~Grabber() = default;
  Grabber(const Grabber&) = delete;
  Grabber& operator=(const Grabber&) = delete;

  // Service name reported with the banner (http, ssh, ftp, …).
  virtual const char* service() const = 0;
  // What a client-first protocol sends first; empty for server-first protocols.
  virtual std::string Request(const GrabTarget&) const { return {}; }

  // Feeds bytes as they arrive. done is also set once the banner is full.
  GrabStep Feed(std::string_view data) {
    GrabStep step = OnData(data);
    if (banner_.size() >= max_bytes_) step.done = true;
    return step;
  }
  const std::string& banner() const { return banner_; }

 protected:
  virtual GrabStep OnData(std::string_view data) = 0;
  // Appends as much of `data` as the bound allows.
  void Keep(std::string_view data) {
    const size_t room = max_bytes_ > banner_.size() ? max_bytes_ - banner_.size() : 0;
    banner_.append(data.substr(0, room));
  }

  std::string banner_;

 private:
  size_t max_bytes_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_GRABBER_H_

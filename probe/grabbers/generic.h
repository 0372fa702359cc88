// Any other server-first service: keeps what the server says until the banner bound,
// the connection's end or the session's idle gap.
#ifndef NARROWSCAN_PROBE_GRABBERS_GENERIC_H_
#define NARROWSCAN_PROBE_GRABBERS_GENERIC_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class GenericGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "unknown"; }

 protected:
  GrabStep OnData(std::string_view data) override {
    Keep(data);
    return {};
  }
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_GENERIC_H_

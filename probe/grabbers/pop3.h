// POP3 greeting: the one-line greeting ("+OK …", RFC 1939 §4).
#ifndef NARROWSCAN_PROBE_GRABBERS_POP3_H_
#define NARROWSCAN_PROBE_GRABBERS_POP3_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class Pop3Grabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "pop3"; }

 protected:
  GrabStep OnData(std::string_view data) override;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_POP3_H_

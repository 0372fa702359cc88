// SMTP greeting: the complete first reply (multi-line "220-" continuations included).
#ifndef NARROWSCAN_PROBE_GRABBERS_SMTP_H_
#define NARROWSCAN_PROBE_GRABBERS_SMTP_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class SmtpGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "smtp"; }

 protected:
  GrabStep OnData(std::string_view data) override;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_SMTP_H_

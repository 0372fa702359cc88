// IMAP greeting: the one-line greeting ("* OK [CAPABILITY …] …", RFC 9051 §7.1.1).
#ifndef NARROWSCAN_PROBE_GRABBERS_IMAP_H_
#define NARROWSCAN_PROBE_GRABBERS_IMAP_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class ImapGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "imap"; }

 protected:
  GrabStep OnData(std::string_view data) override;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_IMAP_H_

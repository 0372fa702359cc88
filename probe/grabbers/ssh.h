// SSH greeting: the identification line ("SSH-2.0-dropbear_2019.78"; RFC 4253 §4.2 allows other
// lines before it, which are kept)
#ifndef NARROWSCAN_PROBE_GRABBERS_SSH_H_
#define NARROWSCAN_PROBE_GRABBERS_SSH_H_

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class SshGrabber : public Grabber {
 public:
  using Grabber::Grabber;
  const char* service() const override { return "ssh"; }

 protected:
  GrabStep OnData(std::string_view data) override;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_SSH_H_

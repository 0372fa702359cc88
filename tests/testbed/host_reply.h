// What a host says on one of its ports: the greeting of a server-first protocol, or
// the whole response (status line, headers, blank line, body) of http/https/rtsp with
// ${content_length} computed from the rendered body. Shared by the listeners and the
// generator so both produce exactly the same bytes for the same request.
#ifndef NARROWSCAN_TESTS_TESTBED_HOST_REPLY_H_
#define NARROWSCAN_TESTS_TESTBED_HOST_REPLY_H_

#include <ctime>
#include <string>
#include <string_view>

#include "tests/testbed/population.h"

namespace narrowscan::testbed {

struct ReplyRequest {
  std::time_t now = 0;
  uint64_t entropy = 0;         // fresh per request: session ids, nonces
  std::string_view cseq = "1";  // RTSP CSeq of the request
};

// Appends the first thing the host sends on `port` (greeting or response) to `out`.
// `scratch` is reused between calls to avoid allocations.
void RenderReply(const Population& population, const Host& host, const PortSpec& port,
                 const ReplyRequest& request, std::string* out, std::string* scratch);

// Appends the answer of a server-first protocol to one line from the client (may be
// nothing when the profile declares no `reply`).
void RenderLineReply(const Population& population, const Host& host, const PortSpec& port,
                     const ReplyRequest& request, std::string* out);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_HOST_REPLY_H_

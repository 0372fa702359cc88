// HTTP/1.1 "GET /" with a Host header (the address, and the port unless it is 80).
// Keeps the status line, the headers and the start of the body; done when the headers
// are complete and either the body is complete (Content-Length) or "</title>" has been
// seen. Also used over TLS on HTTPS ports (the session moves the bytes through TLS).
#ifndef NARROWSCAN_PROBE_GRABBERS_HTTP_H_
#define NARROWSCAN_PROBE_GRABBERS_HTTP_H_

#include <optional>

#include "probe/grabbers/grabber.h"

namespace narrowscan {

class HttpGrabber : public Grabber {
 public:
  HttpGrabber(size_t max_bytes, bool over_tls) : Grabber(max_bytes), over_tls_(over_tls) {}
  const char* service() const override { return "http"; }
  std::string Request(const GrabTarget& target) const override;

 protected:
  GrabStep OnData(std::string_view data) override;

 private:
  bool over_tls_;
};

// Case-insensitive search (ASCII).
size_t FindNoCase(std::string_view haystack, std::string_view needle, size_t from = 0);
// The value of header `name` in a header block ("Name: value\r\n" lines), if present.
std::optional<std::string_view> HeaderValue(std::string_view headers, std::string_view name);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_HTTP_H_

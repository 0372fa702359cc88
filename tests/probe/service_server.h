// ServiceServer: real TCP services on loopback addresses for the probe's tests and
// benchmark. Each listener speaks one protocol the way an embedded device does (FTP,
// SSH, SMTP, POP3, IMAP and Telnet greetings, HTTP, RTSP, HTTPS with a self-signed
// certificate made with mbedTLS, or silence), runs on its own io_context thread, and
// counts the connections it accepted — the ground truth scope/exclusion tests compare
// against.
#ifndef NARROWSCAN_TESTS_PROBE_SERVICE_SERVER_H_
#define NARROWSCAN_TESTS_PROBE_SERVICE_SERVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/ipv4.h"
#include "common/result.h"

namespace narrowscan {

enum class Personality {
  kSilent,  // accepts, never says anything, holds the connection
  kFtp,
  kSsh,
  kSmtp,
  kPop3,
  kImap,
  kTelnet,  // IAC DO/WILL negotiation; the login prompt only after correct refusals
  kHttp,    // answers GET with a page whose <title> is the listener's text
  kRtsp,    // answers OPTIONS
  kHttps,   // TLS (self-signed), then HTTP
};
const char* PersonalityName(Personality p);
// The greeting (or HTTP title) a personality uses when the listener gives none.
std::string DefaultText(Personality p);

class ServiceServer {
 public:
  ServiceServer();
  ~ServiceServer();

  // Listens on ip:port (port 0 = a free one) before Start(); returns the port.
  // text: greeting for server-first protocols, title for HTTP(S), Server header for RTSP.
  Result<uint16_t> Listen(Ipv4 ip, uint16_t port, Personality personality, std::string text = {});
  void Start();
  void Stop();

  uint64_t accepted(Ipv4 ip, uint16_t port) const;
  uint64_t total_accepted() const { return total_accepted_.load(); }
  // The last request line + headers an HTTP/RTSP listener received.
  std::string last_request(Ipv4 ip, uint16_t port) const;
  // The certificate the HTTPS listeners present (RFC 4514 form the probe must report).
  static constexpr const char* kCertificateSubject =
      "CN=cam-0001.example,OU=Video\\, Cameras,O=Acme Devices,C=JP";
  static constexpr const char* kCertificateIssuer = "CN=Acme Device CA,O=Acme Devices,C=JP";
  const std::string& certificate_sha256() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> total_accepted_{0};
};

}  // namespace narrowscan

#endif  // NARROWSCAN_TESTS_PROBE_SERVICE_SERVER_H_

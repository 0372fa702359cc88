// TLS client over a connected non-blocking socket, with mbedTLS and no certificate
// verification (a scanner wants the certificate whatever it is). The caller owns the
// socket and waits for readiness itself: every call returns kWantRead / kWantWrite
// instead of blocking, so the same event loop drives thousands of sessions.
//
// Memory: mbedTLS allocates its record buffers (~2 × 16.7 KB) per session, so the
// engine caps concurrent TLS sessions separately from connections.
#ifndef NARROWSCAN_PROBE_GRABBERS_TLS_CLIENT_H_
#define NARROWSCAN_PROBE_GRABBERS_TLS_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "probe/grabbers/tls_info.h"

namespace narrowscan {

// Shared by all sessions of one engine: RNG and the client configuration.
class TlsClientConfig {
 public:
  static Result<std::shared_ptr<TlsClientConfig>> Create();
  ~TlsClientConfig();
  struct Impl;
  Impl* impl() const { return impl_.get(); }

 private:
  TlsClientConfig();
  std::unique_ptr<Impl> impl_;
};

enum class TlsIo : uint8_t { kOk, kWantRead, kWantWrite, kClosed, kFailed };

class TlsClient {
 public:
  // `fd` must stay open for the client's lifetime; the client never closes it.
  TlsClient(std::shared_ptr<TlsClientConfig> config, int fd);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  TlsIo Handshake();
  // Writes all of data or as much as the socket takes (*written); kOk once all is out.
  TlsIo Write(std::string_view data, size_t* written);
  // Reads up to n bytes; kClosed at close_notify or EOF.
  TlsIo Read(char* buf, size_t n, size_t* got);

  // After a successful handshake: certificate, protocol version and cipher.
  TlsInfo PeerInfo() const;
  // Why the last call failed.
  const std::string& error() const { return error_; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  struct Impl;
  TlsIo Map(int rc);
  static int Send(void* self, const unsigned char* buf, size_t len);
  static int Recv(void* self, unsigned char* buf, size_t len);

  std::shared_ptr<TlsClientConfig> config_;
  std::unique_ptr<Impl> impl_;
  int fd_;
  std::string error_;
  uint64_t bytes_sent_ = 0, bytes_received_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_TLS_CLIENT_H_

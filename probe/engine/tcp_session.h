// TcpSession: one (ip, port) pair over a real TCP connection: connect with a timeout,
// then (unless only port states are wanted) the banner grab: wait for a server-first
// greeting, else speak what the port suggests (TLS, then HTTP over TLS on HTTPS ports;
// RTSP; HTTP). Every read is bounded in bytes (ScanConfig::max_banner_bytes) and in
// time (grab_timeout overall, idle_gap after the last bytes).
//
// Lives on the engine's io_context as a shared_ptr held by its pending handlers; it
// reports exactly once through the done callback (never for Abort()).
//
// Memory: no per-session read buffer. The session waits for readability and reads into
// the engine's shared scratch buffer, keeping only the bytes of the banner, so 2,000
// silent sessions cost little more than their sockets.
#ifndef NARROWSCAN_PROBE_ENGINE_TCP_SESSION_H_
#define NARROWSCAN_PROBE_ENGINE_TCP_SESSION_H_

#include <asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "probe/engine/scan_config.h"
#include "probe/engine/scan_counters.h"
#include "probe/engine/scan_result.h"
#include "probe/grabbers/grabber.h"
#include "probe/grabbers/grabber_selection.h"
#include "probe/grabbers/tls_client.h"

namespace narrowscan {

class TcpSession;

// What all sessions of one engine share. Outlives every session's handlers.
struct SessionEnvironment {
  SessionEnvironment(asio::io_context& io_context, const ScanConfig& scan_config,
                     ScanCounters& scan_counters)
      : io(io_context), config(scan_config), counters(scan_counters) {}
  asio::io_context& io;
  const ScanConfig& config;
  ScanCounters& counters;
  std::shared_ptr<TlsClientConfig> tls;  // null: TLS grabbing unavailable
  std::vector<char> scratch = std::vector<char>(16384);
  uint32_t tls_active = 0;
  std::deque<std::weak_ptr<TcpSession>> tls_waiting;  // FIFO for a TLS slot
};

class TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  using Clock = std::chrono::steady_clock;
  using DoneCallback = std::function<void(TcpSession*, ScanResult&&)>;

  TcpSession(SessionEnvironment& env, Ipv4 ip, uint16_t port, uint64_t position, DoneCallback done);
  ~TcpSession();

  void Start();
  // Takes over a socket that is already connected (ConnectProber found it open).
  void StartConnected(int fd, uint32_t connect_ms);
  // Ends the session without reporting (the address became excluded mid-scan).
  void Abort();
  Ipv4 ip() const { return result_.ip; }

 private:
  enum class Phase : uint8_t { kConnect, kServerFirst, kTlsWait, kTlsHandshake, kReading, kDone };

  void OnConnect(const std::error_code& ec);
  void ArmTimer();
  void OnTimer();
  void WaitReadable();
  void WaitWritable();
  // Both waits: one readiness wait whose handler continues the handshake or reads.
  void Wait(asio::socket_base::wait_type what);
  void ReadAvailable();
  void OnBytes(std::string_view data);
  void SpeakFirst();  // the server stayed silent
  void StartTls();
  void ContinueHandshake();
  void AfterHandshake();
  bool Send(std::string_view data);
  void Finish(std::string note = {});
  void ReleaseTlsSlot();

  SessionEnvironment& env_;
  DoneCallback done_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  Phase phase_ = Phase::kConnect;
  uint32_t wait_generation_ = 0;  // a readiness wait from an earlier phase is stale
  Clock::time_point started_, connected_, grab_deadline_, idle_deadline_, greeting_deadline_;
  SilentPortPlan plan_;
  std::unique_ptr<Grabber> grabber_;
  std::unique_ptr<TlsClient> tls_;
  bool holds_tls_slot_ = false;
  bool any_bytes_ = false;
  ScanResult result_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_TCP_SESSION_H_

// DeviceServer: one listening socket per (host, open port) of a Population, each bound
// to its exact 127.x address, all served by one Asio io_context. Every accepted
// connection is logged and answered the way the host's profile says: a greeting for
// server-first protocols, a response after the request for http/rtsp, a real TLS
// handshake (mbedTLS) followed by the HTTP response for https, silence for "open".
//
// The population is borrowed and must outlive the server; hosts are changed in place
// (ChangeHosts, ApplyChurn: moved, removed, added) and then SyncListeners() opens and
// closes sockets to match. A connection is served from a copy of its host, so a session
// in progress outlives a move or vanish of its host.
#ifndef NARROWSCAN_TESTS_TESTBED_DEVICE_SERVER_H_
#define NARROWSCAN_TESTS_TESTBED_DEVICE_SERVER_H_

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include "common/result.h"
#include "tests/testbed/connection_log.h"
#include "tests/testbed/population.h"
#include "tests/testbed/tls_identity.h"

namespace narrowscan::testbed {

struct SessionRegistry;  // the live sessions of one server

class DeviceServer {
 public:
  struct Counters {
    uint64_t accepted = 0;
    uint64_t tls_handshakes = 0;
    uint64_t replies = 0;
  };

  DeviceServer(asio::io_context* io, Population* population, const TlsIdentities* tls,
               ConnectionLog* log);
  ~DeviceServer();

  // Binds every open port of every host. Fails on the first socket that cannot be
  // bound, naming ip:port and the reason.
  Status Start();
  // Opens listeners for ports opened and hosts placed since, and closes those of ports
  // closed and of hosts that left their address since.
  Status SyncListeners();
  // Closes every listener (sessions in progress finish on their own).
  void Stop();

  size_t listeners() const { return listeners_.size(); }
  const Counters& counters() const { return *counters_; }

  // How long a connection may stay idle before the host hangs up.
  void set_idle_timeout(std::chrono::milliseconds t) { idle_timeout_ = t; }

 private:
  struct Listener;
  Status Bind(const Host& host, const PortSpec* port);
  void Accept(std::shared_ptr<Listener> listener);

  asio::io_context* io_;
  Population* population_;
  const TlsIdentities* tls_;
  ConnectionLog* log_;
  std::chrono::milliseconds idle_timeout_{10000};
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  std::shared_ptr<SessionRegistry> sessions_;
  std::map<std::pair<Ipv4, uint16_t>, std::shared_ptr<Listener>> listeners_;
};

// Raises the soft RLIMIT_NOFILE to the hard limit and checks `needed` descriptors fit.
Status RaiseFileLimit(uint64_t needed);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_DEVICE_SERVER_H_

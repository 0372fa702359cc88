// Testbed: a running simulated population — the device listeners, the ground truth
// file, the connection log, the control channel and the signals, on one io_context.
//
// Control protocol (one command a line on 127.0.0.1:--control, one JSON reply a line):
//   change [N]          change N hosts (default: the spec's change_count), rewrite truth
//   change-ip IP [IP…]  change exactly these hosts
//   churn               one round of the spec's churn mix plus change_count changes
//   change-kind move|vanish|appear [N]   N (default 1) hosts of one churn kind
//   stats               hosts, listeners, connections, replies, TLS handshakes, changes
//   truth               rewrite the ground truth file
//   shutdown            stop the testbed
// Replies: {"ok":true,…} or {"ok":false,"error":"…"}. A change reply lists
// {"ip","kind","host_id","profile",…}: firmware|port-opened|port-closed add
// "port","old_firmware","new_firmware"; move adds "from" (the old address); vanish and
// appear nothing more ("ip" is the address left / taken).
// SIGUSR1 is `change`; SIGTERM and SIGINT stop cleanly.
#ifndef NARROWSCAN_TESTS_TESTBED_TESTBED_H_
#define NARROWSCAN_TESTS_TESTBED_TESTBED_H_

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tests/testbed/connection_log.h"
#include "tests/testbed/control_channel.h"
#include "tests/testbed/device_server.h"
#include "tests/testbed/population.h"
#include "tests/testbed/tls_identity.h"

namespace narrowscan::testbed {

struct TestbedOptions {
  std::string truth_path;  // empty: no ground truth file
  std::string log_path;    // empty: no connection log
  std::string ready_file;  // written once every listener is bound
  int control_port = -1;   // < 0: no control channel; 0: any free port
  bool handle_signals = true;
  std::chrono::milliseconds idle_timeout{10000};  // idle connections are hung up
};

class Testbed {
 public:
  Testbed(asio::io_context* io, Population population, TestbedOptions options);
  ~Testbed();

  // Makes certificates, binds everything, writes truth and ready file. After this the
  // caller runs the io_context; it returns once Stop() has run and sessions ended.
  Status Start();
  void Stop();

  // Runs one control command (see above) and returns its one-line JSON reply.
  std::string Execute(std::string_view command);

  const Population& population() const { return population_; }
  uint16_t control_port() const { return control_.port(); }
  const DeviceServer& server() const { return server_; }

 private:
  std::string ApplyChanges(Result<std::vector<struct HostChange>> changes);
  void WaitForSignal();

  asio::io_context* io_;
  Population population_;
  TestbedOptions options_;
  TlsIdentities tls_;
  ConnectionLog log_;
  DeviceServer server_;
  ControlChannel control_;
  asio::signal_set signals_;
};

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_TESTBED_H_

// FleetCluster: a whole fleet on loopback for the end-to-end tests — a private
// Mosquitto (controller/broker/start-broker), the testbed population, `narrowscan
// serve` and probes (`narrowscan-probe run`) as real processes in a temporary folder.
// Every address involved is 127.x; every process is killed on destruction.
#ifndef NARROWSCAN_TESTS_FLEET_FLEET_CLUSTER_H_
#define NARROWSCAN_TESTS_FLEET_FLEET_CLUSTER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ipv4.h"

namespace narrowscan::fleettest {

struct ProbeSpec {
  std::string id;
  int half;  // 0: the first /23 of the cluster's /22, 1: the second
};

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

// A loopback port nothing is bound to now, in 20000 up to the ephemeral range (so
// the scans' outgoing connections cannot take it first), picked by `salt` and the pid;
// 0 when none is free.
int FreeLoopbackPort(unsigned salt);

class FleetCluster {
 public:
  enum class Broker { kStartNow, kStartLater };
  // `name` names the temporary folder. Fails the current test (ADD_FAILURE) when a
  // part cannot start; check ok() before using it. With Broker::kStartLater the
  // configs name a free port that nothing listens on until StartBroker().
  FleetCluster(const std::string& name, std::vector<ProbeSpec> probes, double rate,
               Broker broker = Broker::kStartNow);
  ~FleetCluster();
  bool ok() const { return ok_; }
  const std::string& dir() const { return dir_; }
  std::string Store() const { return dir_ + "/narrowscan.db"; }

  // `narrowscan ARGS --store <store>` (store appended where the command takes one).
  CommandOutput Narrowscan(const std::vector<std::string>& args, bool with_store = true);

  bool StartController(const std::vector<std::string>& extra_args = {});  // e.g. --http
  void KillController(int signal);
  bool StartProbe(const std::string& id);
  void KillProbe(const std::string& id, int signal);
  bool StartBroker();    // on broker_port() once chosen (start-broker --port)
  bool RestartBroker();  // stop (SIGTERM: persistence saved) and start on the same port
  void KillBroker();
  int broker_port() const { return broker_port_; }

  // Unique (ip, port) pairs the testbed accepted connections on, from line `from` of
  // its connection log; `lines` gets the number of lines read.
  std::set<std::pair<Ipv4, uint16_t>> LoggedConnections(size_t from = 0, size_t* lines = nullptr);
  std::vector<std::pair<Ipv4, uint16_t>> LoggedConnectionList(size_t from = 0);

  // The process's output so far (controller.log, <probe id>.log).
  std::string Log(const std::string& name) const;

  // Publishes as the controller's broker account (mosquitto_pub).
  bool PublishAsController(const std::string& topic, const std::string& payload_file, bool retain);

  std::string ControllerKey() const { return dir_ + "/controller.key"; }
  // The testbed's /22: 127.<100 + pid % 100>.<4 * (pid / 100 % 64)>.0/22, so parallel
  // runs (other tests, the demo) do not fight over the same addresses.
  Ipv4 base() const { return base_; }
  std::string Region(int half) const;

 private:
  pid_t Spawn(const std::vector<std::string>& argv, const std::string& log);
  bool ReserveBrokerPort();
  bool StartTestbed();
  void WriteConfigs(double rate);
  static std::string fmt_name(const std::string& name);

  std::string dir_, bin_dir_, source_dir_;
  std::vector<ProbeSpec> probes_;
  bool ok_ = false;
  int broker_port_ = 0;
  Ipv4 base_ = 0;
  pid_t broker_ = -1, testbed_ = -1, controller_ = -1;
  std::map<std::string, pid_t> probe_pids_;
};

}  // namespace narrowscan::fleettest

#endif  // NARROWSCAN_TESTS_FLEET_FLEET_CLUSTER_H_

#include "tests/fleet/fleet_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace narrowscan::fleettest {

namespace fs = std::filesystem;

namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void StopProcess(pid_t& pid, int signal) {
  if (pid <= 0) return;
  ::kill(pid, signal);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid = -1;
}

}  // namespace

FleetCluster::FleetCluster(const std::string& name, std::vector<ProbeSpec> probes, double rate,
                           Broker broker)
    : probes_(std::move(probes)) {
  const unsigned pid = static_cast<unsigned>(::getpid());
  base_ = (127u << 24) | ((100u + pid % 100) << 16) | ((4u * (pid / 100 % 64)) << 8);
  source_dir_ = Env("NARROWSCAN_SOURCE_DIR", NARROWSCAN_TEST_SOURCE_DIR);
  bin_dir_ = Env("NARROWSCAN_BINARY_DIR", NARROWSCAN_TEST_BINARY_DIR);
  dir_ = (fs::temp_directory_path() / fmt_name(name)).string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const bool broker_up = broker == Broker::kStartNow ? StartBroker() : ReserveBrokerPort();
  if (!broker_up || !StartTestbed()) return;
  auto keys = [&](const std::string& who) {
    return Narrowscan({"keys", "init", "--key", dir_ + "/" + who + ".key", "--pub",
                       dir_ + "/" + who + ".pub"},
                      false)
               .exit_code == 0;
  };
  if (!keys("controller")) {
    ADD_FAILURE() << "keys init failed";
    return;
  }
  for (const ProbeSpec& p : probes_) {
    if (!keys(p.id)) {
      ADD_FAILURE() << "keys init failed";
      return;
    }
    CommandOutput out = Narrowscan({"probes", "add", p.id, "--pubkey", dir_ + "/" + p.id + ".pub",
                                    "--region", Region(p.half)});
    if (out.exit_code != 0) {
      ADD_FAILURE() << "probes add: " << out.out;
      return;
    }
  }
  if (Narrowscan({"targets", "add", FormatIpv4(base_) + "/22"}).exit_code != 0) {
    ADD_FAILURE() << "targets add failed";
    return;
  }
  WriteConfigs(rate);
  ok_ = true;
}

std::string FleetCluster::fmt_name(const std::string& name) {
  return "fleet-" + name + "-" + std::to_string(::getpid());
}

FleetCluster::~FleetCluster() {
  for (auto& [id, pid] : probe_pids_) StopProcess(pid, SIGKILL);
  StopProcess(controller_, SIGKILL);
  StopProcess(testbed_, SIGTERM);
  StopProcess(broker_, SIGTERM);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

pid_t FleetCluster::Spawn(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    // Say why (e.g. ETXTBSY while a build relinks the binary) instead of vanishing.
    std::fprintf(stderr, "fleet_cluster: exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

CommandOutput FleetCluster::Narrowscan(const std::vector<std::string>& args, bool with_store) {
  std::string cmd = bin_dir_ + "/controller/cli/narrowscan";
  for (const std::string& a : args) cmd += " '" + a + "'";
  if (with_store) cmd += " --store '" + Store() + "'";
  cmd += " 2>&1";
  CommandOutput out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.out.append(buf, n);
  const int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

int FreeLoopbackPort(unsigned salt) {
  int ephemeral_first = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_first;
  const int span = std::max(1, ephemeral_first - 20000);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port =
        20000 + static_cast<int>((::getpid() * 7919u + salt + attempt * 104729u) % span);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) ::close(fd);
    if (free) return port;
  }
  return 0;
}

bool FleetCluster::ReserveBrokerPort() {
  // Free now (a bind succeeds) and nothing listens on it until StartBroker().
  broker_port_ = FreeLoopbackPort(0);
  if (broker_port_ == 0) ADD_FAILURE() << "no free loopback port for the broker";
  return broker_port_ != 0;
}

std::string FleetCluster::Log(const std::string& name) const {
  return ReadAll(dir_ + "/" + name + ".log");
}

bool FleetCluster::StartBroker() {
  std::string cmd = source_dir_ + "/controller/broker/start-broker '" + dir_ +
                    "/broker' --controller-password cpw";
  for (const ProbeSpec& p : probes_) cmd += " --probe " + p.id + ":pw-" + p.id;
  if (broker_port_ != 0) cmd += " --port " + std::to_string(broker_port_);
  FILE* f = ::popen(cmd.c_str(), "r");
  char line[256] = {0};
  const bool got = f && std::fgets(line, sizeof line, f) != nullptr;
  const int rc = f ? ::pclose(f) : -1;
  int port = 0, pid = 0;
  if (!got || rc != 0 || std::sscanf(line, "port=%d pid=%d", &port, &pid) != 2) {
    ADD_FAILURE() << "start-broker failed: " << line;
    return false;
  }
  broker_port_ = port;
  broker_ = pid;  // not our child (the script's): stopped by pid with kill()
  return true;
}

void FleetCluster::KillBroker() {
  if (broker_ > 0) {
    ::kill(broker_, SIGTERM);
    for (int i = 0; i < 100 && ::kill(broker_, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    broker_ = -1;
  }
}

bool FleetCluster::RestartBroker() {
  KillBroker();
  return StartBroker();
}

bool FleetCluster::StartTestbed() {
  const std::string ready = dir_ + "/testbed-ready.json";
  testbed_ = Spawn({bin_dir_ + "/tests/testbed/narrowscan-testbed", "--population",
                    source_dir_ + "/tests/testbed/populations/small.toml", "--ranges",
                    FormatIpv4(base_) + "/22", "--log", dir_ + "/connections.jsonl", "--truth",
                    dir_ + "/truth.jsonl", "--ready-file", ready},
                   dir_ + "/testbed.log");
  for (int i = 0; i < 200; ++i) {
    if (fs::exists(ready)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "testbed did not start: " << ReadAll(dir_ + "/testbed.log");
  return false;
}

std::string FleetCluster::Region(int half) const {
  return FormatIpv4(base_ + static_cast<Ipv4>(half) * 512) + "/23";
}

void FleetCluster::WriteConfigs(double rate) {
  std::ofstream c(dir_ + "/controller.toml");
  c << "store = \"narrowscan.db\"\nsigning_key = \"controller.key\"\n"
    << "[mqtt]\nuri = \"tcp://127.0.0.1:" << broker_port_ << "\"\n"
    << "username = \"controller\"\npassword = \"cpw\"\nversion = 5\n"
    << "[plan]\ndiscovery_slices = 4\nmax_deviation = 0.5\nrate = " << rate
    << "\nmax_chunk_bytes = 4096\n"
    << "[rounds]\ndeadline_seconds = 120\n";
  for (const ProbeSpec& p : probes_) {
    std::ofstream f(dir_ + "/" + p.id + ".toml");
    f << "id = \"" << p.id << "\"\nkey = \"" << p.id << ".key\"\n"
      << "controller_pubkey = \"controller.pub\"\nstate_dir = \"state-" << p.id << "\"\n"
      << "scope = [\"" << Region(p.half) << "\"]\n"
      << "default_excludes = false  # loopback is reserved: lab only\n"
      << "status_interval_ms = 300\n"
      << "[mqtt]\nuri = \"tcp://127.0.0.1:" << broker_port_ << "\"\npassword = \"pw-" << p.id
      << "\"\nversion = 4\n"
      << "[scan]\nconnect_timeout_ms = 1000\nserver_first_wait_ms = 300\ngrab_timeout_ms = "
         "1500\nmax_concurrency = 200\n"
      << "[spool]\nbatch_results = 50\nbatch_interval_ms = 200\nresend_after_ms = 2000\n";
  }
}

bool FleetCluster::StartController(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {bin_dir_ + "/controller/cli/narrowscan", "serve", "--config",
                                   dir_ + "/controller.toml"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  controller_ = Spawn(argv, dir_ + "/controller.log");
  return controller_ > 0;
}

void FleetCluster::KillController(int signal) { StopProcess(controller_, signal); }

bool FleetCluster::StartProbe(const std::string& id) {
  probe_pids_[id] =
      Spawn({bin_dir_ + "/probe/narrowscan-probe", "run", "--config", dir_ + "/" + id + ".toml"},
            dir_ + "/" + id + ".log");
  return probe_pids_[id] > 0;
}

void FleetCluster::KillProbe(const std::string& id, int signal) {
  StopProcess(probe_pids_[id], signal);
}

std::vector<std::pair<Ipv4, uint16_t>> FleetCluster::LoggedConnectionList(size_t from) {
  std::vector<std::pair<Ipv4, uint16_t>> out;
  std::ifstream in(dir_ + "/connections.jsonl");
  std::string line;
  for (size_t i = 0; std::getline(in, line); ++i) {
    if (i < from) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("dst_ip")) continue;
    auto ip = ParseIpv4(j["dst_ip"].get<std::string>());
    if (ip.ok()) out.emplace_back(*ip, j["dst_port"].get<uint16_t>());
  }
  return out;
}

std::set<std::pair<Ipv4, uint16_t>> FleetCluster::LoggedConnections(size_t from, size_t* lines) {
  auto list = LoggedConnectionList(from);
  if (lines) *lines = from + list.size();
  return {list.begin(), list.end()};
}

bool FleetCluster::PublishAsController(const std::string& topic, const std::string& payload_file,
                                       bool retain) {
  std::string cmd = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(broker_port_) +
                    " -u controller -P cpw -q 1 -t '" + topic + "' -f '" + payload_file + "'";
  if (retain) cmd += " -r";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace narrowscan::fleettest

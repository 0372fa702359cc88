// The narrowscan-probe binary end to end: exit codes, output files, resume after a
// kill. Targets are 127.77.2x.y with services the tests start.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/probe/service_server.h"

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;
};

class ProbeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("narrowscan-probe-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  Child Spawn(const std::vector<std::string>& args, uid_t as_user = 0) {
    Child c;
    c.out_path = Path("stdout." + std::to_string(spawned_));
    c.err_path = Path("stderr." + std::to_string(spawned_));
    ++spawned_;
    c.pid = ::fork();
    if (c.pid == 0) {
      if (!freopen(c.out_path.c_str(), "w", stdout) || !freopen(c.err_path.c_str(), "w", stderr))
        _exit(99);
      if (as_user != 0 && ::setuid(as_user) != 0) _exit(98);
      std::vector<char*> argv;
      std::string binary = NARROWSCAN_PROBE_BINARY;
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      _exit(97);
    }
    return c;
  }

  static int Wait(const Child& c) {
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  int Run(const std::vector<std::string>& args, std::string* out = nullptr,
          std::string* err = nullptr) {
    const Child c = Spawn(args);
    const int rc = Wait(c);
    if (out) *out = Read(c.out_path);
    if (err) *err = Read(c.err_path);
    return rc;
  }

  static std::vector<nlohmann::json> Lines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) lines.push_back(j);  // a killed run may cut its last line
    }
    return lines;
  }

  fs::path dir_;
  int spawned_ = 0;

 public:
  static int Wait_(const Child& c) { return Wait(c); }
  static std::vector<nlohmann::json> Lines_(const std::string& text) { return Lines(text); }
};

TEST_F(ProbeCli, VersionAndHelp) {
  std::string out;
  EXPECT_EQ(Run({"--version"}, &out), 0);
  EXPECT_EQ(out, "narrowscan-probe 0.1.0\n");
  EXPECT_EQ(Run({"scan", "--help"}, &out), 0);
  EXPECT_NE(out.find("--rate FLOAT=100"), std::string::npos);
  EXPECT_NE(out.find("--max-concurrency UINT=1000"), std::string::npos);
  EXPECT_NE(out.find("--no-default-excludes"), std::string::npos);
}

TEST_F(ProbeCli, BadArgumentsExitTwoBeforeAnyPacket) {
  ServiceServer server;
  const Ipv4 ip = ParseIpv4("127.77.20.1").value();
  const uint16_t port = server.Listen(ip, 0, Personality::kFtp).value();
  server.Start();
  const std::string target = "127.77.20.1", ports = std::to_string(port);
  std::string err;
  EXPECT_EQ(Run({"scan", "--targets", "127.77.20.1/33", "--ports", ports}, nullptr, &err), 2);
  EXPECT_NE(err.find("127.77.20.1/33"), std::string::npos) << err;
  EXPECT_EQ(Run({"scan", "--targets", target, "--ports", ports + ",0", "--no-default-excludes"},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("port 0"), std::string::npos) << err;
  EXPECT_EQ(Run({"scan", "--targets", target, "--ports", "65536", "--no-default-excludes"}), 2);
  EXPECT_EQ(Run({"scan", "--targets", target, "--ports", ports, "--no-default-excludes",
                 "--exclude-file", Path("missing.txt")},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("missing.txt"), std::string::npos) << err;
  EXPECT_EQ(Run({"scan", "--targets", target, "--ports", ports, "--shard", "3/2"}), 2);
  EXPECT_EQ(Run({"scan", "--ports", ports}), 2);  // --targets is required
  EXPECT_EQ(server.total_accepted(), 0u);
}

TEST_F(ProbeCli, DefaultExclusionsProtectLoopbackUnlessTurnedOff) {
  ServiceServer server;
  const Ipv4 ip = ParseIpv4("127.77.20.2").value();
  const uint16_t port = server.Listen(ip, 0, Personality::kSsh).value();
  server.Start();
  std::string out, err;
  EXPECT_EQ(Run({"scan", "--targets", "127.77.20.2", "--ports", std::to_string(port)}, &out, &err),
            0);
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("every target is excluded"), std::string::npos) << err;
  EXPECT_EQ(server.total_accepted(), 0u);
  EXPECT_EQ(Run({"scan", "--targets", "127.77.20.2", "--ports", std::to_string(port),
                 "--no-default-excludes", "--banner-wait", "200"},
                &out, &err),
            0);
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(lines[0]["ip"], "127.77.20.2");
  EXPECT_EQ(lines[0]["port"], port);
  EXPECT_EQ(lines[0]["state"], "open");
  EXPECT_EQ(lines[0]["service"], "ssh");
  EXPECT_EQ(lines[0]["banner"], "SSH-2.0-dropbear_2019.78\r\n");
  EXPECT_NE(err.find("1 open"), std::string::npos) << err;
}

TEST_F(ProbeCli, HostsOutputGroupsPerIp) {
  ServiceServer server;
  const Ipv4 ip = ParseIpv4("127.77.20.3").value();
  const uint16_t a = server.Listen(ip, 0, Personality::kHttp).value();
  const uint16_t b = server.Listen(ip, 0, Personality::kTelnet).value();
  server.Start();
  std::string out;
  ASSERT_EQ(Run({"scan", "--targets", "127.77.20.3-127.77.20.4", "--ports",
                 std::to_string(a) + "," + std::to_string(b), "--no-default-excludes", "--hosts",
                 "--banner-wait", "200", "--output", Path("hosts.jsonl")}),
            0);
  const auto lines = Lines(Read(Path("hosts.jsonl")));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["ip"], "127.77.20.3");
  const std::vector<uint16_t> open = lines[0]["open_ports"];
  EXPECT_EQ(open, (std::vector<uint16_t>{std::min(a, b), std::max(a, b)}));
  ASSERT_EQ(lines[0]["banners"].size(), 2u);
  for (const auto& banner : lines[0]["banners"]) {
    if (banner["port"] == a) {
      EXPECT_EQ(banner["service"], "http");
      EXPECT_NE(banner["banner"].get<std::string>().find("<title>Aterm WG1200HP</title>"),
                std::string::npos);
    } else {
      EXPECT_EQ(banner["service"], "telnet");
      EXPECT_NE(banner["banner"].get<std::string>().find("login: "), std::string::npos);
    }
  }
}

// Resume: a scan stopped by `signal` and run again with the same command finishes the
// same set of pairs; only pairs in flight at the stop (closed ports: very few) or
// after the last periodic checkpoint (SIGKILL) are probed twice. With threads > 1 the
// checkpoint holds one position per thread.
void ResumeAfter(int signal, std::function<std::string(const std::string&)> path,
                 std::function<Child(const std::vector<std::string>&)> spawn,
                 std::function<std::string(const std::string&)> read, size_t max_duplicates,
                 const std::string& threads) {
  const std::vector<std::string> args = {"scan",
                                         "--threads",
                                         threads,
                                         "--targets",
                                         "127.77.21.0/24",
                                         "--ports",
                                         "7,9,13,17",
                                         "--rate",
                                         "400",
                                         "--all-states",
                                         "--no-default-excludes",
                                         "--resume",
                                         path("resume"),
                                         "--output",
                                         path("out.jsonl"),
                                         "--checkpoint-every",
                                         "1",
                                         "--seed",
                                         "99"};
  const Child first = spawn(args);
  std::this_thread::sleep_for(std::chrono::milliseconds(signal == SIGKILL ? 1300 : 500));
  ::kill(first.pid, signal);
  const int rc = ProbeCli::Wait_(first);
  if (signal == SIGKILL) {
    EXPECT_EQ(rc, 128 + SIGKILL);
  } else {
    EXPECT_EQ(rc, 1);  // interrupted
  }
  const auto checkpoint = nlohmann::json::parse(read(path("resume")));
  EXPECT_FALSE(checkpoint["complete"].get<bool>());
  EXPECT_EQ(checkpoint["threads"].get<uint64_t>(), std::stoul(threads));
  ASSERT_EQ(checkpoint["positions"].size(), std::stoul(threads));
  for (const auto& position : checkpoint["positions"]) EXPECT_GT(position.get<uint64_t>(), 0u);
  const size_t after_first = ProbeCli::Lines_(read(path("out.jsonl"))).size();
  EXPECT_GT(after_first, 50u);
  EXPECT_LT(after_first, 1024u);

  const Child second = spawn(args);
  EXPECT_EQ(ProbeCli::Wait_(second), 0) << read(second.err_path);
  EXPECT_TRUE(nlohmann::json::parse(read(path("resume")))["complete"].get<bool>());
  std::multiset<std::pair<std::string, int>> all;
  for (const auto& j : ProbeCli::Lines_(read(path("out.jsonl")))) {
    all.insert({j["ip"].get<std::string>(), j["port"].get<int>()});
  }
  std::set<std::pair<std::string, int>> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 1024u);
  EXPECT_LE(all.size() - unique.size(), max_duplicates);
  // A third run has nothing left to do.
  const Child third = spawn(args);
  EXPECT_EQ(ProbeCli::Wait_(third), 0);
  EXPECT_NE(read(third.err_path).find("already complete"), std::string::npos);
}

TEST_F(ProbeCli, ResumeAfterSigterm) {
  ResumeAfter(
      SIGTERM, [this](const std::string& n) { return Path(n); },
      [this](const std::vector<std::string>& a) { return Spawn(a); }, Read, 16, "1");
}

TEST_F(ProbeCli, ResumeAfterSigtermWithTwoThreads) {
  ResumeAfter(
      SIGTERM, [this](const std::string& n) { return Path(n); },
      [this](const std::vector<std::string>& a) { return Spawn(a); }, Read, 16, "2");
}

TEST_F(ProbeCli, ResumeAfterSigkill) {
  // Up to one checkpoint interval (1 s at 400/s) plus the tick may be redone.
  ResumeAfter(
      SIGKILL, [this](const std::string& n) { return Path(n); },
      [this](const std::vector<std::string>& a) { return Spawn(a); }, Read, 600, "2");
}

TEST_F(ProbeCli, ResumeRefusesAnotherScan) {
  std::string err;
  ASSERT_EQ(Run({"scan", "--targets", "127.77.22.0/30", "--ports", "7", "--no-default-excludes",
                 "--resume", Path("resume"), "--output", Path("out")}),
            0);
  EXPECT_EQ(Run({"scan", "--targets", "127.77.22.0/29", "--ports", "7", "--no-default-excludes",
                 "--resume", Path("resume"), "--output", Path("out")},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("other targets or ports"), std::string::npos) << err;
  // Each thread walks its own sub-shard: a checkpoint resumes only with its threads.
  ASSERT_EQ(Run({"scan", "--targets", "127.77.22.0/30", "--ports", "7", "--no-default-excludes",
                 "--threads", "2", "--resume", Path("resume2"), "--output", Path("out")}),
            0);
  EXPECT_EQ(Run({"scan", "--targets", "127.77.22.0/30", "--ports", "7", "--no-default-excludes",
                 "--threads", "1", "--resume", Path("resume2"), "--output", Path("out")},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("--threads 2"), std::string::npos) << err;
}

// A resume file that could never be saved is refused before the first packet, and one
// whose position lies past the end of the scan is refused instead of silently clamped.
TEST_F(ProbeCli, ResumeRefusesAnUnwritablePathAndPositionsPastTheEnd) {
  std::string err;
  EXPECT_EQ(Run({"scan", "--targets", "127.77.24.0/30", "--ports", "7", "--no-default-excludes",
                 "--resume", Path("no/such/folder/resume"), "--output", Path("out")},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("no/such/folder/resume: the resume file cannot be written"), std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(Path("out"))) << "the scan did not start";

  ASSERT_EQ(Run({"scan", "--targets", "127.77.24.0/30", "--ports", "7", "--no-default-excludes",
                 "--resume", Path("resume"), "--output", Path("out")}),
            0);
  auto checkpoint = nlohmann::json::parse(Read(Path("resume")));
  for (auto& position : checkpoint["positions"]) position = 1000000;  // one per thread
  checkpoint["complete"] = false;
  std::ofstream(Path("resume")) << checkpoint.dump();
  EXPECT_EQ(Run({"scan", "--targets", "127.77.24.0/30", "--ports", "7", "--no-default-excludes",
                 "--resume", Path("resume"), "--output", Path("out")},
                nullptr, &err),
            2);
  EXPECT_NE(err.find("position 1000000"), std::string::npos) << err;
  EXPECT_NE(err.find("is past the end of the scan"), std::string::npos) << err;
}

TEST_F(ProbeCli, SynWithoutRawSocketsFailsClearly) {
  if (::geteuid() != 0) {
    std::string err;
    EXPECT_EQ(
        Run({"scan", "--targets", "127.77.23.1", "--ports", "7", "--no-default-excludes", "--syn"},
            nullptr, &err),
        2);
    EXPECT_NE(err.find("CAP_NET_RAW"), std::string::npos) << err;
    return;
  }
  // As root: run the child as 'nobody', which lacks CAP_NET_RAW.
  const Child c =
      Spawn({"scan", "--targets", "127.77.23.1", "--ports", "7", "--no-default-excludes", "--syn"},
            65534);
  EXPECT_EQ(Wait(c), 2);
  EXPECT_NE(Read(c.err_path).find("CAP_NET_RAW"), std::string::npos) << Read(c.err_path);
}

}  // namespace
}  // namespace narrowscan

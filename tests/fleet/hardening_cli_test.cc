// Issue 14 through the real `narrowscan` binary: read-only commands refuse a store that
// does not exist, set-up commands create a private one, a config error names file, line
// and key (exit 2), and a second `serve` on a store in use exits 1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string err;
};

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

// A loopback port nobody listens on (bound, then released).
int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class HardeningCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ns-hardening-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `narrowscan ARGS` under umask 022 (a common default that leaves files world-readable).
  Outcome Run(const std::string& args) {
    const std::string cmd = "cd '" + dir_.string() + "' && umask 022 && " + NARROWSCAN_CLI + " " +
                            args + " </dev/null >/dev/null 2>'" + (dir_ / "stderr").string() + "'";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Read(dir_ / "stderr")};
  }

  fs::path dir_;
};

TEST_F(HardeningCli, ReadOnlyCommandsRefuseAStoreThatDoesNotExist) {
  for (const char* command : {"probes list", "targets list", "exclude list", "round status",
                              "plan show --probe p1", "profiles list", "report", "curate list"}) {
    const Outcome o = Run(std::string(command) + " --store missing.db");
    EXPECT_EQ(o.code, 2) << command << ": " << o.err;
    EXPECT_NE(o.err.find("store 'missing.db' does not exist"), std::string::npos)
        << command << ": " << o.err;
    EXPECT_FALSE(fs::exists(dir_ / "missing.db")) << command << " created an empty store";
  }
}

TEST_F(HardeningCli, SetUpCommandsCreateAPrivateStore) {
  const Outcome o = Run("targets add 127.0.0.0/24 --store private/new/ns.db");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(ModeOf(dir_ / "private/new/ns.db"), 0600u);
  EXPECT_EQ(ModeOf(dir_ / "private"), 0700u);
  EXPECT_EQ(ModeOf(dir_ / "private/new"), 0700u);
  EXPECT_EQ(Run("targets list --store private/new/ns.db").code, 0);
  ASSERT_EQ(Run("keys init --key c.key --pub c.pub").code, 0);
  EXPECT_EQ(ModeOf(dir_ / "c.key"), 0600u);
  EXPECT_FALSE(fs::exists(dir_ / "c.key.tmp"));
}

// `ingest` as `estimate`: malformed records are reported with FILE:LINE (control
// characters escaped) and make the exit code 2 unless --skip-invalid.
TEST_F(HardeningCli, IngestWithMalformedRecordsExitsTwoUnlessSkipInvalid) {
  std::ofstream(dir_ / "scan.jsonl") << R"({"ip":"127.0.0.1","open_ports":[80]})"
                                     << "\n"
                                     << R"({"ip":"127.0.0.999","open_ports":[80]})"
                                     << "\n"
                                     << "\x1b[2J not json\n";
  Outcome o = Run("ingest scan.jsonl --format hosts-jsonl --store ns.db");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("scan.jsonl:2: \"ip\": bad IPv4 address"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("scan.jsonl:3: not valid JSON"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("2 malformed records"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos);
  o = Run("ingest scan.jsonl --format hosts-jsonl --store ns.db --skip-invalid");
  EXPECT_EQ(o.code, 0) << o.err;
}

TEST_F(HardeningCli, ServeRefusesAConfigItDoesNotUnderstand) {
  std::ofstream(dir_ / "controller.toml") << "store = \"ns.db\"\n[plan]\nrat = 5\n";
  const Outcome o = Run("serve --config controller.toml");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("controller.toml:3: unknown key 'plan.rat' (did you mean 'plan.rate'?)"),
            std::string::npos)
      << o.err;
}

TEST_F(HardeningCli, ServeRefusesABadHttpListenAddressNamingIt) {
  std::ofstream(dir_ / "controller.toml") << "store = \"ns.db\"\n";
  const Outcome flag = Run("serve --config controller.toml --http 127.0.0.1:99999");
  EXPECT_EQ(flag.code, 2) << flag.err;
  EXPECT_NE(flag.err.find("--http '127.0.0.1:99999': PORT must be a number 1..65535"),
            std::string::npos)
      << flag.err;
  std::ofstream(dir_ / "controller.toml")
      << "store = \"ns.db\"\n[http]\nlisten = \"localhost:9100\"\n";
  const Outcome key = Run("serve --config controller.toml");
  EXPECT_EQ(key.code, 2) << key.err;
  EXPECT_NE(key.err.find("controller.toml:3"), std::string::npos) << key.err;
  EXPECT_NE(key.err.find("'localhost:9100': ADDR must be an IPv4 address"), std::string::npos)
      << key.err;
}

TEST_F(HardeningCli, ASecondServeOnTheSameStoreExits1) {
  ASSERT_EQ(Run("keys init --key controller.key --pub controller.pub").code, 0);
  ASSERT_EQ(Run("targets add 127.0.0.0/24 --store ns.db").code, 0);
  std::ofstream(dir_ / "controller.toml")
      << "store = \"ns.db\"\nsigning_key = \"controller.key\"\n[mqtt]\nuri = \"tcp://127.0.0.1:"
      << UnusedPort() << "\"\n";
  const std::string config = (dir_ / "controller.toml").string();
  const std::string log = (dir_ / "first.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const char* argv[] = {NARROWSCAN_CLI, "serve", "--config", config.c_str(), nullptr};
  pid_t first = 0;
  ASSERT_EQ(
      posix_spawn(&first, NARROWSCAN_CLI, &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  // The first controller holds the lock once its pid is in the lock file.
  const std::string pid = std::to_string(first) + "\n";
  for (int i = 0; i < 200 && Read(dir_ / "ns.db.lock") != pid; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(Read(dir_ / "ns.db.lock"), pid) << Read(log);

  const Outcome second = Run("serve --config controller.toml");
  EXPECT_EQ(second.code, 1) << second.err;
  EXPECT_NE(second.err.find("is in use by another controller (pid " + std::to_string(first) + ")"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(ModeOf(dir_ / "ns.db.lock"), 0600u);

  ::kill(first, SIGTERM);
  int status = 0;
  ::waitpid(first, &status, 0);
  // The lock goes with its holder: the next controller starts (and is stopped at once).
  std::ofstream(dir_ / "again.sh")
      << NARROWSCAN_CLI << " serve --config " << config << " >/dev/null 2>"
      << (dir_ / "again.log").string() << " & pid=$!; "
      << "sleep 1; kill -0 $pid && kill $pid; wait $pid\n";
  const int again = std::system(("sh " + (dir_ / "again.sh").string()).c_str());
  EXPECT_EQ(Read(dir_ / "again.log").find("in use"), std::string::npos) << Read(dir_ / "again.log");
  (void)again;
}

}  // namespace
}  // namespace narrowscan

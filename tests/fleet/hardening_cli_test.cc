// Issue 14 through the real `narrowscan` binary: read-only commands refuse a store that
// does not exist, set-up commands create a private one, a config error names file, line
// and key (exit 2).
#include <gtest/gtest.h>
#include <fcntl.h>
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
    const std::string cmd = "cd '" + dir_.string() + "' && umask 022 && " + NARROWSCAN_CLI +
                            " " + args + " </dev/null >/dev/null 2>'" + (dir_ / "stderr").string() +
                            "'";
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

TEST_F(HardeningCli, ServeRefusesAConfigItDoesNotUnderstand) {
  std::ofstream(dir_ / "controller.toml") << "store = \"ns.db\"\n[plan]\nrat = 5\n";
  const Outcome o = Run("serve --config controller.toml");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("controller.toml:3: unknown key 'plan.rat' (did you mean 'plan.rate'?)"),
            std::string::npos)
      << o.err;
}

}  // namespace
}  // namespace narrowscan

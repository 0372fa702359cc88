// A store holds an inventory of exposed devices: created 0600 (and so its -wal and -shm
// files) with 0700 folders whatever the umask; the atomic-write helper keeps its mode
// and leaves no temporary file behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "controller/store/store.h"

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

class PrivateFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ns-private-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    old_umask_ = ::umask(0);  // the most permissive umask: modes must not depend on it
  }
  void TearDown() override {
    ::umask(old_umask_);
    fs::remove_all(dir_);
  }
  fs::path dir_;
  mode_t old_umask_ = 022;
};

TEST_F(PrivateFiles, NewStoreAndItsFoldersArePrivate) {
  const fs::path path = dir_ / "a" / "b" / "ns.db";
  auto store = Store::Open(path.string());
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_TRUE((*store)->Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  ASSERT_TRUE(fs::exists(path.string() + "-wal"));
  EXPECT_EQ(ModeOf(path.string() + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(path.string() + "-shm"), 0600u);
  EXPECT_EQ(ModeOf(dir_ / "a"), 0700u);
  EXPECT_EQ(ModeOf(dir_ / "a" / "b"), 0700u);
}

TEST_F(PrivateFiles, AnExistingStoreKeepsItsModeAndFolder) {
  const fs::path path = dir_ / "ns.db";
  {
    auto store = Store::Open(path.string());
    ASSERT_TRUE(store.ok());
  }
  ::chmod(path.c_str(), 0640);  // the operator's choice (a group of readers)
  auto again = Store::Open(path.string());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(ModeOf(path), 0640u);
}

TEST_F(PrivateFiles, AtomicWriteReplacesWithTheGivenModeAndNoLeftovers) {
  const fs::path path = dir_ / "state.json";
  std::ofstream(path) << "old";
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(WriteFileAtomically(path.string(), "new").ok());
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "new");
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  ASSERT_TRUE(WriteFileAtomically((dir_ / "pub.pem").string(), "k", 0644).ok());
  EXPECT_EQ(ModeOf(dir_ / "pub.pem"), 0644u);

  Status missing = WriteFileAtomically((dir_ / "no" / "such" / "f").string(), "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no/such/f.tmp"), std::string::npos) << missing.error();
}

}  // namespace
}  // namespace narrowscan

// `narrowscan estimate` and `narrowscan db …` through the real binary: exit codes,
// files written, messages with line numbers.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string out, err;
};

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class EstimationCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ns-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const char* src = std::getenv("NARROWSCAN_SOURCE_DIR");
    source_ = src ? src : "";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  fs::path Path(const std::string& name) const { return dir_ / name; }

  // Runs `narrowscan ARGS` with stdin from `input` (a file under dir_, or /dev/null).
  Outcome Run(const std::string& args, const std::string& input = "") {
    const std::string in = input.empty() ? "/dev/null" : (dir_ / input).string();
    const std::string cmd = std::string(NARROWSCAN_CLI) + " " + args + " <" + in + " >" +
                            (dir_ / "stdout").string() + " 2>" + (dir_ / "stderr").string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Read(dir_ / "stdout"),
            Read(dir_ / "stderr")};
  }

  fs::path dir_;
  std::string source_;
};

constexpr char kDb[] = R"(
[[device]]
id = "acme-cam"
vendor = "Acme"
type = "camera"
ports = [80, 554]
[[device.keyword]]
field = "http.server"
regex = '^AcmeCam/(?P<version>[\d.]+)'
weight = 1.0
[[device.example]]
banner = "HTTP/1.0 200 OK\r\nServer: AcmeCam/2.1\r\n\r\n"
expect = { version = "2.1", level = 3 }
)";

TEST_F(EstimationCli, EstimateReportsBadLinesAndExitCode) {
  Write("db.toml", kDb);
  Write(
      "hosts.jsonl",
      R"({"ip":"127.0.0.1","open_ports":[80],"banners":[{"port":80,"banner":"HTTP/1.0 200 OK\r\nServer: AcmeCam/2.1\r\n\r\n"}]})"
      "\n{broken\n\n"
      R"({"ip":"127.0.0.2","open_ports":[22]})"
      "\n");
  const Outcome o = Run("estimate --db " + Path("db.toml").string() + " --input " +
                        Path("hosts.jsonl").string() + " --output " + Path("est.jsonl").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("hosts.jsonl:2: not valid JSON, skipped"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("2 hosts (1 banners), 1 estimated"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("banners/s"), std::string::npos);
  std::istringstream lines(Read(Path("est.jsonl")));
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  const auto a = nlohmann::json::parse(first);
  EXPECT_EQ(a["matches"][0]["device"], "acme-cam");
  EXPECT_EQ(a["matches"][0]["version"], "2.1");
  EXPECT_EQ(a["matches"][0]["port_score"], 0.5);
  EXPECT_EQ(nlohmann::json::parse(second)["matches"].size(), 0u);

  // Clean input through stdin and stdout: exit 0; alpha and threshold are used.
  Write("good.jsonl", R"({"ip":"127.0.0.3","open_ports":[80,554]})"
                      "\n");
  const Outcome ports =
      Run("estimate --db " + Path("db.toml").string() + " --alpha 0 --threshold 0.9", "good.jsonl");
  EXPECT_EQ(ports.code, 0) << ports.err;
  EXPECT_EQ(nlohmann::json::parse(ports.out)["matches"][0]["port_score"], 1.0);
}

// A flood of bad lines is counted, not echoed line by line; a NUL byte cuts no line short.
TEST_F(EstimationCli, ManyBadLinesArePrintedOnlyUpToACap) {
  Write("db.toml", kDb);
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{broken\n";
  text += std::string(R"({"ip":"127.0.0.1","open_ports":[80]})") + '\0' + "tail\n";
  Write("hosts.jsonl", text);
  const Outcome o = Run("estimate --db " + Path("db.toml").string() + " --max-reported 3 --input " +
                        Path("hosts.jsonl").string() + " --output " + Path("est.jsonl").string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("hosts.jsonl:3: not valid JSON, skipped"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("hosts.jsonl:4:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("… 498 more bad lines not shown"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("501 bad input lines skipped"), std::string::npos) << o.err;
  EXPECT_EQ(Read(Path("est.jsonl")), "") << "the cut line is not estimated";
}

TEST_F(EstimationCli, EstimateRefusesBadDbAndUsage) {
  Write("bad.toml",
        "[[device]]\nid = \"x\"\ntype = \"toaster\"\n[[device.keyword]]\nregex='a'\nweight=1\n");
  const Outcome bad = Run("estimate --db " + Path("bad.toml").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.toml:3: device 'x': unknown type 'toaster'"), std::string::npos)
      << bad.err;
  EXPECT_EQ(Run("estimate --alpha 2").code, 2);
  EXPECT_EQ(Run("estimate --db " + Path("missing.toml").string()).code, 2);
  EXPECT_EQ(Run("estimate --help").code, 0);
}

TEST_F(EstimationCli, DbTestPassesAndFails) {
  Write("db.toml", kDb);
  const Outcome ok = Run("db test " + Path("db.toml").string());
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("1/1 examples passed"), std::string::npos) << ok.out;
  std::string failing = kDb;
  failing.replace(failing.find("version = \"2.1\""), 15, "version = \"9.9\"");
  Write("fail.toml", failing);
  const Outcome fail = Run("db test --json " + Path("fail.toml").string());
  EXPECT_EQ(fail.code, 1);
  const auto doc = nlohmann::json::parse(fail.out);
  EXPECT_EQ(doc["failed"], 1);
  EXPECT_NE(doc["failures"][0].get<std::string>().find("expects version '9.9', got '2.1'"),
            std::string::npos);
}

TEST_F(EstimationCli, DefaultDbIsFoundAndPasses) {
  if (source_.empty() || !fs::is_directory(fs::path(source_) / "controller/devices")) {
    GTEST_SKIP() << "controller/devices not found under NARROWSCAN_SOURCE_DIR";
  }
  const Outcome o = Run("db test default --require-examples");
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  Write("db.toml", kDb);
  Write(
      "hosts.jsonl",
      R"({"ip":"127.0.0.1","banners":[{"port":80,"banner":"HTTP/1.0 200 OK\r\nServer: AcmeCam/2.1\r\n\r\n"}]})"
      "\n");
  const Outcome both = Run("estimate --db default --db " + Path("db.toml").string(), "hosts.jsonl");
  EXPECT_EQ(both.code, 0) << both.err;
  EXPECT_NE(both.out.find("acme-cam"), std::string::npos);
}

TEST_F(EstimationCli, ImportsWriteDbsThatLoad) {
  const fs::path fixtures = fs::path(source_) / "tests/importers/fixtures";
  if (source_.empty() || !fs::is_directory(fixtures)) GTEST_SKIP() << "fixtures not found";
  const Outcome recog = Run("db import recog " + (fixtures / "recog_sample.xml").string() + " -o " +
                            Path("recog.toml").string());
  EXPECT_EQ(recog.code, 0) << recog.err;
  EXPECT_NE(recog.err.find("recog import:"), std::string::npos);
  const Outcome test = Run("db test " + Path("recog.toml").string());
  EXPECT_EQ(test.code, 0) << test.out;

  const Outcome nmap =
      Run("db import nmap --json " + (fixtures / "nmap-service-probes-sample").string() + " -o " +
          Path("nmap.toml").string());
  EXPECT_EQ(nmap.code, 0) << nmap.err;
  const auto summary = nlohmann::json::parse(nmap.err);
  EXPECT_GT(summary["imported"].get<int>(), 0);
  Write(
      "hosts.jsonl",
      R"({"ip":"127.0.0.1","banners":[{"port":21,"banner":"220 ProFTPD 1.3.5 Server (Debian)\r\n"}]})"
      "\n");
  const Outcome est = Run("estimate --db " + Path("nmap.toml").string(), "hosts.jsonl");
  EXPECT_EQ(est.code, 0) << est.err;
  EXPECT_NE(est.out.find("\"product\":\"ProFTPD\""), std::string::npos) << est.out;
  EXPECT_NE(est.out.find("\"version\":\"1.3.5\""), std::string::npos) << est.out;

  EXPECT_EQ(Run("db import nmap " + Path("none").string()).code, 1);
  EXPECT_EQ(Run("db import").code, 2);
}

}  // namespace
}  // namespace narrowscan

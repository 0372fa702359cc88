// Pure parts of the testbed: templates, population specs, placement, host changes,
// scan output formats, and the shipped population files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/testbed/ground_truth.h"
#include "tests/testbed/host_reply.h"
#include "tests/testbed/population.h"
#include "tests/testbed/population_spec.h"
#include "tests/testbed/response_template.h"
#include "tests/testbed/scan_output.h"

namespace narrowscan::testbed {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("NARROWSCAN_SOURCE_DIR");
  return dir != nullptr ? dir : NARROWSCAN_TEST_SOURCE_DIR;
}

constexpr char kSpec[] = R"(
[population]
name = "unit"
ranges = ["127.199.0.0/24"]
seed = 7
change_count = 3

[[profile]]
id = "cam"
vendor = "Hikvision"
type = "camera"
product = "DS-2CD2142FWD-I"
model = "DS-2CD2142FWD-I"
firmware = "V5.4.5"
firmware_updates = ["V5.5.0"]
count = 20
oui = "C0:56:E3"
  [[profile.port]]
  port = 80
  protocol = "http"
  status = "HTTP/1.1 401 Unauthorized"
  headers = ["Date: ${date}", "Server: App-webs/", "ETag: \"${etag}\"", "Content-Length: ${content_length}", 'WWW-Authenticate: Digest realm="DS-2CD2142FWD-I", nonce="${nonce}"']
  body = "<html><title>Document Error: Unauthorized</title> fw ${firmware}</html>"
  [[profile.port]]
  port = 554
  protocol = "rtsp"
  status = "RTSP/1.0 401 Unauthorized"
  headers = ["CSeq: ${cseq}"]
  body = ""
  [[profile.port]]
  port = 8000
  protocol = "open"
  open = false

[[profile]]
id = "router"
vendor = "MikroTik"
type = "router"
firmware = "6.49.10"
count = 10
  [[profile.port]]
  port = 23
  protocol = "telnet"
  greeting = "${bytes:FFFD18}MikroTik v${firmware} (stable)\r\nLogin: "
  [[profile.port]]
  port = 21
  protocol = "ftp"
  greeting = "220 MikroTik FTP server (MikroTik ${firmware}) ready\r\n"

[[profile]]
id = "mail"
noise = true
count = 5
  [[profile.port]]
  port = 25
  protocol = "smtp"
  greeting = "220 mail${host_hex:4}.example.net ESMTP Postfix\r\n"
)";

Population MakePopulation(double scale = 1.0, uint64_t seed = 0) {
  auto spec = ParsePopulationSpec(kSpec, "unit.toml");
  EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error());
  PopulationOptions options;
  options.scale = scale;
  options.seed = seed;
  auto population = BuildPopulation(std::move(*spec), options);
  EXPECT_TRUE(population.ok()) << (population.ok() ? "" : population.error());
  return std::move(*population);
}

TEST(ResponseTemplate, RendersFieldsAndEscapes) {
  auto t = ResponseTemplate::Compile("a$$b ${bytes:FFFB01} ${ip} ${firmware} ${cseq}");
  ASSERT_TRUE(t.ok()) << t.error();
  RenderContext c;
  c.ip = "127.1.2.3";
  c.firmware = "1.0";
  c.cseq = "9";
  EXPECT_EQ(t->Render(c), std::string("a$b \xff\xfb\x01 127.1.2.3 1.0 9"));
  EXPECT_TRUE(t->UsesFirmware());
}

TEST(ResponseTemplate, RefusesBadFields) {
  for (const char* bad : {"${nope}", "${date", "$x", "${bytes:F}", "${bytes:ZZ}", "${hex}",
                          "${hex:0}", "${date:3}"}) {
    auto t = ResponseTemplate::Compile(bad);
    EXPECT_FALSE(t.ok()) << bad;
  }
  auto t = ResponseTemplate::Compile("ok ${nope}");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().find("offset 3"), std::string::npos) << t.error();
  EXPECT_NE(t.error().find("nope"), std::string::npos) << t.error();
}

TEST(ResponseTemplate, PerHostFieldsAreStablePerRequestFieldsVary) {
  auto t = ResponseTemplate::Compile("${etag}|${serial:6}|${host_hex_upper:8}|${nonce}|${session}");
  ASSERT_TRUE(t.ok());
  RenderContext a, b;
  a.host_entropy = 1, a.request_entropy = 10;
  b.host_entropy = 1, b.request_entropy = 11;
  std::string ra = t->Render(a), rb = t->Render(b);
  EXPECT_EQ(ra.substr(0, ra.rfind('|', ra.rfind('|') - 1)),
            rb.substr(0, rb.rfind('|', rb.rfind('|') - 1)));
  EXPECT_NE(ra, rb);
  RenderContext other = a;
  other.host_entropy = 2;
  EXPECT_NE(t->Render(other).substr(0, 10), ra.substr(0, 10));
  EXPECT_EQ(ra.size(), 17u + 1 + 6 + 1 + 8 + 1 + 32 + 1 + 32);
}

TEST(ResponseTemplate, HttpDateFormat) {
  std::string out;
  AppendHttpDate(0, &out);
  EXPECT_EQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(PopulationSpec, ErrorsNameFileAndLine) {
  auto bad_key = ParsePopulationSpec(
      "[population]\nranges=[\"127.1.0.0/24\"]\n[[profile]]\nid=\"a\"\ncount=1\ncolour=1\n",
      "x.toml");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.error().find("x.toml:6"), std::string::npos) << bad_key.error();
  EXPECT_NE(bad_key.error().find("colour"), std::string::npos);

  auto outside = ParsePopulationSpec("[population]\nranges=[\"10.0.0.0/24\"]\n", "y.toml");
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().find("127.0.0.0/8"), std::string::npos) << outside.error();

  auto no_cert = ParsePopulationSpec(
      "[population]\nranges=[\"127.1.0.0/24\"]\n[[profile]]\nid=\"a\"\ncount=1\n"
      "[[profile.port]]\nport=443\nprotocol=\"https\"\nstatus=\"HTTP/1.1 200 OK\"\n",
      "z.toml");
  ASSERT_FALSE(no_cert.ok());
  EXPECT_NE(no_cert.error().find("tls_subject"), std::string::npos) << no_cert.error();

  auto bad_template = ParsePopulationSpec(
      "[population]\nranges=[\"127.1.0.0/24\"]\n[[profile]]\nid=\"a\"\ncount=1\n"
      "[[profile.port]]\nport=21\nprotocol=\"ftp\"\ngreeting=\"220 ${what}\"\n",
      "t.toml");
  ASSERT_FALSE(bad_template.ok());
  EXPECT_NE(bad_template.error().find("t.toml:9"), std::string::npos) << bad_template.error();
}

TEST(PopulationSpec, UnknownKeyNamesTheNearestKnownOne) {
  auto typo =
      ParsePopulationSpec("[population]\nranges=[\"127.1.0.0/24\"]\nchange_cout=2\n", "u.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().find("u.toml:3: unknown key 'change_cout' (did you mean 'change_count'?)"),
            std::string::npos)
      << typo.error();
  auto raw =
      ParsePopulationSpec("[population]\nranges=[\"127.1.0.0/24\"]\n\"a\\u001b[2J\"=1\n", "v.toml");
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.error().find('\x1b'), std::string::npos) << "control characters are escaped";
}

TEST(Population, PlacementIsDeterministicAndInsideTheRanges) {
  Population a = MakePopulation(), b = MakePopulation();
  ASSERT_EQ(a.hosts.size(), 35u);
  std::set<Ipv4> seen;
  for (size_t i = 0; i < a.hosts.size(); ++i) {
    EXPECT_EQ(a.hosts[i].ip, b.hosts[i].ip);
    EXPECT_EQ(a.hosts[i].profile, b.hosts[i].profile);
    EXPECT_EQ(a.hosts[i].ip >> 8, (127u << 16) | (199u << 8));  // inside 127.199.0.0/24
    EXPECT_NE(a.hosts[i].ip & 0xff, 0u);
    EXPECT_NE(a.hosts[i].ip & 0xff, 255u);
    EXPECT_TRUE(seen.insert(a.hosts[i].ip).second);
    if (i > 0) {
      EXPECT_LT(a.hosts[i - 1].ip, a.hosts[i].ip);
    }
  }
  Population c = MakePopulation(1.0, 99);
  size_t same = 0;
  for (size_t i = 0; i < a.hosts.size(); ++i) same += a.hosts[i].ip == c.hosts[i].ip;
  EXPECT_LT(same, a.hosts.size());
  // Closed-at-start ports are not open.
  for (const Host& h : a.hosts) {
    if (a.ProfileOf(h).id == "cam") {
      EXPECT_EQ(h.open_ports, (std::vector<uint16_t>{80, 554}));
    }
  }
}

TEST(Population, ScaleMultipliesCountsAndRefusesOverflow) {
  Population half = MakePopulation(0.5);
  EXPECT_EQ(half.hosts.size(), 10u + 5u + 3u);  // 2.5 rounds to 3
  auto spec = ParsePopulationSpec(kSpec, "unit.toml");
  ASSERT_TRUE(spec.ok());
  PopulationOptions options;
  options.scale = 10;  // 350 hosts into 254 addresses
  auto too_many = BuildPopulation(std::move(*spec), options);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().find("do not fit"), std::string::npos) << too_many.error();
}

TEST(Population, ChangesAreDeterministicAndNeverTouchNoise) {
  Population a = MakePopulation(), b = MakePopulation();
  std::vector<HostChange> ca = ChangeHosts(&a, 8), cb = ChangeHosts(&b, 8);
  ASSERT_EQ(ca.size(), 8u);
  ASSERT_EQ(cb.size(), 8u);
  for (size_t i = 0; i < ca.size(); ++i) {
    EXPECT_EQ(ca[i].ip, cb[i].ip);
    EXPECT_EQ(ca[i].kind, cb[i].kind);
    const Host& host = *a.Find(ca[i].ip);
    EXPECT_FALSE(a.ProfileOf(host).noise);
    EXPECT_EQ(host.revision, 1u);
    switch (ca[i].kind) {
      case ChangeKind::kFirmware:
        EXPECT_EQ(host.firmware, "V5.5.0");
        break;
      case ChangeKind::kPortOpened:
        EXPECT_TRUE(std::binary_search(host.open_ports.begin(), host.open_ports.end(), ca[i].port));
        break;
      case ChangeKind::kPortClosed:
        EXPECT_FALSE(
            std::binary_search(host.open_ports.begin(), host.open_ports.end(), ca[i].port));
        EXPECT_FALSE(host.open_ports.empty());
        break;
      case ChangeKind::kMove:
      case ChangeKind::kVanish:
      case ChangeKind::kAppear:
        ADD_FAILURE() << "ChangeHosts never churns";
        break;
    }
  }
  // A second round picks again (from the round counter), not the same hosts in order.
  std::vector<HostChange> again = ChangeHosts(&a, 8);
  EXPECT_EQ(again.size(), 8u);
  auto named = ChangeHostsAt(&a, {a.hosts.front().ip});
  EXPECT_TRUE(named.ok() || named.error().find("cannot change") != std::string::npos);
  auto missing = ChangeHostsAt(&a, {0x7f010101});
  EXPECT_FALSE(missing.ok());
}

TEST(HostReply, ContentLengthMatchesBodyAndTwinsDiffer) {
  Population p = MakePopulation();
  std::vector<const Host*> cams;
  for (const Host& h : p.hosts) {
    if (p.ProfileOf(h).id == "cam") cams.push_back(&h);
  }
  ASSERT_GE(cams.size(), 2u);
  std::string r1, r2, r3, scratch;
  ReplyRequest req{1700000000, 1, "1"};
  RenderReply(p, *cams[0], *p.Port(*cams[0], 80), req, &r1, &scratch);
  req.entropy = 2;
  RenderReply(p, *cams[0], *p.Port(*cams[0], 80), req, &r2, &scratch);
  req.entropy = 1;
  RenderReply(p, *cams[1], *p.Port(*cams[1], 80), req, &r3, &scratch);
  const size_t split = r1.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string body = r1.substr(split + 4);
  EXPECT_NE(r1.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos)
      << r1;
  auto header = [](const std::string& r, const std::string& name) {
    size_t at = r.find(name);
    return r.substr(at, r.find("\r\n", at) - at);
  };
  EXPECT_NE(header(r1, "nonce="), header(r2, "nonce="));  // per request
  EXPECT_EQ(header(r1, "ETag:"), header(r2, "ETag:"));    // per host
  EXPECT_NE(header(r1, "ETag:"), header(r3, "ETag:"));    // twins differ
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Generate(const Population& p, ScanFormat format, ScanOutputStats* stats) {
  const std::string path =
      ::testing::TempDir() + "/scan_output_" + std::to_string(static_cast<int>(format));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  auto s = WriteScanOutput(p, format, 1700000000, f);
  std::fclose(f);
  EXPECT_TRUE(s.ok());
  *stats = *s;
  return Slurp(path);
}

TEST(ScanOutput, HostsJsonlParsesAndCarriesEveryBanner) {
  Population p = MakePopulation();
  ScanOutputStats stats;
  std::istringstream lines(Generate(p, ScanFormat::kHostsJsonl, &stats));
  std::string line;
  size_t hosts = 0, banners = 0, base64 = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    const Host& h = *p.Find(*ParseIpv4(j["ip"].get<std::string>()));
    EXPECT_EQ(j["open_ports"].get<std::vector<uint16_t>>(), h.open_ports);
    for (const auto& b : j["banners"]) {
      ++banners;
      if (b.contains("banner_b64")) ++base64;  // Telnet IAC bytes are not UTF-8
      if (b["service"] == "ftp") {
        EXPECT_EQ(b["banner"], "220 MikroTik FTP server (MikroTik 6.49.10) ready\r\n");
      }
    }
    ++hosts;
  }
  EXPECT_EQ(hosts, p.hosts.size());
  EXPECT_EQ(banners, stats.banners);
  EXPECT_EQ(banners, 20u * 2 + 10u * 2 + 5u);
  EXPECT_EQ(base64, 10u);
}

TEST(ScanOutput, MasscanJsonAndListParse) {
  Population p = MakePopulation();
  ScanOutputStats stats;
  auto records = nlohmann::json::parse(Generate(p, ScanFormat::kMasscanJson, &stats));
  size_t open = 0, banners = 0;
  for (const auto& r : records) {
    const auto& port = r["ports"][0];
    if (port.contains("status")) ++open;
    if (port.contains("service")) {
      ++banners;
      EXPECT_FALSE(port["service"]["banner"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(open, 20u * 2 + 10u * 2 + 5u);
  EXPECT_EQ(banners, stats.banners);

  std::istringstream lines(Generate(p, ScanFormat::kMasscanList, &stats));
  std::string line;
  size_t open_lines = 0, banner_lines = 0;
  std::getline(lines, line);
  EXPECT_EQ(line, "#masscan");
  std::string last;
  while (std::getline(lines, line)) {
    last = line;
    if (line.rfind("open tcp ", 0) == 0) ++open_lines;
    if (line.rfind("banner tcp ", 0) == 0) {
      ++banner_lines;
      EXPECT_EQ(line.find('\r'), std::string::npos);  // escaped as \x0d
    }
  }
  EXPECT_EQ(last, "# end");
  EXPECT_EQ(open_lines, open);
  EXPECT_EQ(banner_lines, banners);
}

TEST(GroundTruth, OneParsableLinePerHost) {
  Population p = MakePopulation();
  const std::string path = ::testing::TempDir() + "/truth.jsonl";
  ASSERT_TRUE(WriteGroundTruth(p, path).ok());
  std::istringstream lines(Slurp(path));
  std::string line;
  size_t n = 0, noise = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j["label"].contains("profile"));
    EXPECT_TRUE(j["label"].contains("firmware"));
    noise += j["noise"].get<bool>();
    ++n;
  }
  EXPECT_EQ(n, p.hosts.size());
  EXPECT_EQ(noise, 5u);
}

// The shipped populations: big enough, many real profiles, the paper's type order.
TEST(ShippedPopulations, DefaultAndSmallMeetTheirContract) {
  for (auto [file, min_hosts, min_profiles] :
       {std::tuple{"default.toml", 2000u, 40u}, std::tuple{"small.toml", 300u, 20u}}) {
    auto spec = LoadPopulationSpec(SourceDir() + "/tests/testbed/populations/" + file);
    ASSERT_TRUE(spec.ok()) << spec.error();
    auto population = BuildPopulation(std::move(*spec), {});
    ASSERT_TRUE(population.ok()) << population.error();
    std::map<std::string, size_t> by_type;
    size_t iot_profiles = 0, iot_hosts = 0;
    for (const Profile& pr : population->spec.profiles) iot_profiles += !pr.noise;
    for (const Host& h : population->hosts) {
      const Profile& pr = population->ProfileOf(h);
      if (pr.noise) continue;
      ++iot_hosts;
      ++by_type[pr.label.type];
    }
    EXPECT_GE(iot_hosts, min_hosts) << file;
    EXPECT_GE(iot_profiles, min_profiles) << file;
    EXPECT_GT(by_type["router"], by_type["camera"]) << file;
    EXPECT_GT(by_type["camera"], by_type["dvr"]) << file;
    EXPECT_GT(by_type["dvr"], by_type["nas"]) << file;
    EXPECT_GT(by_type["nas"], by_type["nvr"]) << file;
    EXPECT_GT(by_type["nvr"], by_type["utm"]) << file;
    EXPECT_GT(by_type["utm"], 0u) << file;
    EXPECT_GT(population->hosts.size(), iot_hosts) << file << ": needs noise hosts";
  }
}

// The churning populations: a regional scan's mix (mostly hosts no device DB knows,
// many of them not IoT) of the promised size, within the descriptor budget, with churn.
TEST(ShippedPopulations, RealisticAndSmallChurnMeetTheirContract) {
  for (auto [file, min_hosts, max_hosts, min_move] :
       {std::tuple{"realistic.toml", 1400u, 1700u, 0.015},
        std::tuple{"small-churn.toml", 250u, 350u, 0.04}}) {
    auto spec = LoadPopulationSpec(SourceDir() + "/tests/testbed/populations/" + file);
    ASSERT_TRUE(spec.ok()) << spec.error();
    EXPECT_GE(spec->churn.move, min_move) << file;
    EXPECT_GT(spec->churn.vanish, 0) << file;
    EXPECT_GT(spec->churn.appear, 0) << file;
    EXPECT_FALSE(spec->silent.empty()) << file;
    auto population = BuildPopulation(std::move(*spec), {});
    ASSERT_TRUE(population.ok()) << population.error();
    const size_t hosts = population->hosts.size();
    EXPECT_GE(hosts, min_hosts) << file;
    EXPECT_LE(hosts, max_hosts) << file;
    size_t noise = 0, listeners = 0;
    std::set<std::string> types;
    for (const Host& h : population->hosts) {
      const Profile& pr = population->ProfileOf(h);
      noise += pr.noise;
      if (!pr.noise) types.insert(pr.label.type);
      listeners += h.open_ports.size();
    }
    EXPECT_GT(noise, hosts / 2) << file << ": most of a regional scan is not IoT";
    EXPECT_LT(listeners, 6000u) << file;
    for (const char* type : {"router", "camera", "dvr", "nvr", "nas"}) {
      EXPECT_EQ(types.count(type), 1u) << file << " lacks " << type;
    }
  }
}

}  // namespace
}  // namespace narrowscan::testbed

namespace narrowscan::testbed {
namespace {

// The binary's generate mode and its exit codes (0 ok, 2 bad input).
TEST(Cli, GenerateWritesParsableOutputAndRefusesBadInput) {
  const std::string binary = NARROWSCAN_TESTBED_BINARY;
  const std::string out = ::testing::TempDir() + "/cli_generate.jsonl";
  const std::string truth = ::testing::TempDir() + "/cli_truth.jsonl";
  const std::string population = SourceDir() + "/tests/testbed/populations/small.toml";
  const std::string ok = binary + " generate --population " + population +
                         " --max-banners 100 --output " + out + " --truth " + truth +
                         " 2>/dev/null";
  ASSERT_EQ(std::system(ok.c_str()), 0) << ok;
  std::istringstream lines(Slurp(out));
  std::string line;
  size_t banners = 0;
  while (std::getline(lines, line)) banners += nlohmann::json::parse(line)["banners"].size();
  EXPECT_EQ(banners, 100u);
  EXPECT_FALSE(Slurp(truth).empty());
  auto exit_code = [](const std::string& command) {
    int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(exit_code(binary + " --help"), 0);
  EXPECT_EQ(
      exit_code(binary + " generate --population " + population + " --format xml --output " + out),
      2);
  EXPECT_EQ(exit_code(binary + " generate --population /nonexistent.toml --output " + out), 2);
  EXPECT_EQ(exit_code(binary + " --population " + population + " --scale -1"), 2);
}

}  // namespace
}  // namespace narrowscan::testbed

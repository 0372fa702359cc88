// The running testbed against real sockets on loopback: banners, varying fields, TLS
// handshakes (mbedTLS client), the connection log, changes by control command and by
// SIGUSR1, churn (moved, vanished and appeared hosts at their sockets), and the ground
// truth rewritten after a change.
#include <gtest/gtest.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <signal.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/testbed/testbed.h"

namespace narrowscan::testbed {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// A /24 of its own per test process, so parallel ctest runs never collide.
std::string TestRange() {
  const unsigned pid = static_cast<unsigned>(getpid());
  return "127." + std::to_string(200 + pid % 50) + "." + std::to_string((pid / 50) % 256) + ".0/24";
}

std::string Spec() {
  return R"(
[population]
ranges = [")" +
         TestRange() + R"("]
seed = 11
change_count = 2
churn = { move = 0.25, vanish = 0.125, appear = 0.125 }   # of 8 hosts: 2, 1, 1

[[profile]]
id = "cam"
vendor = "Hikvision"
type = "camera"
model = "DS-2CD2142FWD-I"
firmware = "V5.4.5"
firmware_updates = ["V5.5.0"]
count = 4
  [[profile.port]]
  port = 80
  protocol = "http"
  status = "HTTP/1.1 401 Unauthorized"
  headers = ["Date: ${date}", "Server: App-webs/", "ETag: \"${etag}\"", "Content-Length: ${content_length}", 'WWW-Authenticate: Digest realm="DS-2CD2142FWD-I", nonce="${nonce}"']
  body = "<html>fw ${firmware}</html>"
  [[profile.port]]
  port = 554
  protocol = "rtsp"
  status = "RTSP/1.0 200 OK"
  headers = ["CSeq: ${cseq}", "Server: Rtsp Server/3.0"]
  body = ""
  [[profile.port]]
  port = 8000
  protocol = "open"
  open = false

[[profile]]
id = "nas"
vendor = "Synology"
type = "nas"
count = 2
tls_subject = "CN=synology,OU=FTP Team,O=Synology Inc.,L=Taipei,ST=Taiwan,C=TW"
tls_issuer = "CN=Synology Inc. CA,OU=Certificate Authority,O=Synology Inc.,L=Taipei,ST=Taiwan,C=TW"
  [[profile.port]]
  port = 5001
  protocol = "https"
  status = "HTTP/1.1 200 OK"
  headers = ["Server: nginx", "Content-Length: ${content_length}"]
  body = "<title>DS918+ - Synology DiskStation</title>"

[[profile]]
id = "router"
vendor = "MikroTik"
type = "router"
firmware = "6.49.10"
count = 2
  [[profile.port]]
  port = 23
  protocol = "telnet"
  greeting = "${bytes:FFFD18}MikroTik v${firmware} (stable)\r\nLogin: "
  reply = "\r\nLogin: "
)";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TestbedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = ParsePopulationSpec(Spec(), "server-test.toml");
    ASSERT_TRUE(spec.ok()) << spec.error();
    auto population = BuildPopulation(std::move(*spec), {});
    ASSERT_TRUE(population.ok()) << population.error();
    dir_ = ::testing::TempDir() + "/testbed-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    TestbedOptions options;
    options.truth_path = dir_ + "/truth.jsonl";
    options.log_path = dir_ + "/connections.jsonl";
    options.ready_file = dir_ + "/ready.json";
    options.control_port = 0;
    options.idle_timeout = 2s;
    std::remove(options.log_path.c_str());
    testbed_ = std::make_unique<Testbed>(&io_, std::move(*population), options);
    Status started = testbed_->Start();
    ASSERT_TRUE(started.ok()) << started.error();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (testbed_) asio::post(io_, [this] { testbed_->Stop(); });
    if (thread_.joinable()) thread_.join();  // returns once every session has ended
    testbed_.reset();
  }

  // Runs `f` on the io thread and waits for it (the population is owned there).
  template <class F>
  auto OnIo(F f) {
    std::promise<decltype(f())> done;
    asio::post(io_, [&] { done.set_value(f()); });
    return done.get_future().get();
  }

  std::vector<std::string> HostsOf(const std::string& profile) {
    return OnIo([&] {
      std::vector<std::string> ips;
      for (const Host& h : testbed_->population().hosts) {
        if (testbed_->population().ProfileOf(h).id == profile) ips.push_back(h.ip_text);
      }
      return ips;
    });
  }

  // Connects, sends `request` (may be empty), reads until the peer closes or `wait`.
  static std::string Exchange(const std::string& ip, uint16_t port, const std::string& request,
                              std::chrono::milliseconds wait = 1500ms) {
    asio::io_context io;
    tcp::socket s(io);
    s.connect({asio::ip::make_address(ip), port});
    if (!request.empty()) asio::write(s, asio::buffer(request));
    std::string out;
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + wait;
    s.non_blocking(true);
    while (std::chrono::steady_clock::now() < deadline) {
      asio::error_code ec;
      size_t n = s.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      if (ec) break;
      out.append(buffer, n);
    }
    return out;
  }

  static bool Refused(const std::string& ip, uint16_t port) {
    asio::io_context io;
    tcp::socket s(io);
    asio::error_code ec;
    s.connect({asio::ip::make_address(ip), port}, ec);
    return ec == asio::error::connection_refused;
  }

  std::string Control(const std::string& command) {
    asio::io_context io;
    tcp::socket s(io);
    s.connect({asio::ip::address_v4::loopback(), testbed_->control_port()});
    asio::write(s, asio::buffer(command + "\n"));
    asio::streambuf reply;
    asio::read_until(s, reply, '\n');
    std::string line(asio::buffers_begin(reply.data()), asio::buffers_end(reply.data()));
    return line.substr(0, line.find('\n'));
  }

  asio::io_context io_;
  std::unique_ptr<Testbed> testbed_;
  std::thread thread_;
  std::string dir_;
};

TEST_F(TestbedServer, ReadyFileAndTruthAreWritten) {
  auto ready = nlohmann::json::parse(Slurp(dir_ + "/ready.json"));
  EXPECT_EQ(ready["hosts"], 8);
  EXPECT_EQ(ready["listeners"], 4 * 2 + 2 + 2);
  EXPECT_EQ(ready["control_port"], testbed_->control_port());
  EXPECT_EQ(ready["scope"], nlohmann::json::array({TestRange()}));
  std::istringstream truth(Slurp(dir_ + "/truth.jsonl"));
  std::string line;
  int lines = 0;
  while (std::getline(truth, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_FALSE(j["open_ports"].empty());
    ++lines;
  }
  EXPECT_EQ(lines, 8);
}

TEST_F(TestbedServer, HttpAnswersWithVaryingFields) {
  std::vector<std::string> cams = HostsOf("cam");
  ASSERT_EQ(cams.size(), 4u);
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string a = Exchange(cams[0], 80, get), b = Exchange(cams[0], 80, get),
              c = Exchange(cams[1], 80, get);
  ASSERT_EQ(a.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << a;
  EXPECT_NE(a.find("Server: App-webs/\r\n"), std::string::npos);
  EXPECT_NE(a.find("Content-Length: 22\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("\r\n\r\n<html>fw V5.4.5</html>"), std::string::npos) << a;
  auto field = [](const std::string& r, const std::string& name) {
    size_t at = r.find(name);
    return at == std::string::npos ? std::string() : r.substr(at, r.find("\r\n", at) - at);
  };
  EXPECT_NE(field(a, "nonce="), field(b, "nonce="));
  EXPECT_EQ(field(a, "ETag:"), field(b, "ETag:"));
  EXPECT_NE(field(a, "ETag:"), field(c, "ETag:"));
  EXPECT_FALSE(field(a, "Date: ").empty());
}

TEST_F(TestbedServer, ServerFirstGreetingsRtspAndClosedPorts) {
  std::vector<std::string> routers = HostsOf("router");
  ASSERT_EQ(routers.size(), 2u);
  std::string telnet = Exchange(routers[0], 23, "", 500ms);
  EXPECT_EQ(telnet, std::string("\xff\xfd\x18MikroTik v6.49.10 (stable)\r\nLogin: "));
  std::string rtsp =
      Exchange(HostsOf("cam")[0], 554, "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 42\r\n\r\n");
  EXPECT_EQ(rtsp, "RTSP/1.0 200 OK\r\nCSeq: 42\r\nServer: Rtsp Server/3.0\r\n\r\n");
  EXPECT_TRUE(Refused(HostsOf("cam")[0], 8000));  // declared but closed at start
  EXPECT_TRUE(Refused(routers[0], 80));
}

TEST_F(TestbedServer, TlsHandshakeShowsTheProfileCertificate) {
  const std::string ip = HostsOf("nas")[0];
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address(ip), 5001});
  const int fd = s.native_handle();

  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config config;
  mbedtls_ssl_context ssl;
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  mbedtls_ssl_config_init(&config);
  mbedtls_ssl_init(&ssl);
  ASSERT_EQ(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0), 0);
  ASSERT_EQ(mbedtls_ssl_config_defaults(&config, MBEDTLS_SSL_IS_CLIENT,
                                        MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT),
            0);
  mbedtls_ssl_conf_authmode(&config, MBEDTLS_SSL_VERIFY_NONE);  // names matter, not trust
  mbedtls_ssl_conf_rng(&config, mbedtls_ctr_drbg_random, &drbg);
  ASSERT_EQ(mbedtls_ssl_setup(&ssl, &config), 0);
  auto send = [](void* ctx, const unsigned char* b, size_t n) -> int {
    return static_cast<int>(::write(*static_cast<int*>(ctx), b, n));
  };
  auto recv = [](void* ctx, unsigned char* b, size_t n) -> int {
    return static_cast<int>(::read(*static_cast<int*>(ctx), b, n));
  };
  int fd_copy = fd;
  mbedtls_ssl_set_bio(&ssl, &fd_copy, send, recv, nullptr);
  ASSERT_EQ(mbedtls_ssl_handshake(&ssl), 0);
  const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&ssl);
  ASSERT_NE(peer, nullptr);
  char name[512];
  ASSERT_GT(mbedtls_x509_dn_gets(name, sizeof(name), &peer->subject), 0);
  // mbedTLS prints the DER order (C first): the reverse of the profile's RFC 4514 string.
  EXPECT_STREQ(name, "C=TW, ST=Taiwan, L=Taipei, O=Synology Inc., OU=FTP Team, CN=synology");
  ASSERT_GT(mbedtls_x509_dn_gets(name, sizeof(name), &peer->issuer), 0);
  EXPECT_STREQ(
      name,
      "C=TW, ST=Taiwan, L=Taipei, O=Synology Inc., OU=Certificate Authority, CN=Synology Inc. CA");
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(mbedtls_ssl_write(&ssl, reinterpret_cast<const unsigned char*>(get.data()), get.size()),
            static_cast<int>(get.size()));
  std::string response;
  unsigned char buffer[2048];
  int n;
  while ((n = mbedtls_ssl_read(&ssl, buffer, sizeof(buffer))) > 0) {
    response.append(reinterpret_cast<char*>(buffer), static_cast<size_t>(n));
  }
  EXPECT_EQ(response,
            "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 44\r\n\r\n"
            "<title>DS918+ - Synology DiskStation</title>");
  mbedtls_ssl_free(&ssl);
  mbedtls_ssl_config_free(&config);
  mbedtls_ctr_drbg_free(&drbg);
  mbedtls_entropy_free(&entropy);
}

TEST_F(TestbedServer, ConnectionLogRecordsEachConnection) {
  const std::string ip = HostsOf("router")[1];
  Exchange(ip, 23, "", 200ms);
  Exchange(ip, 23, "", 200ms);
  std::istringstream log(Slurp(dir_ + "/connections.jsonl"));
  std::string line;
  int matching = 0;
  while (std::getline(log, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["src"], "127.0.0.1");
    EXPECT_TRUE(j.contains("time"));
    if (j["dst_ip"] == ip && j["dst_port"] == 23) ++matching;
  }
  EXPECT_EQ(matching, 2);
}

TEST_F(TestbedServer, ControlChangeAltersBannersPortsAndTruth) {
  auto reply = nlohmann::json::parse(Control("change 4"));
  ASSERT_TRUE(reply["ok"]) << reply;
  ASSERT_EQ(reply["changed"].size(), 4u);
  const std::string truth = Slurp(dir_ + "/truth.jsonl");
  for (const auto& c : reply["changed"]) {
    const std::string ip = c["ip"];
    const std::string kind = c["kind"];
    const uint16_t port = c["port"];
    if (kind == "port-opened") {
      EXPECT_FALSE(Refused(ip, port)) << ip << ":" << port;
    } else if (kind == "port-closed") {
      EXPECT_TRUE(Refused(ip, port)) << ip << ":" << port;
    } else {
      EXPECT_EQ(c["new_firmware"], "V5.5.0");
      std::string r = Exchange(ip, 80, "GET / HTTP/1.0\r\n\r\n");
      EXPECT_NE(r.find("fw V5.5.0"), std::string::npos) << r;
    }
    // The truth file was rewritten with the change.
    size_t at = truth.find("\"ip\":\"" + ip + "\"");
    ASSERT_NE(at, std::string::npos);
    std::string line = truth.substr(at, truth.find('\n', at) - at);
    EXPECT_NE(line.find("\"revision\":1"), std::string::npos) << line;
  }
  EXPECT_FALSE(nlohmann::json::parse(Control("change x"))["ok"]);
  EXPECT_FALSE(nlohmann::json::parse(Control("frobnicate"))["ok"]);
  auto stats = nlohmann::json::parse(Control("stats"));
  EXPECT_EQ(stats["change_rounds"], 1);
}

TEST_F(TestbedServer, ChurnMovesVanishesAndAddsHostsAtTheirSockets) {
  // What a host of this spec says on `port` when asked (empty when nothing came back).
  auto probe = [](const std::string& ip, uint16_t port) -> std::string {
    switch (port) {
      case 80:
        return Exchange(ip, port, "GET / HTTP/1.0\r\n\r\n");
      case 554:
        return Exchange(ip, port, "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n");
      case 23:
        return Exchange(ip, port, "", 300ms);
      default:
        return "(tls)";  // 5001: that the listener accepts is the point here
    }
  };
  struct Seen {
    std::string ip;
    std::vector<uint16_t> ports;
  };
  auto snapshot = [&] {
    return OnIo([&] {
      std::map<uint64_t, Seen> by_id;
      for (const Host& h : testbed_->population().hosts) by_id[h.id] = {h.ip_text, h.open_ports};
      return by_id;
    });
  };
  const std::map<uint64_t, Seen> before = snapshot();
  auto reply = nlohmann::json::parse(Control("churn"));
  ASSERT_TRUE(reply["ok"]) << reply;
  const std::map<uint64_t, Seen> after = snapshot();
  std::map<std::string, int> kinds;
  const std::string truth = Slurp(dir_ + "/truth.jsonl");
  for (const auto& c : reply["changed"]) {
    const std::string kind = c["kind"], ip = c["ip"];
    const uint64_t id = c["host_id"];
    ++kinds[kind];
    EXPECT_TRUE(c.contains("profile")) << c;
    if (kind == "move") {
      const std::string from = c["from"];
      EXPECT_EQ(before.at(id).ip, from);
      EXPECT_EQ(after.at(id).ip, ip);
      EXPECT_EQ(after.at(id).ports, before.at(id).ports);
      for (uint16_t port : after.at(id).ports) {
        EXPECT_TRUE(Refused(from, port)) << "moved away from " << from << ":" << port;
        EXPECT_FALSE(Refused(ip, port)) << "moved to " << ip << ":" << port;
        EXPECT_FALSE(probe(ip, port).empty()) << ip << ":" << port;
      }
      EXPECT_NE(truth.find("\"ip\":\"" + ip + "\",\"host_id\":" + std::to_string(id) + ","),
                std::string::npos)
          << truth;
      EXPECT_EQ(truth.find("\"ip\":\"" + from + "\""), std::string::npos);
    } else if (kind == "vanish") {
      EXPECT_EQ(after.count(id), 0u);
      for (uint16_t port : before.at(id).ports) EXPECT_TRUE(Refused(ip, port)) << ip << ":" << port;
      EXPECT_EQ(truth.find("\"ip\":\"" + ip + "\""), std::string::npos);
    } else if (kind == "appear") {
      EXPECT_EQ(before.count(id), 0u);
      ASSERT_EQ(after.count(id), 1u);
      for (uint16_t port : after.at(id).ports) {
        EXPECT_FALSE(probe(ip, port).empty()) << ip << ":" << port;
      }
      EXPECT_NE(truth.find("\"ip\":\"" + ip + "\",\"host_id\":" + std::to_string(id) + ","),
                std::string::npos);
    }
  }
  EXPECT_EQ(kinds["move"], 2);
  EXPECT_EQ(kinds["vanish"], 1);
  EXPECT_EQ(kinds["appear"], 1);
  EXPECT_EQ(kinds["firmware"] + kinds["port-opened"] + kinds["port-closed"], 2);  // change_count

  // Explicit kinds, and bad ones named.
  auto moved = nlohmann::json::parse(Control("change-kind move 1"));
  ASSERT_TRUE(moved["ok"]) << moved;
  ASSERT_EQ(moved["changed"].size(), 1u);
  EXPECT_EQ(moved["changed"][0]["kind"], "move");
  auto bad_kind = nlohmann::json::parse(Control("change-kind teleport 1"));
  EXPECT_FALSE(bad_kind["ok"]);
  EXPECT_NE(bad_kind["error"].get<std::string>().find("teleport"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(Control("change-kind vanish -1"))["ok"]);
  EXPECT_FALSE(nlohmann::json::parse(Control("churn 3"))["ok"]);
  auto stats = nlohmann::json::parse(Control("stats"));
  EXPECT_EQ(stats["change_rounds"], 2);
  EXPECT_EQ(stats["hosts"], 8);  // one gone, one new
}

TEST_F(TestbedServer, Sigusr1ChangesTheConfiguredNumberOfHosts) {
  ::kill(getpid(), SIGUSR1);
  // Wait until the io thread has handled the signal.
  for (int i = 0; i < 200 && OnIo([&] { return testbed_->population().changes_applied; }) == 0;
       ++i) {
    std::this_thread::sleep_for(10ms);
  }
  int changed = OnIo([&] {
    int n = 0;
    for (const Host& h : testbed_->population().hosts) n += h.revision > 0;
    return n;
  });
  EXPECT_EQ(changed, 2);  // change_count
}

}  // namespace
}  // namespace narrowscan::testbed

// ScanEngine against real services on 127.77.x.y (tests start them; loopback only).
#include "probe/engine/scan_engine.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "tests/probe/service_server.h"

namespace narrowscan {
namespace {

using std::chrono::milliseconds;

Ipv4 Ip(const char* text) { return ParseIpv4(text).value(); }

RangeSet Range(const char* text) { return RangeSet({ParseIpv4Range(text).value()}); }

ScanConfig FastConfig() {
  ScanConfig c;
  c.rate = 5000;
  c.max_concurrency = 200;
  c.connect_timeout = milliseconds(1000);
  c.server_first_wait = milliseconds(300);
  c.grab_timeout = milliseconds(3000);
  c.idle_gap = milliseconds(300);
  c.seed = 7;
  return c;
}

struct ScanRun {
  std::vector<ScanResult> results;
  ScanCounters::Snapshot counters{};
  uint64_t checkpoint = 0;          // lane 0's
  std::vector<uint64_t> positions;  // every lane's
  double seconds = 0;
};

// Runs a scan to the end; `during` runs on the io thread after `after`.
ScanRun Scan(ScanConfig config, TargetSpace space,
             std::function<void(ScanEngine&)> during = nullptr,
             milliseconds after = milliseconds(0)) {
  asio::io_context io;
  ScanRun run;
  ScanEngine engine(io, std::move(config), std::move(space),
                    [&](ScanResult&& r) { run.results.push_back(std::move(r)); });
  const auto start = std::chrono::steady_clock::now();
  Status s = engine.Start([] {});
  EXPECT_TRUE(s.ok()) << s.error();
  asio::steady_timer timer(io);
  if (during) {
    timer.expires_after(after);
    timer.async_wait([&](const std::error_code& ec) {
      if (!ec) during(engine);
    });
  }
  io.run();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.counters = engine.counters().Read();
  run.checkpoint = engine.CheckpointPositions().front();
  run.positions = engine.CheckpointPositions();
  return run;
}

const ScanResult* Find(const ScanRun& run, Ipv4 ip, uint16_t port) {
  for (const auto& r : run.results) {
    if (r.ip == ip && r.port == port) return &r;
  }
  return nullptr;
}

TEST(ScanEngine, EachGrabberAgainstItsServer) {
  ServiceServer server;
  const Ipv4 ip = Ip("127.77.1.1");
  std::map<Personality, uint16_t> ports;
  for (Personality p :
       {Personality::kFtp, Personality::kSsh, Personality::kSmtp, Personality::kPop3,
        Personality::kImap, Personality::kTelnet, Personality::kHttp}) {
    auto port = server.Listen(ip, 0, p);
    ASSERT_TRUE(port.ok()) << port.error();
    ports[p] = *port;
  }
  // Client-first protocols chosen by port: RTSP and HTTPS on their usual alternates.
  auto rtsp = server.Listen(Ip("127.77.1.2"), 8554, Personality::kRtsp);
  auto https = server.Listen(Ip("127.77.1.3"), 8443, Personality::kHttps);
  if (!rtsp.ok() || !https.ok()) GTEST_SKIP() << "ports 8554/8443 on 127.77.1.x are taken";
  server.Start();

  TargetSpace space;
  std::vector<uint16_t> list;
  for (auto& [p, port] : ports) list.push_back(port);
  space.AddSegment(RangeSet({{ip, ip}}), list);
  space.AddSegment(Range("127.77.1.2"), {8554});
  space.AddSegment(Range("127.77.1.3"), {8443});
  const ScanRun run = Scan(FastConfig(), space);
  ASSERT_EQ(run.results.size(), list.size() + 2);

  auto expect = [&](Ipv4 at, uint16_t port, const char* service, const std::string& needle) {
    const ScanResult* r = Find(run, at, port);
    ASSERT_NE(r, nullptr) << service;
    EXPECT_EQ(r->state, PortState::kOpen) << service;
    EXPECT_EQ(r->service, service);
    EXPECT_NE(r->banner.find(needle), std::string::npos) << service << ": " << r->banner;
    EXPECT_LE(r->banner.size(), 4096u);
  };
  expect(ip, ports[Personality::kFtp], "ftp", "220 (vsFTPd 3.0.3)\r\n");
  expect(ip, ports[Personality::kSsh], "ssh", "SSH-2.0-dropbear_2019.78");
  expect(ip, ports[Personality::kSmtp], "smtp", "ESMTP Exim 4.94.2");
  expect(ip, ports[Personality::kPop3], "pop3", "+OK Dovecot ready.");
  expect(ip, ports[Personality::kImap], "imap", "* OK [CAPABILITY IMAP4rev1");
  // The server sends the prompt only after exactly the expected refusals.
  expect(ip, ports[Personality::kTelnet], "telnet", "BusyBox v1.31.1 built-in shell\r\nlogin: ");
  expect(ip, ports[Personality::kHttp], "http", "<title>Aterm WG1200HP</title>");
  expect(ip, ports[Personality::kHttp], "http", "Server: lighttpd/1.4.59");
  EXPECT_NE(server.last_request(ip, ports[Personality::kHttp])
                .find("GET / HTTP/1.1\r\nHost: 127.77.1.1:" +
                      std::to_string(ports[Personality::kHttp]) + "\r\n"),
            std::string::npos);
  expect(Ip("127.77.1.2"), 8554, "rtsp", "Server: Hikvision-Webs");
  EXPECT_EQ(server.last_request(Ip("127.77.1.2"), 8554).rfind("OPTIONS rtsp://127.77.1.2:8554/", 0),
            0u);
  expect(Ip("127.77.1.3"), 8443, "http", "<title>AXIS M3045-V Network Camera</title>");
  const ScanResult* tls = Find(run, Ip("127.77.1.3"), 8443);
  ASSERT_TRUE(tls && tls->tls);
  EXPECT_EQ(tls->tls->subject, ServiceServer::kCertificateSubject);
  EXPECT_EQ(tls->tls->issuer, ServiceServer::kCertificateIssuer);
  EXPECT_EQ(tls->tls->serial, "0a1b2c3d");
  EXPECT_EQ(tls->tls->not_before, "2024-01-01T00:00:00Z");
  EXPECT_EQ(tls->tls->sha256_fingerprint, server.certificate_sha256());
  EXPECT_FALSE(tls->tls->version.empty());
  EXPECT_EQ(run.counters.open, list.size() + 2);
  EXPECT_GT(run.counters.bytes_sent, 0u);
  EXPECT_GT(run.counters.bytes_received, 0u);
}

TEST(ScanEngine, SilentServerEndsAtTheGrabTimeout) {
  ServiceServer server;
  const Ipv4 ip = Ip("127.77.2.1");
  auto port = server.Listen(ip, 0, Personality::kSilent);
  ASSERT_TRUE(port.ok());
  server.Start();
  ScanConfig c = FastConfig();
  c.server_first_wait = milliseconds(200);
  c.grab_timeout = milliseconds(800);
  TargetSpace space;
  space.AddSegment(RangeSet({{ip, ip}}), {*port});
  const ScanRun run = Scan(c, space);
  ASSERT_EQ(run.results.size(), 1u);
  const ScanResult& r = run.results[0];
  EXPECT_EQ(r.state, PortState::kOpen);
  EXPECT_EQ(r.service, "http");  // it spoke HTTP after the server-first wait
  EXPECT_TRUE(r.banner.empty());
  EXPECT_GE(r.total_ms, 800u);
  EXPECT_LT(r.total_ms, 1500u);
}

TEST(ScanEngine, ConnectTimeoutWhenTheBacklogIsFull) {
  // A listener that never accepts, with its accept queue full: the kernel drops
  // further SYNs, so the probe's connect times out.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(Ip("127.77.2.2"));
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(f);
  }
  std::this_thread::sleep_for(milliseconds(100));
  ScanConfig c = FastConfig();
  c.connect_timeout = milliseconds(400);
  TargetSpace space;
  space.AddSegment(Range("127.77.2.2"), {ntohs(a.sin_port)});
  const ScanRun run = Scan(c, space);
  for (int f : fillers) ::close(f);
  ::close(listener);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].state, PortState::kTimeout);
  EXPECT_GE(run.results[0].connect_ms, 390u);
  EXPECT_LT(run.results[0].connect_ms, 1000u);
  EXPECT_EQ(run.counters.timeout, 1u);
}

size_t OpenDescriptors() {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

// A listener that never accepts, with its accept queue full: SYNs to it go unanswered.
struct FullListener {
  int listener = -1;
  std::vector<int> fillers;
  explicit FullListener(Ipv4 ip, uint16_t port) {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(ip);
    a.sin_port = htons(port);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener, 0) != 0) {
      ADD_FAILURE() << "cannot listen on " << FormatIpv4(ip) << ":" << port;
      return;
    }
    for (int i = 0; i < 4; ++i) {
      const int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers.push_back(f);
    }
  }
  ~FullListener() {
    for (int f : fillers) ::close(f);
    ::close(listener);
  }
};

TEST(ScanEngine, RecycledSocketsReportEveryStateRight) {
  // Few sockets for many attempts, so each is reused many times, after refusals and
  // after timeouts; every pair must still get its own state, and no descriptor leaks.
  const size_t descriptors_before = OpenDescriptors();
  {
    ServiceServer server;
    uint16_t open_port = 0;
    std::set<Ipv4> listening;
    for (int i = 0; i < 64; i += 2) {
      const Ipv4 ip = Ip("127.77.12.0") + i;
      auto p = server.Listen(ip, open_port, Personality::kSilent);
      ASSERT_TRUE(p.ok()) << p.error();
      open_port = *p;
      listening.insert(ip);
    }
    server.Start();
    std::vector<std::unique_ptr<FullListener>> full;
    for (int i = 0; i < 4; ++i) {
      full.push_back(std::make_unique<FullListener>(Ip("127.77.12.200") + i, open_port));
    }
    std::this_thread::sleep_for(milliseconds(100));
    ScanConfig c = FastConfig();
    c.rate = 400;  // ~0.33 s of attempts: timed-out sockets come back for reuse
    c.max_concurrency = 3;
    c.grab_banners = false;
    c.connect_timeout = milliseconds(150);
    TargetSpace space;
    space.AddSegment(Range("127.77.12.0/26"), {open_port, 7});
    space.AddSegment(Range("127.77.12.200/30"), {open_port});
    const ScanRun run = Scan(c, space);
    ASSERT_EQ(run.results.size(), 132u);
    for (const auto& r : run.results) {
      PortState want = PortState::kClosed;
      if (r.ip >= Ip("127.77.12.200")) {
        want = PortState::kTimeout;
      } else if (r.port == open_port && listening.count(r.ip)) {
        want = PortState::kOpen;
      }
      EXPECT_EQ(r.state, want) << FormatIpv4(r.ip) << ":" << r.port << " " << r.error;
    }
    EXPECT_EQ(run.counters.open, 32u);
    EXPECT_EQ(run.counters.timeout, 4u);
    EXPECT_EQ(run.counters.closed, 96u);
  }
  EXPECT_EQ(OpenDescriptors(), descriptors_before);
}

TEST(ScanEngine, ClosedPortsAreClosed) {
  TargetSpace space;
  space.AddSegment(Range("127.77.2.3"), {1, 2, 3});
  const ScanRun run = Scan(FastConfig(), space);
  ASSERT_EQ(run.results.size(), 3u);
  for (const auto& r : run.results) EXPECT_EQ(r.state, PortState::kClosed);
  EXPECT_EQ(run.counters.attempts, 3u);
  EXPECT_EQ(run.counters.closed, 3u);
}

TEST(ScanEngine, ListenerInsideAnExcludedRangeCountsZeroConnections) {
  ServiceServer server;
  auto allowed = server.Listen(Ip("127.77.3.1"), 0, Personality::kFtp);
  ASSERT_TRUE(allowed.ok());
  auto excluded = server.Listen(Ip("127.77.3.130"), *allowed, Personality::kFtp);
  ASSERT_TRUE(excluded.ok()) << excluded.error();
  auto out_of_scope = server.Listen(Ip("127.77.3.9"), *allowed, Personality::kFtp);
  ASSERT_TRUE(out_of_scope.ok()) << out_of_scope.error();
  server.Start();
  ScanConfig c = FastConfig();
  c.exclusions = Range("127.77.3.128/25");
  c.scope = RangeSet({ParseIpv4Range("127.77.3.0-127.77.3.8").value(),
                      ParseIpv4Range("127.77.3.10-127.77.3.255").value()});
  TargetSpace space;  // the plan asks for everything; scope and exclusions must win
  space.AddSegment(Range("127.77.3.0/24"), {*allowed});
  const ScanRun run = Scan(c, space);
  EXPECT_EQ(server.accepted(Ip("127.77.3.1"), *allowed), 1u);
  EXPECT_EQ(server.accepted(Ip("127.77.3.130"), *allowed), 0u);
  EXPECT_EQ(server.accepted(Ip("127.77.3.9"), *allowed), 0u);
  EXPECT_EQ(run.counters.excluded, 128u + 1u);
  EXPECT_EQ(run.counters.attempts, 256u - 129u);
  for (const auto& r : run.results) {
    EXPECT_FALSE(r.ip >= Ip("127.77.3.128") || r.ip == Ip("127.77.3.9")) << FormatIpv4(r.ip);
  }
}

TEST(ScanEngine, ExclusionUpdateMidScanStopsNewAndInFlightConnections) {
  ServiceServer server;
  uint16_t port = 0;
  for (int i = 0; i < 64; ++i) {
    const Ipv4 ip = Ip("127.77.4.0") + 192 + i;
    auto p = server.Listen(ip, port, Personality::kSilent);
    ASSERT_TRUE(p.ok()) << p.error();
    port = *p;
  }
  server.Start();
  ScanConfig c = FastConfig();
  c.rate = 200;  // 256 pairs: ~1.3 s without the update
  c.grab_timeout = milliseconds(5000);
  TargetSpace space;
  space.AddSegment(Range("127.77.4.0/24"), {port});
  uint64_t accepted_at_update = 0;
  const ScanRun run = Scan(
      c, space,
      [&](ScanEngine& engine) {
        accepted_at_update = server.total_accepted();
        engine.UpdateExclusions(Range("127.77.4.0/24"));
      },
      milliseconds(400));
  // At most one attempt can race the update (it was already posted).
  EXPECT_LE(server.total_accepted(), accepted_at_update + 1);
  EXPECT_LT(run.seconds, 1.2);  // in-flight silent sessions were aborted, not waited for
  EXPECT_GT(run.counters.excluded, 100u);
  EXPECT_LT(run.counters.attempts, 120u);
}

// A scan of 192 closed pairs stopped after 200 ms, then resumed from its checkpoint
// (one position per thread): every pair is done, and only those in flight at the stop
// twice. Returns the config of the resumed scan.
ScanConfig ExpectResumeCoversEverythingOnce(const char* net, uint32_t threads) {
  TargetSpace space;
  space.AddSegment(Range(net), {7, 9, 13});
  ScanConfig c = FastConfig();
  c.rate = 400;
  c.threads = threads;
  const ScanRun first = Scan(
      c, space, [](ScanEngine& e) { e.Stop(); }, milliseconds(200));
  EXPECT_LT(first.results.size(), 192u);
  EXPECT_GT(first.results.size(), 20u);
  EXPECT_EQ(first.positions.size(), threads);
  if (threads == 1) {
    c.start_position = first.checkpoint;
  } else {
    c.start_positions = first.positions;
  }
  c.rate = 5000;
  const ScanRun second = Scan(c, space);
  std::multiset<std::pair<Ipv4, uint16_t>> all;
  for (const ScanRun* run : {&first, &second}) {
    for (const auto& r : run->results) all.insert({r.ip, r.port});
  }
  std::set<std::pair<Ipv4, uint16_t>> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 192u);
  EXPECT_LE(all.size() - unique.size(), c.max_concurrency);
  return c;
}

TEST(ScanEngine, CheckpointResumeCoversEverythingOnce) {
  ExpectResumeCoversEverythingOnce("127.77.5.0/26", 1);
}

TEST(ScanEngine, PauseHoldsNewAttempts) {
  TargetSpace space;
  space.AddSegment(Range("127.77.6.0/25"), {7});  // 128 closed pairs at 200/s
  ScanConfig c = FastConfig();
  c.rate = 200;
  uint64_t at_pause = 0, after_pause = 0;
  asio::io_context io;
  ScanEngine engine(io, c, space, nullptr);
  ASSERT_TRUE(engine.Start([] {}).ok());
  asio::steady_timer t(io);
  t.expires_after(milliseconds(200));
  t.async_wait([&](const std::error_code&) {
    engine.Pause();
    at_pause = engine.counters().Read().attempts;
    t.expires_after(milliseconds(400));
    t.async_wait([&](const std::error_code&) {
      after_pause = engine.counters().Read().attempts;
      engine.Resume();
    });
  });
  io.run();
  EXPECT_LE(after_pause, at_pause + 1);
  EXPECT_EQ(engine.counters().Read().attempts, 128u);
}

TEST(ScanEngine, ConcurrencyCapHolds) {
  ServiceServer server;
  std::vector<uint16_t> ports;
  for (int i = 0; i < 40; ++i)
    ports.push_back(server.Listen(Ip("127.77.7.1"), 0, Personality::kSilent).value());
  server.Start();
  ScanConfig c = FastConfig();
  c.max_concurrency = 8;
  c.server_first_wait = milliseconds(50);
  c.grab_timeout = milliseconds(150);
  uint64_t peak = 0;
  asio::io_context io;
  TargetSpace space;
  space.AddSegment(Range("127.77.7.1"), ports);
  ScanEngine engine(io, c, space, nullptr);
  ASSERT_TRUE(engine.Start([] {}).ok());
  asio::steady_timer t(io);
  std::function<void()> sample = [&] {
    peak = std::max<uint64_t>(peak, engine.counters().Read().in_flight);
    if (engine.Finished()) return;
    t.expires_after(milliseconds(5));
    t.async_wait([&](const std::error_code& ec) {
      if (!ec) sample();
    });
  };
  sample();
  io.run();
  EXPECT_EQ(engine.counters().Read().open, 40u);
  EXPECT_EQ(peak, 8u);
}

TEST(ScanEngine, RateIsHeld) {
  TargetSpace space;
  space.AddSegment(Range("127.77.8.0/24"), {7, 9, 13, 17, 19, 21});  // 1,536 closed pairs
  ScanConfig c = FastConfig();
  c.rate = 1500;
  const ScanRun run = Scan(c, space);
  EXPECT_NEAR(run.counters.AttemptRate(), 1500, 1500 * 0.03);
}

TEST(ScanEngine, PerSlash24CapHolds) {
  TargetSpace space;
  space.AddSegment(Range("127.77.10.0/26"), {7});  // 64 pairs in one /24
  space.AddSegment(Range("127.77.11.0/26"), {7});  // 64 in another
  ScanConfig c = FastConfig();
  c.rate = 10000;
  c.rate_per_24 = 100;
  const ScanRun run = Scan(c, space);
  EXPECT_EQ(run.counters.attempts, 128u);
  // Each /24 is held to 100/s (a 1-token burst aside), far below the global 10,000/s.
  for (const char* net : {"127.77.10.0/24", "127.77.11.0/24"}) {
    int64_t first = INT64_MAX, last = 0;
    int n = 0;
    for (const auto& r : run.results) {
      if (!Range(net).Contains(r.ip)) continue;
      first = std::min(first, r.started_unix_ms);
      last = std::max(last, r.started_unix_ms);
      ++n;
    }
    ASSERT_EQ(n, 64);
    EXPECT_LE((n - 2) * 1000.0 / double(last - first), 100 * 1.05) << net;
  }
  EXPECT_GT(run.counters.AttemptRate(), 100);
}

TEST(ScanEngine, ThreadsSplitTheShardExactly) {
  // Three lanes walk sub-shards of shard 2/3 (positions 1, 4, 7, ... of the cycle):
  // together exactly the pairs of that shard, each once, with the states of one lane.
  ServiceServer server;
  uint16_t port = 0;
  for (int i = 0; i < 64; i += 3) {
    auto p = server.Listen(Ip("127.77.13.0") + i, port, Personality::kSilent);
    ASSERT_TRUE(p.ok()) << p.error();
    port = *p;
  }
  server.Start();
  TargetSpace space;
  space.AddSegment(Range("127.77.13.0/26"), {port, 7, 9, 13});
  ScanConfig c = FastConfig();
  c.grab_banners = false;
  c.shard = 1;
  c.shards = 3;
  const ScanRun one = Scan(c, space);
  c.threads = 3;
  const ScanRun three = Scan(c, space);
  auto states = [](const ScanRun& run) {
    std::multimap<std::pair<Ipv4, uint16_t>, PortState> m;
    for (const auto& r : run.results) m.insert({{r.ip, r.port}, r.state});
    return m;
  };
  EXPECT_EQ(states(three), states(one));
  EXPECT_EQ(three.counters.attempts, one.counters.attempts);
  EXPECT_GT(three.counters.open, 5u);
  // open_only: the same counts, only the open pairs reported.
  c.open_only = true;
  const ScanRun open_only = Scan(c, space);
  EXPECT_EQ(open_only.results.size(), three.counters.open);
  for (const auto& r : open_only.results) EXPECT_EQ(r.state, PortState::kOpen);
  EXPECT_EQ(open_only.counters.closed, three.counters.closed);
  c.open_only = false;
  // Every shard together is the whole space.
  std::set<std::pair<Ipv4, uint16_t>> all;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    c.shard = shard;
    for (const auto& r : Scan(c, space).results) EXPECT_TRUE(all.insert({r.ip, r.port}).second);
  }
  EXPECT_EQ(all.size(), 256u);
}

TEST(ScanEngine, CheckpointResumeWithThreadsCoversEverythingOnce) {
  ScanConfig c = ExpectResumeCoversEverythingOnce("127.77.14.0/26", 2);
  // Positions for other threads than the scan's are refused before anything is sent.
  TargetSpace space;
  space.AddSegment(Range("127.77.14.0/26"), {7});
  asio::io_context io;
  c.threads = 3;
  ScanEngine engine(io, c, space, nullptr);
  EXPECT_FALSE(engine.Start([] {}).ok());
  EXPECT_EQ(engine.counters().Read().attempts, 0u);
}

TEST(ScanEngine, RateAndSlash24CapHoldWithThreads) {
  TargetSpace space;
  space.AddSegment(Range("127.77.15.0/24"), {7, 9, 13, 17, 19, 21});  // 1,536 closed pairs
  ScanConfig c = FastConfig();
  c.rate = 1500;
  c.threads = 2;
  const ScanRun run = Scan(c, space);
  EXPECT_EQ(run.results.size(), 1536u);
  EXPECT_NEAR(run.counters.AttemptRate(), 1500, 1500 * 0.03);
  // The cap is split between the lanes: a /24 never gets more than its cap.
  TargetSpace one24;
  one24.AddSegment(Range("127.77.16.0/26"), {7});
  c.rate = 10000;
  c.rate_per_24 = 100;
  const ScanRun capped = Scan(c, one24);
  ASSERT_EQ(capped.results.size(), 64u);
  int64_t first = INT64_MAX, last = 0;
  for (const auto& r : capped.results) {
    first = std::min(first, r.started_unix_ms);
    last = std::max(last, r.started_unix_ms);
  }
  EXPECT_LE((64 - 3) * 1000.0 / double(last - first), 100 * 1.05);
}

void SynScanWithThreads(uint32_t threads) {
  ServiceServer server;
  auto ftp = server.Listen(Ip("127.77.9.3"), 0, Personality::kFtp);
  auto ssh = server.Listen(Ip("127.77.9.200"), 0, Personality::kSsh);
  ASSERT_TRUE(ftp.ok() && ssh.ok());
  server.Start();
  ScanConfig c = FastConfig();
  c.syn = true;
  c.syn_wait = milliseconds(300);
  c.threads = threads;
  TargetSpace space;
  space.AddSegment(Range("127.77.9.0/24"), {*ftp, *ssh});
  const ScanRun run = Scan(c, space);
  ASSERT_EQ(run.counters.attempts, 512u);
  std::map<std::pair<Ipv4, uint16_t>, const ScanResult*> open;
  for (const auto& r : run.results) {
    if (r.state == PortState::kOpen) open[{r.ip, r.port}] = &r;
  }
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[std::make_pair(Ip("127.77.9.3"), *ftp)]->service, "ftp");
  EXPECT_EQ(open[std::make_pair(Ip("127.77.9.200"), *ssh)]->service, "ssh");
  EXPECT_EQ(run.counters.closed, 510u);  // every other pair answered with a RST
}

TEST(ScanEngine, SynModeFindsTheListenersAndGrabsTheirBanners) {
  if (!HasRawSocketCapability()) GTEST_SKIP() << "needs CAP_NET_RAW (run as root)";
  for (const uint32_t threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    SynScanWithThreads(threads);
  }
}

}  // namespace
}  // namespace narrowscan

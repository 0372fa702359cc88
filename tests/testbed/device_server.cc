#include "tests/testbed/device_server.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <unordered_set>

#include "tests/testbed/entropy.h"
#include "tests/testbed/host_reply.h"

namespace narrowscan::testbed {
namespace {

using asio::ip::tcp;

constexpr size_t kMaxRequest = 16 * 1024;    // a request larger than this is answered as is
constexpr size_t kMaxLineInput = 64 * 1024;  // server-first sessions stop reading after this

// "CSeq: 3" from an RTSP request; "1" when absent.
std::string_view FindCseq(std::string_view request) {
  size_t pos = 0;
  while ((pos = request.find('\n', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = request.substr(pos);
    if (rest.size() > 5 && (rest.substr(0, 5) == "CSeq:" || rest.substr(0, 5) == "cseq:")) {
      rest.remove_prefix(5);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      size_t end = rest.find_first_of("\r\n");
      rest = rest.substr(0, end);
      if (!rest.empty() && rest.size() <= 10) return rest;
    }
  }
  return "1";
}

bool RequestComplete(std::string_view request) {
  return request.find("\r\n\r\n") != std::string_view::npos ||
         request.find("\n\n") != std::string_view::npos || request.size() >= kMaxRequest;
}

class Session;
}  // namespace

// Sessions register here so Stop() can end them; shared so a session that outlives
// the server still has a valid set to leave.
struct SessionRegistry {
  std::unordered_set<Session*> live;
};

namespace {

// Per-request entropy: independent of the population seed so that repeated requests to
// one host never repeat session ids or nonces.
uint64_t FreshEntropy() {
  static std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Population* population, Host host, const PortSpec* port,
          const mbedtls_ssl_config* tls, std::shared_ptr<DeviceServer::Counters> counters,
          std::shared_ptr<SessionRegistry> sessions, std::chrono::milliseconds idle_timeout)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        population_(population),
        host_(std::move(host)),
        port_(port),
        tls_config_(tls),
        counters_(std::move(counters)),
        sessions_(std::move(sessions)),
        idle_timeout_(idle_timeout) {
    sessions_->live.insert(this);
    mbedtls_ssl_init(&ssl_);
  }
  ~Session() {
    mbedtls_ssl_free(&ssl_);
    sessions_->live.erase(this);
  }

  void Start() {
    ArmTimer();
    if (port_->protocol == Protocol::kHttps) {
      if (tls_config_ == nullptr || mbedtls_ssl_setup(&ssl_, tls_config_) != 0) return Abort();
      mbedtls_ssl_set_bio(&ssl_, this, &Session::TlsSend, &Session::TlsRecv, nullptr);
      return TlsAdvance();
    }
    if (IsServerFirst(port_->protocol)) {
      std::string greeting;
      RenderReply(*population_, host_, *port_, NewRequest("1"), &greeting, &scratch_);
      ++counters_->replies;
      return Write(std::move(greeting), [self = shared_from_this()] { self->ReadLines(); });
    }
    ReadRequest();
  }

  // Ends the session now (server shutdown or idle timeout).
  void Abort() {
    asio::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
  }

 private:
  ReplyRequest NewRequest(std::string_view cseq) {
    ReplyRequest r;
    r.now = std::time(nullptr);
    r.entropy = FreshEntropy();
    r.cseq = cseq;
    return r;
  }

  void ArmTimer() {
    timer_.expires_after(idle_timeout_);
    timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->Abort();
    });
  }

  template <class Next>
  void Write(std::string data, Next next) {
    auto buffer = std::make_shared<std::string>(std::move(data));
    asio::async_write(
        socket_, asio::buffer(*buffer),
        [self = shared_from_this(), buffer, next](const asio::error_code& ec, size_t) {
          if (ec) return self->Abort();
          next();
        });
  }

  // Hangs up politely: FIN first, then wait for the peer's FIN (or the timeout) so
  // the reply is not cut off by a reset.
  void Finish() {
    asio::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Drain();
  }

  void Drain() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t) {
                              if (ec) return self->Abort();
                              self->Drain();
                            });
  }

  // Server-first: answer each line with the profile's reply (if any) until EOF.
  void ReadLines() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                              if (ec) return self->Abort();
                              self->ArmTimer();
                              self->input_bytes_ += n;
                              if (self->input_bytes_ > kMaxLineInput) return self->Finish();
                              std::string out;
                              for (size_t i = 0; i < n; ++i) {
                                if (self->read_buffer_[i] == '\n' && !self->port_->reply.empty()) {
                                  RenderLineReply(*self->population_, self->host_, *self->port_,
                                                  self->NewRequest("1"), &out);
                                }
                              }
                              if (out.empty()) return self->ReadLines();
                              self->Write(std::move(out), [self] { self->ReadLines(); });
                            });
  }

  // Client-first: collect the request, answer once, hang up.
  void ReadRequest() {
    socket_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](
                                                            const asio::error_code& ec, size_t n) {
      if (ec) return self->Abort();
      self->ArmTimer();
      if (self->port_->protocol == Protocol::kOpen) return self->ReadRequest();
      self->request_.append(self->read_buffer_.data(), n);
      if (!RequestComplete(self->request_)) return self->ReadRequest();
      std::string response;
      RenderReply(*self->population_, self->host_, *self->port_,
                  self->NewRequest(FindCseq(self->request_)), &response, &self->scratch_);
      ++self->counters_->replies;
      self->Write(std::move(response), [self] { self->Finish(); });
    });
  }

  // --- TLS over the socket with memory BIOs, driven by Asio ---

  static int TlsSend(void* context, const unsigned char* data, size_t size) {
    static_cast<Session*>(context)->tls_out_.append(reinterpret_cast<const char*>(data), size);
    return static_cast<int>(size);
  }

  static int TlsRecv(void* context, unsigned char* data, size_t size) {
    Session* s = static_cast<Session*>(context);
    if (s->tls_in_.empty()) return MBEDTLS_ERR_SSL_WANT_READ;
    size_t n = std::min(size, s->tls_in_.size());
    std::memcpy(data, s->tls_in_.data(), n);
    s->tls_in_.erase(0, n);
    return static_cast<int>(n);
  }

  enum class TlsPhase { kHandshake, kRequest, kResponse, kCloseNotify, kDone };

  // Runs mbedTLS as far as it gets without input, sends what it produced, then either
  // reads more from the peer or finishes.
  void TlsAdvance() {
    int rc = 0;
    while (true) {
      if (tls_phase_ == TlsPhase::kHandshake) {
        rc = mbedtls_ssl_handshake(&ssl_);
        if (rc != 0) break;
        ++counters_->tls_handshakes;
        tls_phase_ = TlsPhase::kRequest;
      } else if (tls_phase_ == TlsPhase::kRequest) {
        unsigned char buffer[4096];
        rc = mbedtls_ssl_read(&ssl_, buffer, sizeof(buffer));
        if (rc <= 0) {
          if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) tls_phase_ = TlsPhase::kDone;
          if (rc == 0) continue;
          break;
        }
        request_.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(rc));
        if (!RequestComplete(request_)) continue;
        response_.clear();
        RenderReply(*population_, host_, *port_, NewRequest("1"), &response_, &scratch_);
        ++counters_->replies;
        tls_phase_ = TlsPhase::kResponse;
      } else if (tls_phase_ == TlsPhase::kResponse) {
        rc = mbedtls_ssl_write(&ssl_,
                               reinterpret_cast<const unsigned char*>(response_.data()) + written_,
                               response_.size() - written_);
        if (rc < 0) break;
        written_ += static_cast<size_t>(rc);
        if (written_ == response_.size()) tls_phase_ = TlsPhase::kCloseNotify;
      } else if (tls_phase_ == TlsPhase::kCloseNotify) {
        rc = mbedtls_ssl_close_notify(&ssl_);
        if (rc != 0) break;
        tls_phase_ = TlsPhase::kDone;
      } else {
        break;
      }
    }
    const bool done = tls_phase_ == TlsPhase::kDone;
    if (!done && rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
      if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return Finish();
      return Abort();  // handshake failure or a broken record: hang up like a device would
    }
    std::string out = std::move(tls_out_);
    tls_out_.clear();
    auto next = [self = shared_from_this(), done] {
      if (done) return self->Finish();
      self->TlsRead();
    };
    if (out.empty()) return next();
    Write(std::move(out), next);
  }

  void TlsRead() {
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                              if (ec) return self->Abort();
                              self->ArmTimer();
                              self->tls_in_.append(self->read_buffer_.data(), n);
                              self->TlsAdvance();
                            });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const Population* population_;
  const Host host_;  // as it was when the connection came in (hosts move and vanish)
  const PortSpec* port_;
  const mbedtls_ssl_config* tls_config_;
  std::shared_ptr<DeviceServer::Counters> counters_;
  std::shared_ptr<SessionRegistry> sessions_;
  std::chrono::milliseconds idle_timeout_;
  std::array<char, 4096> read_buffer_{};
  std::string request_, scratch_;
  size_t input_bytes_ = 0;
  mbedtls_ssl_context ssl_;
  TlsPhase tls_phase_ = TlsPhase::kHandshake;
  std::string tls_in_, tls_out_, response_;
  size_t written_ = 0;
};

}  // namespace

// Knows its host by address and id, not by pointer: churn reorders, removes and adds
// hosts, so the population's vector moves under it.
struct DeviceServer::Listener {
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  Ipv4 ip;
  uint64_t host_id;
  uint32_t profile;
  const PortSpec* port;  // into the spec, which never changes
  Listener(asio::io_context& io, const Host& h, const PortSpec* p)
      : acceptor(io), retry(io), ip(h.ip), host_id(h.id), profile(h.profile), port(p) {}
};

DeviceServer::DeviceServer(asio::io_context* io, Population* population, const TlsIdentities* tls,
                           ConnectionLog* log)
    : io_(io),
      population_(population),
      tls_(tls),
      log_(log),
      sessions_(std::make_shared<SessionRegistry>()) {}

DeviceServer::~DeviceServer() { Stop(); }

Status RaiseFileLimit(uint64_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Error{fmt::format("getrlimit(RLIMIT_NOFILE): {}", std::strerror(errno))};
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return Error{
          fmt::format("setrlimit(RLIMIT_NOFILE, {}): {}", limit.rlim_max, std::strerror(errno))};
    }
  }
  if (limit.rlim_cur != RLIM_INFINITY && needed > limit.rlim_cur) {
    return Error{
        fmt::format("the population needs {} file descriptors but the hard limit is {} "
                    "(raise it with ulimit -Hn or use a smaller --scale)",
                    needed, limit.rlim_cur)};
  }
  return Status::Ok();
}

Status DeviceServer::Bind(const Host& host, const PortSpec* port) {
  auto listener = std::make_shared<Listener>(*io_, host, port);
  const tcp::endpoint endpoint(asio::ip::address_v4(host.ip), port->port);
  asio::error_code ec;
  listener->acceptor.open(endpoint.protocol(), ec);
  if (!ec) listener->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) listener->acceptor.bind(endpoint, ec);
  if (!ec) listener->acceptor.listen(256, ec);
  if (ec)
    return Error{fmt::format("{}:{}: cannot listen: {}", host.ip_text, port->port, ec.message())};
  listeners_[{host.ip, port->port}] = listener;
  Accept(std::move(listener));
  return Status::Ok();
}

void DeviceServer::Accept(std::shared_ptr<Listener> listener) {
  listener->acceptor.async_accept([this, listener](const asio::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or similar: back off briefly instead of spinning.
      listener->retry.expires_after(std::chrono::milliseconds(50));
      listener->retry.async_wait([this, listener](const asio::error_code& e) {
        if (!e && listener->acceptor.is_open()) Accept(listener);
      });
      return;
    }
    ++counters_->accepted;
    asio::error_code ignored;
    const tcp::endpoint remote = socket.remote_endpoint(ignored);
    const Host* host = population_->Find(listener->ip);
    // SyncListeners closes a listener as soon as its host changes place; until then
    // the host answers as it is now (firmware changes show at once).
    if (host == nullptr || host->id != listener->host_id) return Accept(listener);
    log_->Record(remote.address().to_string(), remote.port(), host->ip_text, listener->port->port);
    const mbedtls_ssl_config* tls =
        listener->port->protocol == Protocol::kHttps ? tls_->ConfigFor(listener->profile) : nullptr;
    std::make_shared<Session>(std::move(socket), population_, *host, listener->port, tls, counters_,
                              sessions_, idle_timeout_)
        ->Start();
    Accept(listener);
  });
}

Status DeviceServer::Start() {
  uint64_t needed = 64;
  for (const Host& h : population_->hosts) needed += population_->ProfileOf(h).ports.size();
  if (Status s = RaiseFileLimit(needed); !s.ok()) return s;
  return SyncListeners();
}

Status DeviceServer::SyncListeners() {
  // Close listeners whose host left (moved, vanished) or whose port is no longer open.
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    const Host* host = population_->Find(it->first.first);
    if (host == nullptr || host->id != it->second->host_id ||
        !std::binary_search(host->open_ports.begin(), host->open_ports.end(), it->first.second)) {
      asio::error_code ignored;
      it->second->acceptor.close(ignored);
      it->second->retry.cancel();
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  for (const Host& host : population_->hosts) {
    for (uint16_t port : host.open_ports) {
      if (listeners_.count({host.ip, port}) != 0) continue;
      if (Status s = Bind(host, population_->Port(host, port)); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

void DeviceServer::Stop() {
  for (auto& [key, listener] : listeners_) {
    asio::error_code ignored;
    listener->acceptor.close(ignored);
    listener->retry.cancel();
  }
  listeners_.clear();
  // Copy: Abort() may end a session, which erases itself from the set.
  std::vector<Session*> live(sessions_->live.begin(), sessions_->live.end());
  for (Session* s : live) s->Abort();
}

}  // namespace narrowscan::testbed

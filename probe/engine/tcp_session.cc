#include "probe/engine/tcp_session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace narrowscan {
namespace {

uint32_t MillisBetween(TcpSession::Clock::time_point a, TcpSession::Clock::time_point b) {
  return static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

}  // namespace

TcpSession::TcpSession(SessionEnvironment& env, Ipv4 ip, uint16_t port, uint64_t position,
                       DoneCallback done)
    : env_(env), done_(std::move(done)), socket_(env.io), timer_(env.io) {
  result_.ip = ip;
  result_.port = port;
  result_.position = position;
}

TcpSession::~TcpSession() = default;

void TcpSession::Start() {
  started_ = Clock::now();
  result_.started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  std::error_code ec;
  socket_.open(asio::ip::tcp::v4(), ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    result_.state = PortState::kError;
    Finish("socket: " + ec.message());
    return;
  }
  ArmTimer();
  const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4(result_.ip), result_.port);
  socket_.async_connect(
      endpoint, [self = shared_from_this()](const std::error_code& e) { self->OnConnect(e); });
}

void TcpSession::StartConnected(int fd, uint32_t connect_ms) {
  started_ = Clock::now() - std::chrono::milliseconds(connect_ms);
  result_.started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count() -
                            connect_ms;
  std::error_code ec;
  socket_.assign(asio::ip::tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    result_.state = PortState::kOpen;
    Finish("socket: " + ec.message());
    return;
  }
  OnConnect(std::error_code());
}

void TcpSession::Abort() {
  done_ = nullptr;
  Finish();
}

void TcpSession::OnConnect(const std::error_code& ec) {
  if (phase_ != Phase::kConnect) return;  // timed out or aborted meanwhile
  connected_ = Clock::now();
  result_.connect_ms = MillisBetween(started_, connected_);
  if (ec) {
    if (ec == asio::error::connection_refused) {
      result_.state = PortState::kClosed;
      Finish();
    } else if (ec == asio::error::host_unreachable) {
      result_.state = PortState::kClosed;
      Finish(ec.message());
    } else if (ec == asio::error::timed_out) {
      result_.state = PortState::kTimeout;
      Finish();
    } else {
      result_.state = PortState::kError;
      Finish("connect: " + ec.message());
    }
    return;
  }
  result_.state = PortState::kOpen;
  // Abortive close (RST) at the end, like masscan: no TIME_WAIT piles up on the probe.
  std::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  if (!env_.config.grab_banners) {
    Finish();
    return;
  }
  phase_ = Phase::kServerFirst;
  greeting_deadline_ = connected_ + env_.config.server_first_wait;
  grab_deadline_ = connected_ + env_.config.grab_timeout;
  ArmTimer();
  WaitReadable();
}

// One timer per session, always set to the nearest deadline of the current phase.
void TcpSession::ArmTimer() {
  Clock::time_point when;
  switch (phase_) {
    case Phase::kConnect:
      when = started_ + env_.config.connect_timeout;
      break;
    case Phase::kServerFirst:
      when = any_bytes_ ? std::min(idle_deadline_, grab_deadline_) : greeting_deadline_;
      break;
    case Phase::kReading:
      when = any_bytes_ ? std::min(idle_deadline_, grab_deadline_) : grab_deadline_;
      break;
    case Phase::kTlsWait:
    case Phase::kTlsHandshake:
      when = grab_deadline_;
      break;
    case Phase::kDone:
      return;
  }
  timer_.expires_at(when);
  timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
    if (!ec) self->OnTimer();
  });
}

void TcpSession::OnTimer() {
  const Clock::time_point now = Clock::now();
  switch (phase_) {
    case Phase::kConnect:
      result_.state = PortState::kTimeout;
      result_.connect_ms = MillisBetween(started_, now);
      Finish();
      return;
    case Phase::kServerFirst:
      if (!any_bytes_) {
        SpeakFirst();
        return;
      }
      [[fallthrough]];
    case Phase::kReading:
      if (now >= grab_deadline_) {
        Finish(any_bytes_ ? "" : "no reply before the grab timeout");
      } else if (any_bytes_ && now >= idle_deadline_) {
        Finish();
      } else {
        ArmTimer();
      }
      return;
    case Phase::kTlsWait:
    case Phase::kTlsHandshake:
      Finish("TLS: no handshake before the grab timeout");
      return;
    case Phase::kDone:
      return;
  }
}

void TcpSession::WaitReadable() { Wait(asio::socket_base::wait_read); }
void TcpSession::WaitWritable() { Wait(asio::socket_base::wait_write); }

void TcpSession::Wait(asio::socket_base::wait_type what) {
  const uint32_t generation = ++wait_generation_;
  socket_.async_wait(what, [self = shared_from_this(), generation](const std::error_code& ec) {
    if (ec || generation != self->wait_generation_ || self->phase_ == Phase::kDone) {
      return;
    }
    if (self->phase_ == Phase::kTlsHandshake) {
      self->ContinueHandshake();
    } else {
      self->ReadAvailable();
    }
  });
}

void TcpSession::ReadAvailable() {
  std::vector<char>& buf = env_.scratch;
  while (phase_ != Phase::kDone) {
    size_t got = 0;
    if (tls_) {
      const TlsIo io = tls_->Read(buf.data(), buf.size(), &got);
      if (io == TlsIo::kWantRead) return WaitReadable();
      if (io == TlsIo::kWantWrite) return WaitWritable();
      if (io == TlsIo::kClosed) return Finish();
      if (io == TlsIo::kFailed) return Finish(tls_->error());
    } else {
      const ssize_t n = ::recv(socket_.native_handle(), buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return WaitReadable();
        return Finish(errno == ECONNRESET ? "connection reset" : "recv failed");
      }
      if (n == 0) return Finish();
      got = static_cast<size_t>(n);
      Bump(env_.counters.bytes_received, got);
    }
    OnBytes(std::string_view(buf.data(), got));
  }
}

void TcpSession::OnBytes(std::string_view data) {
  if (!grabber_) {
    // Server-first greeting (plain, or inside TLS on IMAPS/POP3S/… ports).
    grabber_ = GrabberForGreeting(data, result_.port, env_.config.max_banner_bytes);
    if (phase_ == Phase::kServerFirst) phase_ = Phase::kReading;
  }
  any_bytes_ = true;
  const GrabStep step = grabber_->Feed(data);
  if (!step.reply.empty() && !Send(step.reply)) return;
  if (step.done) return Finish();
  idle_deadline_ = Clock::now() + env_.config.idle_gap;
  ArmTimer();
}

void TcpSession::SpeakFirst() {
  plan_ = PlanForSilentPort(result_.port);
  if (plan_.tls && env_.tls) return StartTls();
  grabber_ = GrabberForPlan(plan_, env_.config.max_banner_bytes);
  phase_ = Phase::kReading;
  if (!Send(grabber_->Request(GrabTarget{result_.ip, result_.port}))) return;
  ArmTimer();
  // The server-first readiness wait is still pending and delivers the reply.
}

void TcpSession::StartTls() {
  if (env_.tls_active >= env_.config.max_tls_sessions) {
    phase_ = Phase::kTlsWait;
    env_.tls_waiting.push_back(weak_from_this());
    ArmTimer();
    return;
  }
  ++env_.tls_active;
  holds_tls_slot_ = true;
  phase_ = Phase::kTlsHandshake;
  tls_ = std::make_unique<TlsClient>(env_.tls, socket_.native_handle());
  ArmTimer();
  ContinueHandshake();
}

void TcpSession::ContinueHandshake() {
  const uint64_t sent_before = tls_->bytes_sent(), received_before = tls_->bytes_received();
  const TlsIo io = tls_->Handshake();
  Bump(env_.counters.bytes_sent, tls_->bytes_sent() - sent_before);
  Bump(env_.counters.bytes_received, tls_->bytes_received() - received_before);
  switch (io) {
    case TlsIo::kOk:
      return AfterHandshake();
    case TlsIo::kWantRead:
      return WaitReadable();
    case TlsIo::kWantWrite:
      return WaitWritable();
    case TlsIo::kClosed:
      return Finish("TLS: closed during the handshake");
    case TlsIo::kFailed:
      return Finish(tls_->error());
  }
}

void TcpSession::AfterHandshake() {
  result_.tls = tls_->PeerInfo();
  result_.service = "tls";
  phase_ = Phase::kReading;
  if (plan_.inner == SilentPortPlan::Inner::kGreeting) {
    ArmTimer();
    return ReadAvailable();
  }
  grabber_ = GrabberForPlan(plan_, env_.config.max_banner_bytes);
  if (!Send(grabber_->Request(GrabTarget{result_.ip, result_.port}))) return;
  ArmTimer();
  ReadAvailable();
}

bool TcpSession::Send(std::string_view data) {
  if (tls_) {
    // Requests are small: one record that fits the socket buffer of a fresh connection.
    size_t written = 0;
    const uint64_t before = tls_->bytes_sent();
    const TlsIo io = tls_->Write(data, &written);
    Bump(env_.counters.bytes_sent, tls_->bytes_sent() - before);
    if (io != TlsIo::kOk) {
      Finish(io == TlsIo::kFailed ? tls_->error() : "TLS: could not send the request");
      return false;
    }
    return true;
  }
  const ssize_t n = ::send(socket_.native_handle(), data.data(), data.size(), MSG_NOSIGNAL);
  if (n > 0) Bump(env_.counters.bytes_sent, static_cast<uint64_t>(n));
  if (n != static_cast<ssize_t>(data.size())) {
    Finish("send failed");
    return false;
  }
  return true;
}

void TcpSession::ReleaseTlsSlot() {
  if (!holds_tls_slot_) return;
  holds_tls_slot_ = false;
  --env_.tls_active;
  while (!env_.tls_waiting.empty()) {
    std::shared_ptr<TcpSession> next = env_.tls_waiting.front().lock();
    env_.tls_waiting.pop_front();
    if (next && next->phase_ == Phase::kTlsWait) {
      // Start it from the event loop, not from inside this session's teardown.
      asio::post(env_.io, [next] {
        if (next->phase_ == Phase::kTlsWait) next->StartTls();
      });
      break;
    }
  }
}

void TcpSession::Finish(std::string note) {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  if (grabber_) {
    result_.banner = grabber_->banner();
    result_.service = grabber_->service();
  }
  if (result_.state == PortState::kOpen && !note.empty()) result_.error = std::move(note);
  if (result_.state == PortState::kError && result_.error.empty()) result_.error = std::move(note);
  result_.total_ms = MillisBetween(started_, Clock::now());
  std::error_code ignored;
  timer_.cancel();
  tls_.reset();  // before the socket closes: mbedTLS must not touch a closed descriptor
  ReleaseTlsSlot();
  socket_.close(ignored);
  if (done_) {
    DoneCallback done = std::move(done_);
    done(this, std::move(result_));
  }
}

}  // namespace narrowscan

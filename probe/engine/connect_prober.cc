#include "probe/engine/connect_prober.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace narrowscan {

ConnectProber::ConnectProber(asio::io_context& io, std::chrono::milliseconds timeout,
                             size_t descriptor_limit, Callback on_outcome)
    : io_(io),
      timeout_(timeout),
      descriptor_limit_(descriptor_limit),
      on_outcome_(std::move(on_outcome)),
      timer_(io) {}

ConnectProber::~ConnectProber() {
  *alive_ = false;
  for (size_t fd = 0; fd < slots_.size(); ++fd) {
    if (slots_[fd].active) ::close(static_cast<int>(fd));
  }
  for (int fd : spares_) ::close(fd);
  for (Outcome& o : ready_) {
    if (o.fd >= 0) ::close(o.fd);
  }
  if (events_) {
    std::error_code ignored;
    events_->close(ignored);  // closes epoll_fd_
  } else if (epoll_fd_ >= 0) {
    ::close(epoll_fd_);
  }
}

Status ConnectProber::Open() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Error{std::string("epoll_create1: ") + std::strerror(errno)};
  events_ = std::make_unique<asio::posix::stream_descriptor>(io_, epoll_fd_);
  WaitEvents();
  return Status::Ok();
}

void ConnectProber::Close() {
  closed_ = true;
  for (int fd : spares_) CloseDescriptor(fd);
  spares_.clear();
  timer_.cancel();
  if (events_) events_->cancel();
}

void ConnectProber::Start(Target target, uint64_t token) {
  const Clock::time_point now = Clock::now();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(target.port);
  to.sin_addr.s_addr = htonl(target.ip);
  int fd = -1;
  int connect_error = 0;
  // A spare that will not start a new connection (it should not happen: each was
  // disconnected) is closed, and the attempt goes to a fresh socket.
  while (!spares_.empty()) {
    fd = spares_.back();
    spares_.pop_back();
    connect_error = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 ? 0 : errno;
    if (connect_error != EISCONN && connect_error != EALREADY && connect_error != EINVAL) break;
    CloseDescriptor(fd);
    fd = -1;
  }
  if (fd < 0) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ready_.push_back(Outcome{token, target, PortState::kError, -1, 0,
                               std::string("socket: ") + std::strerror(errno)});
      return Deliver();
    }
    if (static_cast<size_t>(fd) >= slots_.size()) slots_.resize(static_cast<size_t>(fd) + 64);
    slots_[static_cast<size_t>(fd)].registered = false;
    connect_error = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 ? 0 : errno;
  }
  Slot& slot = slots_[static_cast<size_t>(fd)];
  slot.active = true;
  slot.serial = next_serial_++;
  slot.token = token;
  slot.target = target;
  slot.started = now;
  ++in_flight_;
  if (connect_error == 0) return Finish(fd, PortState::kOpen, 0, false);
  if (connect_error != EINPROGRESS) return Finish(fd, PortState::kClosed, connect_error, true);
  if (!slot.registered) {
    // Registration polls the socket: an answer that came during connect() is not lost.
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLET;
    ev.data.u64 = static_cast<uint32_t>(fd);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      return Finish(fd, PortState::kError, errno, false);
    }
    slot.registered = true;
  }
  deadlines_.push_back(Deadline{now + timeout_, fd, slot.serial});
  ArmTimer();
}

bool ConnectProber::Conclude(int fd) {
  const Slot& slot = slots_[static_cast<size_t>(fd)];
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(slot.target.port);
  to.sin_addr.s_addr = htonl(slot.target.ip);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    Finish(fd, PortState::kOpen, 0, false);
    return true;
  }
  const int error = errno;
  if (error == EALREADY || error == EINPROGRESS) return false;  // a stale event
  if (error == EISCONN) {
    Finish(fd, PortState::kOpen, 0, false);
    return true;
  }
  Finish(fd, PortState::kClosed, error, true);  // the kernel disconnected it
  return true;
}

PortState StateOfConnectError(int error) {
  return error == 0 || error == ECONNREFUSED || error == EHOSTUNREACH ? PortState::kClosed
                                                                      : PortState::kError;
}

void ConnectProber::Finish(int fd, PortState state, int error, bool disconnected) {
  Slot& slot = slots_[static_cast<size_t>(fd)];
  slot.active = false;
  --in_flight_;
  Outcome o{slot.token,
            slot.target,
            state,
            -1,
            static_cast<uint32_t>(
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - slot.started)
                    .count()),
            {}};
  if (state == PortState::kClosed && error != ECONNREFUSED && error != 0) {
    o.error = std::strerror(error);
    o.state = StateOfConnectError(error);
  } else if (state == PortState::kError) {
    o.error = std::strerror(error);
  }
  if (o.state == PortState::kOpen) {
    if (slot.registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    slot.registered = false;
    o.fd = fd;
  } else if (o.state == PortState::kError) {
    CloseDescriptor(fd);  // an unexpected failure: do not trust the socket again
  } else {
    Recycle(fd, disconnected);
  }
  ready_.push_back(std::move(o));
  Deliver();
}

void ConnectProber::Recycle(int fd, bool disconnected) {
  if (spares_.size() + in_flight_ + descriptors_elsewhere_ < descriptor_limit_ && !closed_) {
    // A timed-out attempt is still in SYN_SENT: disconnecting sends nothing (as
    // close() would not) and releases the local port.
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    if (disconnected || ::connect(fd, &unspecified, sizeof unspecified) == 0) {
      spares_.push_back(fd);
      return;
    }
  }
  CloseDescriptor(fd);
}

void ConnectProber::set_descriptors_elsewhere(size_t n) {
  descriptors_elsewhere_ = n;
  while (!spares_.empty() && spares_.size() + in_flight_ + n > descriptor_limit_) {
    CloseDescriptor(spares_.back());
    spares_.pop_back();
  }
}

void ConnectProber::CloseDescriptor(int fd) {
  slots_[static_cast<size_t>(fd)].registered = false;
  ::close(fd);  // closing also leaves the epoll set
}

void ConnectProber::Deliver() {
  if (delivery_posted_) return;
  delivery_posted_ = true;
  asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    delivery_posted_ = false;
    std::vector<Outcome> batch;
    batch.swap(ready_);
    for (Outcome& o : batch) on_outcome_(std::move(o));
  });
}

void ConnectProber::WaitEvents() {
  events_->async_wait(asio::posix::stream_descriptor::wait_read,
                      [this, alive = alive_](const std::error_code& ec) {
                        if (ec || !*alive || closed_) return;
                        Harvest();
                        if (!closed_) WaitEvents();
                      });
}

void ConnectProber::Harvest() {
  epoll_event events[256];
  while (true) {
    const int n = ::epoll_wait(epoll_fd_, events, 256, 0);
    if (n <= 0) return;
    for (int i = 0; i < n; ++i) {
      const int fd = static_cast<int>(events[i].data.u64);
      if (slots_[static_cast<size_t>(fd)].active) Conclude(fd);  // else an idle spare
    }
    if (n < 256) return;
  }
}

void ConnectProber::ArmTimer() {
  if (timer_armed_ || deadlines_.empty() || closed_) return;
  timer_armed_ = true;
  timer_.expires_at(deadlines_.front().when);
  timer_.async_wait([this, alive = alive_](const std::error_code& ec) {
    if (ec || !*alive) return;
    timer_armed_ = false;
    OnTimer();
  });
}

void ConnectProber::OnTimer() {
  // Late completions first: an answer that is already queued is not a timeout.
  Harvest();
  const Clock::time_point now = Clock::now();
  while (!deadlines_.empty()) {
    const Deadline d = deadlines_.front();
    const Slot& slot = slots_[static_cast<size_t>(d.fd)];
    if (!slot.active || slot.serial != d.serial) {
      deadlines_.pop_front();  // finished earlier; the descriptor may be reused
      continue;
    }
    if (d.when > now) break;
    deadlines_.pop_front();
    Finish(d.fd, PortState::kTimeout, 0, false);
  }
  ArmTimer();
}

std::vector<uint64_t> ConnectProber::AbortIf(const std::function<bool(Ipv4)>& should_abort) {
  std::vector<uint64_t> tokens;
  for (size_t fd = 0; fd < slots_.size(); ++fd) {
    Slot& slot = slots_[fd];
    if (!slot.active || !should_abort(slot.target.ip)) continue;
    slot.active = false;
    --in_flight_;
    CloseDescriptor(static_cast<int>(fd));
    tokens.push_back(slot.token);
  }
  return tokens;
}

}  // namespace narrowscan

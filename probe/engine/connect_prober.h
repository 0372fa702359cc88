// ConnectProber: many non-blocking TCP connects at once with no per-attempt Asio
// objects. Attempts live in their own epoll set (one descriptor registered with the
// io_context) and, because all share one timeout, their deadlines form a FIFO in
// dispatch order.
//
// A scan of mostly closed or filtered ports spends its time in the kernel's socket
// setup and teardown, so descriptors are recycled. Each socket joins the epoll set
// once, edge-triggered, and stays there while it is reused. When it signals, a second
// connect() both reads the outcome and, for a refusal or unreachable, returns the
// socket to the unconnected state (Linux's __inet_stream_connect: 0 once connected,
// EALREADY while in progress, else the pending error with a disconnect); a timed-out
// attempt is disconnected with connect(AF_UNSPEC) (connect(2), Linux since 2.2).
// Steady state, a refused attempt costs two system calls — connect, connect — instead
// of socket, connect, epoll_ctl, getsockopt, close. Every connect of a recycled socket
// gets a fresh source port and address from the kernel. An event is only a hint: a
// stale one (from the disconnect of an earlier use) finds the attempt still in
// progress and is ignored, and one for an idle spare is dropped.
//
// Descriptors: in-flight attempts + recycled spares + those the owner says it holds
// elsewhere (set_descriptors_elsewhere: its banner sessions) never exceed
// descriptor_limit through recycling, so spares cost no file-descriptor headroom
// beyond the owner's own concurrency cap.
//
// Each attempt ends exactly once through the callback (never for Abort*): open hands
// over the connected descriptor (the callee owns it), every other state gets -1.
// Callbacks run from the io_context, never from inside Start().
#ifndef NARROWSCAN_PROBE_ENGINE_CONNECT_PROBER_H_
#define NARROWSCAN_PROBE_ENGINE_CONNECT_PROBER_H_

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "probe/engine/scan_result.h"
#include "probe/engine/target_space.h"

namespace narrowscan {

// The state a failed connect means: refused (or disconnected without an error) is
// closed, the host answering through a router that it is not there (EHOSTUNREACH) is
// closed too; anything else — ENETUNREACH (no route here), EACCES, ENOBUFS, … — is a
// local problem, an `error` counted as such, never evidence that the port is closed.
PortState StateOfConnectError(int error);

class ConnectProber {
 public:
  struct Outcome {
    uint64_t token;
    Target target;
    PortState state;
    int fd;  // open: the connected socket, owned by the callee; else -1
    uint32_t connect_ms;
    std::string error;
  };
  using Callback = std::function<void(Outcome&&)>;

  ConnectProber(asio::io_context& io, std::chrono::milliseconds timeout, size_t descriptor_limit,
                Callback on_outcome);
  ~ConnectProber();
  ConnectProber(const ConnectProber&) = delete;
  ConnectProber& operator=(const ConnectProber&) = delete;

  Status Open();  // creates the epoll set; call once before Start
  // Stops waiting for events and deadlines (the io_context can then run out) and
  // closes the recycled sockets. REQUIRES: pending() == 0.
  void Close();
  void Start(Target target, uint64_t token);
  size_t in_flight() const { return in_flight_; }
  // Attempts not yet delivered: in flight, or finished and waiting for the callback.
  size_t pending() const { return in_flight_ + ready_.size(); }
  // Idle recycled sockets (open descriptors beyond pending()).
  size_t spares() const { return spares_.size(); }
  // Descriptors of the same budget the owner holds (sessions it took over); spares
  // beyond what the budget leaves are closed.
  void set_descriptors_elsewhere(size_t n);
  // Ends attempts without a callback; returns the tokens of those it ended.
  std::vector<uint64_t> AbortIf(const std::function<bool(Ipv4)>& should_abort);

 private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    bool active = false;
    bool registered = false;  // in the epoll set
    uint32_t serial = 0;      // tells a reused descriptor from the attempt a deadline names
    uint64_t token = 0;
    Target target;
    Clock::time_point started;
  };
  struct Deadline {
    Clock::time_point when;
    int fd;
    uint32_t serial;
  };

  // The outcome of the attempt on fd by a second connect(); false while in progress.
  bool Conclude(int fd);
  // disconnected: the kernel already returned the socket to the unconnected state.
  void Finish(int fd, PortState state, int error, bool disconnected);
  // Ends the descriptor of a finished attempt: back to the spares, or closed.
  void Recycle(int fd, bool disconnected);
  void CloseDescriptor(int fd);
  void Deliver();
  void WaitEvents();
  void Harvest();
  void ArmTimer();
  void OnTimer();

  asio::io_context& io_;
  std::chrono::milliseconds timeout_;
  size_t descriptor_limit_;
  size_t descriptors_elsewhere_ = 0;
  Callback on_outcome_;
  int epoll_fd_ = -1;
  std::unique_ptr<asio::posix::stream_descriptor> events_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  bool closed_ = false;
  bool delivery_posted_ = false;
  std::vector<Slot> slots_;  // indexed by descriptor
  std::vector<int> spares_;  // unconnected sockets, still in the epoll set
  std::deque<Deadline> deadlines_;
  std::vector<Outcome> ready_;  // finished, waiting for delivery from the event loop
  size_t in_flight_ = 0;
  uint32_t next_serial_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_CONNECT_PROBER_H_

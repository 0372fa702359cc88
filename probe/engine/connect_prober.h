// ConnectProber: many non-blocking TCP connects at once with no per-attempt Asio
// objects. Attempts live in their own epoll set (one descriptor registered with the
// io_context) and, because all share one timeout, their deadlines form a FIFO in
// dispatch order. Per attempt: socket, connect, epoll_ctl, getsockopt, close — the
// fewest system calls a connect scan can make, which is what a scan of mostly closed
// ports spends its time on.
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

  ConnectProber(asio::io_context& io, std::chrono::milliseconds timeout, Callback on_outcome);
  ~ConnectProber();
  ConnectProber(const ConnectProber&) = delete;
  ConnectProber& operator=(const ConnectProber&) = delete;

  Status Open();  // creates the epoll set; call once before Start
  // Stops waiting for events and deadlines (the io_context can then run out).
  // REQUIRES: pending() == 0.
  void Close();
  void Start(Target target, uint64_t token);
  size_t in_flight() const { return in_flight_; }
  // Attempts not yet delivered: in flight, or finished and waiting for the callback.
  size_t pending() const { return in_flight_ + ready_.size(); }
  // Ends attempts without a callback; returns the tokens of those it ended.
  std::vector<uint64_t> AbortIf(const std::function<bool(Ipv4)>& should_abort);

 private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    bool active = false;
    uint32_t serial = 0;  // tells a reused descriptor from the attempt a deadline names
    uint64_t token = 0;
    Target target;
    Clock::time_point started;
  };
  struct Deadline {
    Clock::time_point when;
    int fd;
    uint32_t serial;
  };

  void Finish(int fd, PortState state, int error);
  void Deliver();
  void WaitEvents();
  void Harvest();
  void ArmTimer();
  void OnTimer();

  asio::io_context& io_;
  std::chrono::milliseconds timeout_;
  Callback on_outcome_;
  int epoll_fd_ = -1;
  std::unique_ptr<asio::posix::stream_descriptor> events_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  bool closed_ = false;
  bool delivery_posted_ = false;
  std::vector<Slot> slots_;  // indexed by descriptor
  std::deque<Deadline> deadlines_;
  std::vector<Outcome> ready_;  // finished, waiting for delivery from the event loop
  size_t in_flight_ = 0;
  uint32_t next_serial_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_CONNECT_PROBER_H_

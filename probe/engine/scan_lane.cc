#include "probe/engine/scan_lane.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/rate_limiter.h"
#include "common/target_permutation.h"
#include "probe/engine/connect_prober.h"
#include "probe/engine/syn_packet.h"
#include "probe/engine/syn_socket.h"
#include "probe/engine/tcp_session.h"

namespace narrowscan {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class ScanLaneImpl final : public ScanLane, public std::enable_shared_from_this<ScanLaneImpl> {
 public:
  ScanLaneImpl(asio::io_context& io, ScanConfig config, Role role,
               std::shared_ptr<const TargetSpace> targets, std::shared_ptr<ScanCounters> counters,
               Callbacks callbacks, std::shared_ptr<SynShared> syn_shared)
      : io_(io),
        config_(std::move(config)),
        role_(role),
        targets_(std::move(targets)),
        counters_holder_(std::move(counters)),
        counters_(*counters_holder_),
        callbacks_(std::move(callbacks)),
        syn_shared_(std::move(syn_shared)),
        global_(config_.rate > 0 ? config_.rate : 1, std::max(4.0, config_.rate * 0.05), NowNs()),
        per24_(kUnboundedRate, config_.rate_per_24, SteadyClock()),
        env_(io_, config_, counters_),
        pump_timer_(io_),
        syn_timer_(io_) {
    if (!targets_->Empty()) {
      permutation_.emplace(targets_->Size(), config_.seed, config_.shard, config_.shards);
      if (config_.start_position > 0) permutation_->Seek(config_.start_position);
    }
    published_ = config_.start_position;
    config_.scope.Size();  // build lookup caches before use
    config_.exclusions.Size();
  }

  Status Start() override {
    if (config_.rate <= 0) return Error{"rate must be > 0"};
    if (config_.max_concurrency == 0) return Error{"max concurrency must be > 0"};
    if (config_.grab_banners && role_ != Role::kSynSender) {
      auto tls = TlsClientConfig::Create();
      if (!tls.ok()) return Error{tls.error()};
      env_.tls = *tls;
    }
    // Callbacks stored in members capture `this`, not a shared_ptr: a member holding
    // its owner would keep the engine alive forever.
    if (!config_.syn) {
      prober_ = std::make_unique<ConnectProber>(
          io_, config_.connect_timeout, config_.max_concurrency,
          [this](ConnectProber::Outcome&& o) { OnProbe(std::move(o)); });
      Status opened = prober_->Open();
      if (!opened.ok()) return opened;
    }
    if (config_.syn) {
      auto socket = SynSocket::Open(io_, /*receive=*/role_ == Role::kSynReceiver);
      if (!socket.ok()) return Error{socket.error()};
      syn_ = std::move(*socket);
      syn_key_ = syn_shared_->key;
      if (role_ == Role::kSynReceiver) {
        syn_shared_->receive_fd = syn_->receive_descriptor();
        syn_shared_->receiver_io = &io_;
        {
          std::lock_guard lock(syn_shared_->mutex);
          syn_shared_->deliver = [this](const SynReply& reply) { OnSynReply(reply); };
        }
      } else {
        if (syn_shared_->receive_fd < 0) return Error{"--syn: no receiving lane"};
        Status shared = syn_->ShareReceive(syn_shared_->receive_fd);
        if (!shared.ok()) return shared;
      }
      syn_->ReceiveLoop([this](std::span<const uint8_t> packet) { OnSynPacket(packet); });
    }
    started_ = true;
    // Start from an empty bucket: the first 50 ms must not go out as one burst.
    for (const int64_t now = NowNs(); global_.TryTake(now);) {
    }
    if (!permutation_) exhausted_ = true;
    if (exhausted_ && config_.syn) StartSynDrain();
    asio::post(io_, [self = shared_from_this()] { self->Pump(); });
    return Status::Ok();
  }

  void UpdateExclusions(RangeSet exclusions) override {
    exclusions.Size();
    asio::post(io_, [self = shared_from_this(), ex = std::move(exclusions)]() mutable {
      self->config_.exclusions = std::move(ex);
      std::vector<TcpSession*> now_excluded;
      for (const auto& [s, sequence] : self->active_) {
        if (!self->Allowed(s->ip())) now_excluded.push_back(s);
      }
      // Their pairs count as skipped: excluded now, whatever they were at the start.
      if (self->prober_) {
        for (uint64_t sequence :
             self->prober_->AbortIf([&](Ipv4 ip) { return !self->Allowed(ip); })) {
          self->positions_.erase(sequence);
          self->MarkDispatchedDone(sequence);
          Bump(self->counters_.excluded);
          Bump(self->counters_.done);
        }
      }
      for (TcpSession* s : now_excluded) {
        self->AbortSession(s, /*pair_done=*/true);
        Bump(self->counters_.excluded);
        Bump(self->counters_.done);
      }
      self->Pump();
    });
  }

  void Pause() override {
    asio::post(io_, [self = shared_from_this()] { self->paused_ = true; });
  }
  void Resume() override {
    asio::post(io_, [self = shared_from_this()] {
      self->paused_ = false;
      self->Pump();
    });
  }
  void Stop() override {
    asio::post(io_, [self = shared_from_this()] {
      if (self->finished_) return;
      self->stopping_ = true;  // pending_ stays: the checkpoint must not skip it
      std::vector<TcpSession*> all;
      for (const auto& [s, sequence] : self->active_) all.push_back(s);
      // Unfinished pairs stay before the checkpoint: a resumed scan redoes them.
      for (TcpSession* s : all) self->AbortSession(s, /*pair_done=*/false);
      if (self->prober_) {
        for (uint64_t sequence : self->prober_->AbortIf([](Ipv4) { return true; })) {
          self->positions_.erase(sequence);
        }
      }
      self->MaybeFinish();
    });
  }

  // The owner is going away: no more attempts, no more callbacks; the sockets close.
  // Runs on the io_context thread (or with the io_context stopped).
  void Shutdown() override {
    callbacks_ = {};
    stopping_ = true;
    DoneSending();
    StopDeliveries();
    std::vector<TcpSession*> all;
    for (const auto& [s, sequence] : active_) all.push_back(s);
    for (TcpSession* s : all) AbortSession(s, /*pair_done=*/false);
    if (prober_) {
      prober_->AbortIf([](Ipv4) { return true; });
      prober_->Close();
    }
    if (syn_) syn_->Close();
    pump_timer_.cancel();
    syn_timer_.cancel();
    finished_ = true;
  }

  bool Finished() const override { return finished_; }

  uint64_t CheckpointPosition() const override {
    if (!permutation_) return 0;
    if (config_.syn) return SynCheckpoint();
    if (!dispatched_.empty()) return dispatched_.front().position;
    if (pending_) return pending_->position;
    return permutation_->Position();
  }

 private:
  struct Pending {
    Target target;
    uint64_t position;  // the cursor before Next() yielded this pair
  };
  struct Dispatched {
    uint64_t position;
    bool done;
  };

  bool Allowed(Ipv4 ip) const {
    if (!config_.scope.Empty() && !config_.scope.Contains(ip)) return false;
    return !config_.exclusions.Contains(ip);
  }

  // Sessions hold descriptors of the same concurrency budget as the prober's spares.
  void SessionsChanged() {
    if (prober_) prober_->set_descriptors_elsewhere(active_.size());
  }

  uint64_t OpenSockets() const { return active_.size() + (prober_ ? prober_->pending() : 0); }

  void AbortSession(TcpSession* session, bool pair_done) {
    auto it = active_.find(session);
    if (it == active_.end()) return;
    const std::optional<uint64_t> sequence = it->second;
    active_.erase(it);
    SessionsChanged();
    counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (pair_done && sequence) MarkDispatchedDone(*sequence);
    session->Abort();
  }

  void MarkDispatchedDone(uint64_t sequence) {
    dispatched_[sequence - dispatched_base_].done = true;
    while (!dispatched_.empty() && dispatched_.front().done) {
      dispatched_.pop_front();
      ++dispatched_base_;
    }
  }

  // Starts as many attempts as rate, concurrency and pause allow, then sleeps until
  // the next token (or until a session ends frees a slot).
  void Pump() {
    if (!started_ || finished_ || stopping_ || exhausted_) return MaybeFinish();
    if (pumping_) return;
    pumping_ = true;
    const int64_t now = NowNs();
    while (!paused_) {
      if (!config_.syn && OpenSockets() >= config_.max_concurrency) break;
      if (!pending_) {
        const uint64_t before = permutation_->Position();
        std::optional<uint64_t> index = permutation_->Next();
        if (!index) {
          exhausted_ = true;
          break;
        }
        pending_ = Pending{targets_->At(*index), before};
      }
      if (!Allowed(pending_->target.ip)) {
        Bump(counters_.excluded);
        Bump(counters_.done);
        pending_.reset();
        continue;
      }
      const int64_t tick = NowNs();
      if (const int64_t wait = global_.WaitNs(tick); wait > 0) {
        ArmPump(wait);
        break;
      }
      if (config_.rate_per_24 > 0 && !per24_.TryAcquire(pending_->target.ip)) {
        ArmPump(1000000);  // this /24 is at its cap: poll again shortly
        break;
      }
      global_.TryTake(tick);
      if (counters_.first_attempt_ns.load(std::memory_order_relaxed) == 0) {
        counters_.first_attempt_ns.store(now, std::memory_order_relaxed);
      }
      counters_.last_attempt_ns.store(NowNs(), std::memory_order_relaxed);
      Bump(counters_.attempts);
      if (config_.syn) {
        SendSyn(*pending_);
      } else {
        Launch(*pending_);
      }
      pending_.reset();
    }
    if (syn_ && syn_->queued() > 0) FlushSyn();
    pumping_ = false;
    if (exhausted_) {
      if (config_.syn && !syn_draining_) StartSynDrain();
      MaybeFinish();
    }
    Publish();
  }

  void Publish() {
    if (!callbacks_.on_checkpoint) return;
    const uint64_t position = CheckpointPosition();
    if (position == published_) return;
    published_ = position;
    callbacks_.on_checkpoint(position);
  }

  void ArmPump(int64_t wait_ns) {
    if (pump_armed_) return;
    pump_armed_ = true;
    pump_timer_.expires_after(std::chrono::nanoseconds(wait_ns));
    pump_timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      self->pump_armed_ = false;
      if (!ec) self->Pump();
    });
  }

  void Launch(const Pending& p) {
    const uint64_t sequence = dispatched_base_ + dispatched_.size();
    dispatched_.push_back(Dispatched{p.position, false});
    positions_.emplace(sequence, p.position);
    prober_->Start(p.target, sequence);
  }

  // A connect attempt ended: report it, or hand an open socket to a banner session.
  void OnProbe(ConnectProber::Outcome&& o) {
    const uint64_t sequence = o.token;
    const uint64_t position = positions_[sequence];
    positions_.erase(sequence);
    if (o.state == PortState::kOpen && (!Allowed(o.target.ip) || stopping_)) {
      ::close(o.fd);
      if (!stopping_) {
        MarkDispatchedDone(sequence);
        Bump(counters_.excluded);
        Bump(counters_.done);
      }
      return SchedulePump();
    }
    if (o.state == PortState::kOpen && config_.grab_banners) {
      Bump(counters_.in_flight);
      auto session = std::make_shared<TcpSession>(
          env_, o.target.ip, o.target.port, position,
          [self = shared_from_this(), sequence](TcpSession* s, ScanResult&& r) {
            self->OnSessionDone(s, std::move(r), sequence);
          });
      active_.emplace(session.get(), sequence);
      SessionsChanged();
      session->StartConnected(o.fd, o.connect_ms);
      return;
    }
    if (o.fd >= 0) {
      // Port state only: close with a RST, as a SYN scanner's kernel would.
      const linger abortive{1, 0};
      ::setsockopt(o.fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
      ::close(o.fd);
    }
    ScanResult r;
    r.ip = o.target.ip;
    r.port = o.target.port;
    r.state = o.state;
    r.position = position;
    r.connect_ms = r.total_ms = o.connect_ms;
    r.started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                        o.connect_ms;
    r.error = std::move(o.error);
    MarkDispatchedDone(sequence);
    Report(std::move(r));
    SchedulePump();
  }

  void SchedulePump() {
    if (pump_posted_) return;
    pump_posted_ = true;
    asio::post(io_, [self = shared_from_this()] {
      self->pump_posted_ = false;
      self->Pump();
    });
  }

  void StartSession(Target t, uint64_t position, std::optional<uint64_t> sequence) {
    Bump(counters_.in_flight);
    auto session = std::make_shared<TcpSession>(
        env_, t.ip, t.port, position,
        [self = shared_from_this(), sequence](TcpSession* s, ScanResult&& r) {
          self->OnSessionDone(s, std::move(r), sequence);
        });
    active_.emplace(session.get(), sequence);
    SessionsChanged();
    session->Start();
  }

  void OnSessionDone(TcpSession* session, ScanResult&& result, std::optional<uint64_t> sequence) {
    active_.erase(session);
    SessionsChanged();
    counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (sequence) MarkDispatchedDone(*sequence);
    if (config_.syn) result.state = PortState::kOpen;  // it answered the SYN: open
    Report(std::move(result));
    if (!sequence && !syn_grab_queue_.empty()) StartQueuedGrabs();
    // Free a slot: continue from the event loop so deep completion chains stay flat.
    SchedulePump();
  }

  void Report(ScanResult&& result) {
    switch (result.state) {
      case PortState::kOpen:
        Bump(counters_.open);
        break;
      case PortState::kClosed:
        Bump(counters_.closed);
        break;
      case PortState::kTimeout:
        Bump(counters_.timeout);
        break;
      case PortState::kError:
        Bump(counters_.errors);
        break;
    }
    if (!config_.syn) Bump(counters_.done);
    if (config_.open_only && result.state != PortState::kOpen) return;
    if (callbacks_.on_result) callbacks_.on_result(std::move(result));
  }

  // --- --syn mode ---------------------------------------------------------------

  void SendSyn(const Pending& p) {
    Ipv4 source = config_.syn_source;
    if (source == 0) {
      auto routed = syn_->SourceFor(p.target.ip);
      if (!routed.ok()) {
        ScanResult r;
        r.ip = p.target.ip;
        r.port = p.target.port;
        r.position = p.position;
        r.state = PortState::kError;
        r.error = routed.error();
        Report(std::move(r));
        return;
      }
      source = *routed;
    }
    uint8_t packet[kSynPacketSize];
    const SynCookie cookie = MakeSynCookie(syn_key_, source, p.target.ip, p.target.port);
    BuildSynPacket(packet, source, p.target.ip, p.target.port, cookie, ip_id_++);
    if (syn_->queued() == SynSocket::kBatch) FlushSyn();
    syn_->Queue(p.target.ip, packet);
    Bump(counters_.bytes_sent, kSynPacketSize);
    Bump(counters_.done);
    // Checkpoint history: the position reached at this time.
    const int64_t now = NowNs();
    if (syn_history_.empty() || now - syn_history_.back().first > 50'000'000) {
      syn_history_.emplace_back(now, permutation_->Position());
    }
  }

  void FlushSyn() {
    // The kernel's queue can be briefly full at high rates: wait for it to drain (the
    // send rate is the point of this mode, and hard errors empty the queue).
    while (syn_->queued() > 0) {
      if (syn_->Flush() == 0 && syn_->queued() > 0) ::usleep(50);
    }
    syn_->ReceiveNow();
    if (!to_forward_.empty()) Forward();
  }

  void OnSynPacket(std::span<const uint8_t> packet) {
    std::optional<SynReply> reply = ParseSynReply(packet, syn_key_);
    if (!reply) return;
    Bump(counters_.bytes_received, packet.size());
    if (role_ == Role::kSynSender) {
      to_forward_.push_back(*reply);
    } else {
      OnSynReply(*reply);
    }
  }

  // A sending lane hands the replies it read to the receiving lane's thread.
  void Forward() {
    SynShared& shared = *syn_shared_;
    std::lock_guard lock(shared.mutex);
    shared.forwarded.insert(shared.forwarded.end(), to_forward_.begin(), to_forward_.end());
    to_forward_.clear();
    if (shared.delivery_posted || !shared.deliver) return;
    shared.delivery_posted = true;
    asio::post(*shared.receiver_io, [syn = syn_shared_] {
      std::vector<SynReply> batch;
      std::function<void(const SynReply&)> deliver;
      {
        std::lock_guard lock(syn->mutex);
        syn->delivery_posted = false;
        batch.swap(syn->forwarded);
        deliver = syn->deliver;
      }
      if (!deliver) return;
      for (const SynReply& reply : batch) deliver(reply);
    });
  }

  // The receiving lane ends: forwarded replies are dropped from now on.
  void StopDeliveries() {
    if (role_ != Role::kSynReceiver || !syn_shared_) return;
    std::lock_guard lock(syn_shared_->mutex);
    syn_shared_->deliver = nullptr;
  }

  void OnSynReply(const SynReply& reply) {
    if (finished_ || !Allowed(reply.ip)) return;
    const uint64_t key = (uint64_t{reply.ip} << 16) | reply.port;
    if (!syn_seen_.insert(key).second) return;  // retransmitted SYN-ACK
    if (!reply.open || !config_.grab_banners) {
      ScanResult r;
      r.ip = reply.ip;
      r.port = reply.port;
      r.state = reply.open ? PortState::kOpen : PortState::kClosed;
      Report(std::move(r));
      return;
    }
    syn_grab_queue_.push_back(Target{reply.ip, reply.port});
    StartQueuedGrabs();
  }

  void StartQueuedGrabs() {
    while (!syn_grab_queue_.empty() && OpenSockets() < config_.max_concurrency && !stopping_) {
      const Target t = syn_grab_queue_.front();
      syn_grab_queue_.pop_front();
      if (!Allowed(t.ip)) continue;
      StartSession(t, 0, std::nullopt);
    }
  }

  void StartSynDrain() {
    syn_draining_ = true;
    DoneSending();
    if (role_ == Role::kSynSender) {  // the receiving lane listens for our replies
      syn_->Close();
      syn_closed_ = true;
      return MaybeFinish();
    }
    PollSynDrain();
  }

  // Tells the receiving lane this lane sends no more (once).
  void DoneSending() {
    if (!config_.syn || done_sending_ || !syn_shared_) return;
    done_sending_ = true;
    const int64_t now = NowNs();
    int64_t last = syn_shared_->last_send_ns.load();
    while (last < now && !syn_shared_->last_send_ns.compare_exchange_weak(last, now)) {
    }
    syn_shared_->sending.fetch_sub(1);
  }

  void PollSynDrain() {
    syn_->ReceiveNow();
    if (!to_forward_.empty()) Forward();
    Publish();
    const bool others_sending = syn_shared_->sending.load() > 0;
    const int64_t until =
        syn_shared_->last_send_ns.load() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(config_.syn_wait).count();
    if (!others_sending && NowNs() >= until) {
      syn_->Close();
      syn_closed_ = true;
      return MaybeFinish();
    }
    syn_timer_.expires_after(std::chrono::milliseconds(5));
    syn_timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (!ec && !self->syn_closed_) self->PollSynDrain();
    });
  }

  uint64_t SynCheckpoint() const {
    // Replies to SYNs sent within syn_wait may still come, and grabs started from them
    // may still run: go back to a position old enough that all of its work is done.
    // A sending lane cannot see the grabs of its replies: it assumes one may run.
    std::chrono::nanoseconds back = config_.syn_wait;
    if (!active_.empty() || !syn_grab_queue_.empty() ||
        (role_ == Role::kSynSender && config_.grab_banners)) {
      back += config_.connect_timeout + config_.grab_timeout;
    }
    if (finished_ && exhausted_ && !stopping_ && role_ == Role::kSynReceiver) {
      return permutation_->Position();
    }
    const int64_t limit = NowNs() - back.count();
    auto after = std::upper_bound(
        syn_history_.begin(), syn_history_.end(), limit,
        [](int64_t t, const std::pair<int64_t, uint64_t>& entry) { return t < entry.first; });
    return after == syn_history_.begin() ? config_.start_position : std::prev(after)->second;
  }

  void MaybeFinish() {
    if (finished_ || !started_) return;
    const bool sending_done = exhausted_ || stopping_;
    const bool syn_done = !config_.syn || syn_closed_ || stopping_;
    if (!sending_done || !syn_done || !active_.empty()) return;
    if (prober_ && prober_->pending() > 0) return;
    if (config_.syn && !syn_grab_queue_.empty() && !stopping_) return StartQueuedGrabs();
    finished_ = true;
    pump_timer_.cancel();
    syn_timer_.cancel();
    if (syn_) syn_->Close();
    if (prober_) prober_->Close();
    DoneSending();
    StopDeliveries();
    Publish();
    if (callbacks_.on_done) {
      std::function<void()> done = std::move(callbacks_.on_done);
      done();
    }
  }

  asio::io_context& io_;
  ScanConfig config_;
  const Role role_;
  std::shared_ptr<const TargetSpace> targets_;
  std::shared_ptr<ScanCounters> counters_holder_;  // shared by the lanes; outlives our handlers
  ScanCounters& counters_;
  Callbacks callbacks_;
  std::shared_ptr<SynShared> syn_shared_;
  uint64_t published_ = 0;  // the last position given to on_checkpoint
  // The global pace is our own bucket of 50 ms of tokens (at least 4): RateLimiter's
  // holds 10 ms, a single token below 100/s, so late timer wake-ups on a loaded board
  // were lost and the rate fell short (-5.7% at 100/s, -4.4% at 10,000/s under load).
  // 50 ms absorbs that lateness without letting a pause release a flood. The per-/24
  // cap is RateLimiter's, with a global rate that never binds.
  static constexpr double kUnboundedRate = 1e12;
  TokenBucket global_;
  RateLimiter per24_;
  SessionEnvironment env_;
  std::optional<TargetPermutation> permutation_;
  std::optional<Pending> pending_;
  std::deque<Dispatched> dispatched_;                 // connect mode, in dispatch order
  std::unordered_map<uint64_t, uint64_t> positions_;  // sequence -> position, while connecting
  uint64_t dispatched_base_ = 0;                      // sequence number of dispatched_.front()
  // Open sessions and their dispatch sequence numbers (none for --syn grabs).
  std::unordered_map<TcpSession*, std::optional<uint64_t>> active_;
  asio::steady_timer pump_timer_;
  bool started_ = false, finished_ = false, stopping_ = false, paused_ = false;
  bool exhausted_ = false, pumping_ = false, pump_armed_ = false, pump_posted_ = false;

  std::unique_ptr<ConnectProber> prober_;  // connect mode
  std::unique_ptr<SynSocket> syn_;
  SynCookieKey syn_key_;
  uint16_t ip_id_ = 1;
  std::unordered_set<uint64_t> syn_seen_;
  std::vector<SynReply> to_forward_;  // a sending lane's replies, until Forward()
  std::deque<Target> syn_grab_queue_;
  std::deque<std::pair<int64_t, uint64_t>> syn_history_;
  asio::steady_timer syn_timer_;
  bool syn_draining_ = false, syn_closed_ = false, done_sending_ = false;
};

}  // namespace

std::shared_ptr<ScanLane> ScanLane::Create(asio::io_context& io, ScanConfig config, Role role,
                                           std::shared_ptr<const TargetSpace> targets,
                                           std::shared_ptr<ScanCounters> counters,
                                           Callbacks callbacks,
                                           std::shared_ptr<SynShared> syn_shared) {
  return std::make_shared<ScanLaneImpl>(io, std::move(config), role, std::move(targets), counters,
                                        std::move(callbacks), std::move(syn_shared));
}

}  // namespace narrowscan

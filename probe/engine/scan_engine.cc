#include "probe/engine/scan_engine.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <random>
#include <thread>

#include "probe/engine/lane_outbox.h"
#include "probe/engine/scan_lane.h"

namespace narrowscan {

const char* PortStateName(PortState state) {
  switch (state) {
    case PortState::kOpen:
      return "open";
    case PortState::kClosed:
      return "closed";
    case PortState::kTimeout:
      return "timeout";
    case PortState::kError:
      return "error";
  }
  return "error";
}

bool HasRawSocketCapability() {
  const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

namespace {

// Lane j of k: the sub-shard shard + j*shards of shards*k, with its share of the
// pace and of the sockets.
ScanConfig LaneConfig(const ScanConfig& scan, uint32_t j) {
  const uint32_t k = scan.threads;
  ScanConfig lane = scan;
  lane.threads = 1;
  lane.start_positions.clear();
  lane.shard = scan.shard + j * scan.shards;
  lane.shards = scan.shards * k;
  lane.rate = scan.rate / k;
  lane.rate_per_24 = scan.rate_per_24 / k;
  if (!scan.syn) {  // --syn: lane 0 does all the grabbing
    lane.max_concurrency = std::max<uint32_t>(1, scan.max_concurrency / k);
    lane.max_tls_sessions = std::max<uint32_t>(1, scan.max_tls_sessions / k);
  }
  if (k > 1) lane.start_position = scan.start_positions.empty() ? 0 : scan.start_positions[j];
  return lane;
}

}  // namespace

class ScanEngine::Impl {
 public:
  Impl(asio::io_context& io, ScanConfig config, TargetSpace targets, ResultCallback on_result)
      : io_(io),
        config_(std::move(config)),
        targets_(std::make_shared<const TargetSpace>(std::move(targets))),
        on_result_(std::move(on_result)) {}

  ~Impl() {
    for (auto& r : remotes_) {
      r->outbox->Close();
      r->io->stop();
    }
    for (auto& r : remotes_) {
      if (r->thread.joinable()) r->thread.join();
      r->lane->Shutdown();  // its io_context is stopped: allowed from here
    }
    if (local_) local_->Shutdown();
    owner_work_.reset();
  }

  Status Start(DoneCallback on_done) {
    on_done_ = std::move(on_done);
    const uint32_t k = config_.threads;
    if (k == 0) return Error{"threads must be >= 1"};
    if (!config_.start_positions.empty() && config_.start_positions.size() != k) {
      return Error{"resume: " + std::to_string(config_.start_positions.size()) +
                   " lane positions for " + std::to_string(k) + " threads"};
    }
    std::shared_ptr<SynShared> syn;
    if (config_.syn) {
      syn = std::make_shared<SynShared>();
      std::random_device rd;
      syn->key = SynCookieKey{(uint64_t{rd()} << 32) | rd(), (uint64_t{rd()} << 32) | rd()};
      syn->sending = k;
    }
    for (uint32_t j = 0; j < k; ++j) {
      const ScanConfig lane_config = LaneConfig(config_, j);
      const ScanLane::Role role = !config_.syn ? ScanLane::Role::kConnect
                                  : j == 0     ? ScanLane::Role::kSynReceiver
                                               : ScanLane::Role::kSynSender;
      if (j == 0) {
        local_ = ScanLane::Create(io_, lane_config, role, targets_, counters_,
                                  {on_result_, [this] { LaneDone(); }, nullptr}, syn);
        continue;
      }
      auto r = std::make_unique<Remote>();
      r->io = std::make_unique<asio::io_context>(1);
      r->work.emplace(r->io->get_executor());
      r->outbox = std::make_shared<LaneOutbox>(
          io_, lane_config.start_position,
          [this](ScanResult&& result) {
            if (on_result_) on_result_(std::move(result));
          },
          [this] { LaneDone(); });
      ScanLane::Callbacks callbacks;
      callbacks.on_result = [outbox = r->outbox](ScanResult&& result) {
        outbox->Put(std::move(result));
      };
      callbacks.on_checkpoint = [outbox = r->outbox](uint64_t p) { outbox->Publish(p); };
      callbacks.on_done = [outbox = r->outbox, remote = r.get()] {
        outbox->Finish();
        remote->work.reset();  // the thread ends once the lane's sockets are closed
      };
      r->lane = ScanLane::Create(*r->io, lane_config, role, targets_, counters_,
                                 std::move(callbacks), syn);
      remotes_.push_back(std::move(r));
    }
    Status started = local_->Start();
    for (auto& r : remotes_) {
      if (started.ok()) started = r->lane->Start();
    }
    if (!started.ok()) {
      for (auto& r : remotes_) r->lane->Shutdown();
      local_->Shutdown();
      return started;
    }
    if (!remotes_.empty()) owner_work_.emplace(io_.get_executor());
    for (auto& r : remotes_) {
      r->thread = std::thread([io = r->io.get()] { io->run(); });
    }
    return Status::Ok();
  }

  void ForEachLane(const std::function<void(ScanLane&)>& f) {
    if (local_) f(*local_);
    for (auto& r : remotes_) f(*r->lane);
  }

  const ScanCounters& counters() const { return *counters_; }
  bool Finished() const { return finished_; }
  uint64_t TotalPairs() const { return (targets_->Size() + config_.shards - 1) / config_.shards; }

  std::vector<uint64_t> CheckpointPositions() const {
    if (!local_) {  // not started: where it would start
      if (config_.threads <= 1) return {config_.start_position};
      return config_.start_positions.empty() ? std::vector<uint64_t>(config_.threads, 0)
                                             : config_.start_positions;
    }
    std::vector<uint64_t> positions{local_->CheckpointPosition()};
    for (const auto& r : remotes_) positions.push_back(r->outbox->position());
    return positions;
  }

 private:
  // A lane with its own thread; its results reach the caller through the outbox.
  struct Remote {
    std::unique_ptr<asio::io_context> io;  // destroyed last: pending handlers hold the lane
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::shared_ptr<ScanLane> lane;
    std::shared_ptr<LaneOutbox> outbox;
    std::thread thread;
  };

  void LaneDone() {
    if (++lanes_done_ < config_.threads) return;
    finished_ = true;
    owner_work_.reset();
    if (on_done_) {
      DoneCallback done = std::move(on_done_);
      done();
    }
  }

  asio::io_context& io_;
  const ScanConfig config_;
  std::shared_ptr<const TargetSpace> targets_;
  std::shared_ptr<ScanCounters> counters_ = std::make_shared<ScanCounters>();
  ResultCallback on_result_;
  DoneCallback on_done_;
  std::shared_ptr<ScanLane> local_;  // lane 0, on the caller's io_context
  std::vector<std::unique_ptr<Remote>> remotes_;
  // Keeps the caller's io_context running while only other lanes have work.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> owner_work_;
  uint32_t lanes_done_ = 0;
  bool finished_ = false;
};

ScanEngine::ScanEngine(asio::io_context& io, ScanConfig config, TargetSpace targets,
                       ResultCallback on_result)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(targets),
                                   std::move(on_result))) {}
ScanEngine::~ScanEngine() = default;
Status ScanEngine::Start(DoneCallback on_done) { return impl_->Start(std::move(on_done)); }
void ScanEngine::UpdateExclusions(RangeSet exclusions) {
  exclusions.Size();  // builds the lookup cache before the lanes share it
  impl_->ForEachLane([&](ScanLane& lane) { lane.UpdateExclusions(exclusions); });
}
void ScanEngine::Pause() {
  impl_->ForEachLane([](ScanLane& lane) { lane.Pause(); });
}
void ScanEngine::Resume() {
  impl_->ForEachLane([](ScanLane& lane) { lane.Resume(); });
}
void ScanEngine::Stop() {
  impl_->ForEachLane([](ScanLane& lane) { lane.Stop(); });
}
const ScanCounters& ScanEngine::counters() const { return impl_->counters(); }
std::vector<uint64_t> ScanEngine::CheckpointPositions() const {
  return impl_->CheckpointPositions();
}
uint64_t ScanEngine::CheckpointPosition() const { return impl_->CheckpointPositions().front(); }
bool ScanEngine::Finished() const { return impl_->Finished(); }
uint64_t ScanEngine::TotalPairs() const { return impl_->TotalPairs(); }

}  // namespace narrowscan

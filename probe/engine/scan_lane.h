// ScanLane: one walk of one shard of a TargetSpace on one Asio io_context — the whole
// scan when ScanEngine runs one thread, one sub-shard per thread otherwise. It keeps
// every promise of ScanEngine's contract (pacing, safety checks, results, checkpoints,
// Pause/Resume/Stop, exclusion updates) for its own shard, with its config's rate,
// per-/24 cap and concurrency.
//
// --syn lanes share a SynShared: one cookie key, the receiving lane's raw socket, and
// the knowledge of which lanes are still sending. The receiving lane
// (Role::kSynReceiver) owns the raw receive socket; it reports every lane's replies,
// grabs their banners, and listens until syn_wait after the last lane stopped
// sending. Sending lanes (Role::kSynSender) also read that socket between their send
// batches, as the receiving lane does: the reader's thread pays for receiving, and a
// reader that falls behind slows its own sending instead of letting the socket's
// buffer overflow. They validate what they read and forward the replies to the
// receiving lane. Their checkpoint stays syn_wait (plus a grab's time when banners
// are grabbed) behind their sending, since their replies are handled elsewhere.
//
// Thread rules: Start() before the io_context runs or on its thread; Shutdown() on its
// thread or with it stopped; CheckpointPosition/Finished/TotalPairs on its thread;
// UpdateExclusions/Pause/Resume/Stop from anywhere (they post). Callbacks run on the
// lane's io_context thread; on_checkpoint (may be null) after every change of the
// checkpoint position, after the results it covers were passed to on_result.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_LANE_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_LANE_H_

#include <asio.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/range_set.h"
#include "common/result.h"
#include "probe/engine/scan_config.h"
#include "probe/engine/scan_counters.h"
#include "probe/engine/scan_result.h"
#include "probe/engine/syn_packet.h"
#include "probe/engine/target_space.h"

namespace narrowscan {

struct SynShared {
  SynCookieKey key;
  std::atomic<uint32_t> sending{0};      // lanes that have not finished sending
  std::atomic<int64_t> last_send_ns{0};  // steady-clock ns when the last one finished

  // Set by the receiving lane in Start(), before the sending lanes start.
  int receive_fd = -1;
  asio::io_context* receiver_io = nullptr;

  // Replies forwarded to the receiving lane: appended by senders, taken on its thread.
  std::mutex mutex;
  std::vector<SynReply> forwarded;
  bool delivery_posted = false;
  std::function<void(const SynReply&)> deliver;  // the receiving lane; null once it ended
};

class ScanLane {
 public:
  enum class Role { kConnect, kSynReceiver, kSynSender };
  struct Callbacks {
    std::function<void(ScanResult&&)> on_result;
    std::function<void()> on_done;
    std::function<void(uint64_t position)> on_checkpoint;
  };

  // syn_shared: required for the --syn roles (its `sending` = the number of --syn
  // lanes before any of them starts), ignored for kConnect.
  static std::shared_ptr<ScanLane> Create(asio::io_context& io, ScanConfig config, Role role,
                                          std::shared_ptr<const TargetSpace> targets,
                                          std::shared_ptr<ScanCounters> counters,
                                          Callbacks callbacks,
                                          std::shared_ptr<SynShared> syn_shared);
  virtual ~ScanLane() = default;

  virtual Status Start() = 0;
  virtual void Shutdown() = 0;  // no more attempts or callbacks; sockets close
  virtual void UpdateExclusions(RangeSet exclusions) = 0;
  virtual void Pause() = 0;
  virtual void Resume() = 0;
  virtual void Stop() = 0;
  virtual uint64_t CheckpointPosition() const = 0;
  virtual bool Finished() const = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SCAN_LANE_H_

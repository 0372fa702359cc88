// LaneOutbox: hands what a ScanLane on its own thread reports — results, checkpoint
// positions, its end — to the owner's io_context, in the order the lane reported them.
//
// Contract: Put/Publish/Finish may be called from one producer thread; deliveries run
// on the owner's io_context, batched (one posted handler drains everything queued so
// far, so a busy lane costs one mutex hand-off per result and one post per batch).
// position() (owner thread) is the last published position whose preceding results
// have all been delivered: a checkpoint taken from it never skips a result that has not
// reached on_result. After Close() (owner thread) nothing more is delivered.
#ifndef NARROWSCAN_PROBE_ENGINE_LANE_OUTBOX_H_
#define NARROWSCAN_PROBE_ENGINE_LANE_OUTBOX_H_

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "probe/engine/scan_result.h"

namespace narrowscan {

class LaneOutbox : public std::enable_shared_from_this<LaneOutbox> {
 public:
  LaneOutbox(asio::io_context& owner, uint64_t start_position,
             std::function<void(ScanResult&&)> on_result, std::function<void()> on_finished);

  // Producer thread.
  void Put(ScanResult&& result);
  void Publish(uint64_t position);
  void Finish();

  // Owner thread.
  uint64_t position() const { return delivered_position_; }
  bool finished() const { return delivered_finished_; }
  void Close();

 private:
  void PostDrainLocked();
  void Drain();

  asio::io_context& owner_;
  std::function<void(ScanResult&&)> on_result_;
  std::function<void()> on_finished_;

  std::mutex mutex_;  // guards the queued_* fields and drain_posted_
  std::vector<ScanResult> queued_results_;
  uint64_t queued_position_;
  bool queued_finished_ = false;
  bool drain_posted_ = false;

  // Owner thread only.
  uint64_t delivered_position_;
  bool delivered_finished_ = false;
  bool closed_ = false;
  std::vector<ScanResult> delivering_;  // reused: no allocation per batch
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_LANE_OUTBOX_H_

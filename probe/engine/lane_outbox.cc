#include "probe/engine/lane_outbox.h"

namespace narrowscan {

LaneOutbox::LaneOutbox(asio::io_context& owner, uint64_t start_position,
                       std::function<void(ScanResult&&)> on_result,
                       std::function<void()> on_finished)
    : owner_(owner),
      on_result_(std::move(on_result)),
      on_finished_(std::move(on_finished)),
      queued_position_(start_position),
      delivered_position_(start_position) {}

void LaneOutbox::Put(ScanResult&& result) {
  std::lock_guard lock(mutex_);
  queued_results_.push_back(std::move(result));
  PostDrainLocked();
}

void LaneOutbox::Publish(uint64_t position) {
  std::lock_guard lock(mutex_);
  queued_position_ = position;
  PostDrainLocked();
}

void LaneOutbox::Finish() {
  std::lock_guard lock(mutex_);
  queued_finished_ = true;
  PostDrainLocked();
}

void LaneOutbox::PostDrainLocked() {
  if (drain_posted_) return;
  drain_posted_ = true;
  asio::post(owner_, [self = shared_from_this()] { self->Drain(); });
}

void LaneOutbox::Drain() {
  uint64_t position;
  bool finished;
  {
    std::lock_guard lock(mutex_);
    drain_posted_ = false;
    delivering_.swap(queued_results_);
    position = queued_position_;
    finished = queued_finished_;
  }
  if (closed_) return delivering_.clear();
  // The position was queued after these results: it holds once they are delivered.
  for (ScanResult& r : delivering_) {
    if (on_result_) on_result_(std::move(r));
    if (closed_) break;  // the owner closed us from inside on_result
  }
  delivering_.clear();
  if (closed_) return;
  delivered_position_ = position;
  if (finished && !delivered_finished_) {
    delivered_finished_ = true;
    if (on_finished_) on_finished_();
  }
}

void LaneOutbox::Close() {
  closed_ = true;
  on_result_ = nullptr;
  on_finished_ = nullptr;
}

}  // namespace narrowscan

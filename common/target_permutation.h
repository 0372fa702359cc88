// TargetPermutation: a seedable pseudo-random bijection over the indices [0, N) of
// the (ip, port) pairs of a scan, as zmap does with a cyclic multiplicative group:
// pick the smallest prime p > N, a primitive root g of Z*_p derived from the seed,
// and walk x <- x * g mod p, skipping values > N. Every element of [1, p) is visited
// exactly once per cycle, so the order is a bijection and needs O(1) state.
//
// Sharding: the cycle positions are split into k shards by position modulo k
// (shard i takes positions i, i+k, i+2k, …), so shards are disjoint and their union
// is everything. Resuming: the state is just the position in the cycle.
#ifndef NARROWSCAN_COMMON_TARGET_PERMUTATION_H_
#define NARROWSCAN_COMMON_TARGET_PERMUTATION_H_

#include <cstdint>
#include <optional>

namespace narrowscan {

class TargetPermutation {
 public:
  // REQUIRES: 1 <= n <= 2^48, 0 <= shard < shards.
  TargetPermutation(uint64_t n, uint64_t seed, uint32_t shard = 0, uint32_t shards = 1);

  // The next index in [0, n) for this shard, or nullopt when the shard is done.
  std::optional<uint64_t> Next();

  // Cursor for checkpoints: Position() after k calls of Next(); Seek(pos) on a fresh
  // permutation with the same (n, seed, shard, shards) continues with exactly the
  // remaining order.
  uint64_t Position() const { return position_; }
  void Seek(uint64_t position);

  uint64_t size() const { return n_; }
  // Cycle steps this shard takes in all: the end; a position past it is not one of its.
  uint64_t steps() const { return steps_; }
  uint64_t prime() const { return p_; }

 private:
  uint64_t n_, p_, g_;     // g_ = generator^shards: one step of this shard
  uint64_t first_;         // first element of this shard's walk
  uint64_t current_;       // element at position_ (before filtering)
  uint64_t position_ = 0;  // number of cycle steps taken by this shard
  uint64_t steps_;         // number of cycle steps this shard takes in all
};

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_TARGET_PERMUTATION_H_

// FieldMatchMemo: a bounded memory of which keywords matched a field value, so a value
// that repeats (real scans repeat Server, realm and title values massively) is matched
// by RE2 once instead of once per banner.
//
// A key is (matcher, value): `matcher` names which group of keyword sets the value was
// run through (a fixed field or one HTTP header name), and the value is compared byte
// for byte, so a remembered answer is only ever reused for the exact same input. The
// answer is a list of words (the caller's encoding of the keywords found), returned as
// remembered.
//
// Bounded: values longer than kMaxValueBytes are never remembered (they rarely repeat),
// and once the remembered bytes exceed the budget given to the constructor everything
// is forgotten at once (a scan's repeating values come back within a few banners, so
// a cold restart costs little and needs no per-entry bookkeeping).
//
// Cheap when it misses, since real scans also carry values that never repeat: keys and
// answers are appended to two flat buffers and found through an open-addressing table
// of hashes, so neither a lookup nor (once the buffers have grown) a new entry
// allocates, and forgetting is clearing the buffers.
//
// Not thread-safe: each thread keeps its own (see Estimator).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace narrowscan {

class FieldMatchMemo {
 public:
  static constexpr size_t kMaxValueBytes = 1024;

  // budget_bytes: approximate memory (keys, answers, per-entry overhead) kept at most;
  // 0 remembers nothing.
  explicit FieldMatchMemo(size_t budget_bytes);

  // The remembered answer for (matcher, value), or nullopt. The span stays valid until
  // the next Remember().
  std::optional<std::span<const uint32_t>> Find(uint32_t matcher, std::string_view value) const;

  // Records the answer for (matcher, value); does nothing when the value is too long
  // or the memo has no budget. REQUIRES: Find(matcher, value) returned nullopt.
  void Remember(uint32_t matcher, std::string_view value, std::span<const uint32_t> answer);

  size_t size() const { return size_; }
  size_t bytes() const { return bytes_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    uint32_t matcher = 0;
    uint32_t key_at = 0, key_size = 0;
    uint32_t answer_at = 0, answer_size = 0;
  };

  static const size_t kEntryOverhead;

  static uint64_t Hash(uint32_t matcher, std::string_view value);
  void Clear();
  void Grow();

  size_t budget_;
  size_t bytes_ = 0;
  size_t size_ = 0;
  std::vector<Slot> slots_;  // a power of two, grown to stay at most half full
  std::string keys_;
  std::vector<uint32_t> answers_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_

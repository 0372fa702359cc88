// FieldMatchMemo: a bounded memory of which keywords matched a field value, so a value
// that repeats (real scans repeat Server, realm and title values massively) is matched
// by RE2 once instead of once per banner.
//
// A key is (matcher, value): `matcher` names which group of keyword sets the value was
// run through (a fixed field or one HTTP header name), and the value is compared byte
// for byte, so a remembered answer is only ever reused for the exact same input. The
// answer is the keyword numbers in the order the matcher produced them.
//
// Bounded: values longer than kMaxValueBytes are never remembered (they rarely repeat),
// and once the remembered bytes exceed the budget given to the constructor everything
// is forgotten at once (a scan's repeating values come back within a few banners, so
// a cold restart costs little and needs no per-entry bookkeeping).
//
// Not thread-safe: each thread keeps its own (see Estimator).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace narrowscan {

class FieldMatchMemo {
 public:
  static constexpr size_t kMaxValueBytes = 1024;

  // budget_bytes: approximate memory (keys, answers, per-entry overhead) kept at most;
  // 0 remembers nothing.
  explicit FieldMatchMemo(size_t budget_bytes) : budget_(budget_bytes) {}

  // The remembered answer for (matcher, value), or nullptr. The pointer stays valid
  // until the next Remember().
  const std::vector<uint32_t>* Find(uint32_t matcher, std::string_view value);

  // Records the answer for (matcher, value); does nothing when the value is too long
  // or the memo has no budget. REQUIRES: Find(matcher, value) returned nullptr.
  void Remember(uint32_t matcher, std::string_view value, std::vector<uint32_t> keywords);

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  // Builds the key (matcher number, then the value bytes) in key_.
  void MakeKey(uint32_t matcher, std::string_view value);

  size_t budget_;
  size_t bytes_ = 0;
  std::string key_;  // reused, so a lookup allocates nothing
  std::unordered_map<std::string, std::vector<uint32_t>> entries_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_FIELD_MATCH_MEMO_H_

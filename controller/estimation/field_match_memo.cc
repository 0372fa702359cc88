#include "controller/estimation/field_match_memo.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace narrowscan {
namespace {

constexpr size_t kFirstSlots = 16;

}  // namespace

// An entry's share of the table (at most half full, so two slots) counts in its cost.
const size_t FieldMatchMemo::kEntryOverhead = 2 * sizeof(FieldMatchMemo::Slot);

FieldMatchMemo::FieldMatchMemo(size_t budget_bytes) : budget_(budget_bytes) {
  if (budget_ > 0) slots_.resize(kFirstSlots);
}

void FieldMatchMemo::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

uint64_t FieldMatchMemo::Hash(uint32_t matcher, std::string_view value) {
  const uint64_t h =
      std::hash<std::string_view>{}(value) ^ (uint64_t{matcher} * 0x9E3779B97F4A7C15u);
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

void FieldMatchMemo::Clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  keys_.clear();
  answers_.clear();
  bytes_ = 0;
  size_ = 0;
}

std::optional<std::span<const uint32_t>> FieldMatchMemo::Find(uint32_t matcher,
                                                              std::string_view value) const {
  if (size_ == 0 || value.size() > kMaxValueBytes) return std::nullopt;
  const uint64_t h = Hash(matcher, value);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.hash == 0) return std::nullopt;
    if (s.hash == h && s.matcher == matcher && s.key_size == value.size() &&
        (value.empty() || std::memcmp(keys_.data() + s.key_at, value.data(), value.size()) == 0)) {
      return std::span<const uint32_t>(answers_.data() + s.answer_at, s.answer_size);
    }
  }
}

void FieldMatchMemo::Remember(uint32_t matcher, std::string_view value,
                              std::span<const uint32_t> answer) {
  if (budget_ == 0 || value.size() > kMaxValueBytes) return;
  const size_t cost = value.size() + answer.size() * sizeof(uint32_t) + kEntryOverhead;
  if (cost > budget_) return;
  if (bytes_ + cost > budget_) Clear();
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const uint64_t h = Hash(matcher, value);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].hash != 0) i = (i + 1) & mask;
  Slot& s = slots_[i];
  s.hash = h;
  s.matcher = matcher;
  s.key_at = static_cast<uint32_t>(keys_.size());
  s.key_size = static_cast<uint32_t>(value.size());
  s.answer_at = static_cast<uint32_t>(answers_.size());
  s.answer_size = static_cast<uint32_t>(answer.size());
  keys_.append(value);
  answers_.insert(answers_.end(), answer.begin(), answer.end());
  bytes_ += cost;
  ++size_;
}

}  // namespace narrowscan

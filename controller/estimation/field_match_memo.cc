#include "controller/estimation/field_match_memo.h"

#include <cstring>

namespace narrowscan {
namespace {

// Node, bucket and string header overhead of one entry, roughly, for the budget.
constexpr size_t kEntryOverhead = 96;

}  // namespace

void FieldMatchMemo::MakeKey(uint32_t matcher, std::string_view value) {
  key_.resize(sizeof matcher + value.size());
  std::memcpy(key_.data(), &matcher, sizeof matcher);
  if (!value.empty()) std::memcpy(key_.data() + sizeof matcher, value.data(), value.size());
}

const std::vector<uint32_t>* FieldMatchMemo::Find(uint32_t matcher, std::string_view value) {
  if (budget_ == 0 || value.size() > kMaxValueBytes || entries_.empty()) return nullptr;
  MakeKey(matcher, value);
  auto it = entries_.find(key_);
  return it == entries_.end() ? nullptr : &it->second;
}

void FieldMatchMemo::Remember(uint32_t matcher, std::string_view value,
                              std::vector<uint32_t> keywords) {
  if (budget_ == 0 || value.size() > kMaxValueBytes) return;
  const size_t cost =
      sizeof matcher + value.size() + keywords.size() * sizeof(uint32_t) + kEntryOverhead;
  if (bytes_ + cost > budget_) {
    entries_.clear();
    bytes_ = 0;
    if (cost > budget_) return;
  }
  MakeKey(matcher, value);
  entries_.emplace(key_, std::move(keywords));
  bytes_ += cost;
}

}  // namespace narrowscan

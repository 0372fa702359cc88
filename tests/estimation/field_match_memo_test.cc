#include "controller/estimation/field_match_memo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

namespace narrowscan {
namespace {

using Words = std::vector<uint32_t>;

void Remember(FieldMatchMemo& memo, uint32_t matcher, std::string_view value, Words answer) {
  memo.Remember(matcher, value, answer);
}

// The remembered answer as a vector, nullopt when there is none.
std::optional<Words> Answer(const FieldMatchMemo& memo, uint32_t matcher, std::string_view value) {
  const auto found = memo.Find(matcher, value);
  if (!found) return std::nullopt;
  return Words(found->begin(), found->end());
}

TEST(FieldMatchMemo, RemembersByMatcherAndExactBytes) {
  FieldMatchMemo memo(1 << 20);
  EXPECT_FALSE(memo.Find(1, "Boa/0.94"));
  Remember(memo, 1, "Boa/0.94", {3, 7});
  EXPECT_EQ(Answer(memo, 1, "Boa/0.94"), (Words{3, 7}));
  EXPECT_FALSE(memo.Find(2, "Boa/0.94"));   // another matcher
  EXPECT_FALSE(memo.Find(1, "Boa/0.94 "));  // not the same bytes
  EXPECT_FALSE(memo.Find(1, "boa/0.94"));
  EXPECT_FALSE(memo.Find(1, std::string_view("Boa/0.94\0", 9)));
}

TEST(FieldMatchMemo, RemembersEmptyAnswersAndEmptyValues) {
  FieldMatchMemo memo(1 << 20);
  Remember(memo, 4, "", {});
  Remember(memo, 4, "nginx", {});
  EXPECT_EQ(Answer(memo, 4, ""), Words{});
  EXPECT_EQ(Answer(memo, 4, "nginx"), Words{});
}

TEST(FieldMatchMemo, StaysWithinItsBudget) {
  const size_t budget = 16 << 10;
  FieldMatchMemo memo(budget);
  size_t most = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string value = "Server value number " + std::to_string(i);
    Remember(memo, 0, value, {static_cast<uint32_t>(i)});
    ASSERT_LE(memo.bytes(), budget);
    // The value just remembered is always found, with its own answer.
    ASSERT_EQ(Answer(memo, 0, value), Words{static_cast<uint32_t>(i)});
    most = std::max(most, memo.size());
  }
  EXPECT_GT(most, 10u);  // it does remember many values at once
  EXPECT_LT(most, 1000u);
}

TEST(FieldMatchMemo, SkipsLongValuesAndZeroBudget) {
  FieldMatchMemo memo(1 << 20);
  const std::string long_value(FieldMatchMemo::kMaxValueBytes + 1, 'x');
  Remember(memo, 0, long_value, {1});
  EXPECT_FALSE(memo.Find(0, long_value));
  FieldMatchMemo off(0);
  Remember(off, 0, "x", {1});
  EXPECT_FALSE(off.Find(0, "x"));
  EXPECT_EQ(off.size(), 0u);
}

}  // namespace
}  // namespace narrowscan

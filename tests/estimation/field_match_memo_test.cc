#include "controller/estimation/field_match_memo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace narrowscan {
namespace {

TEST(FieldMatchMemo, RemembersByMatcherAndExactBytes) {
  FieldMatchMemo memo(1 << 20);
  EXPECT_EQ(memo.Find(1, "Boa/0.94"), nullptr);
  memo.Remember(1, "Boa/0.94", {3, 7});
  const std::vector<uint32_t>* found = memo.Find(1, "Boa/0.94");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, (std::vector<uint32_t>{3, 7}));
  EXPECT_EQ(memo.Find(2, "Boa/0.94"), nullptr);   // another matcher
  EXPECT_EQ(memo.Find(1, "Boa/0.94 "), nullptr);  // not the same bytes
  EXPECT_EQ(memo.Find(1, "boa/0.94"), nullptr);
  EXPECT_EQ(memo.Find(1, std::string_view("Boa/0.94\0", 9)), nullptr);
}

TEST(FieldMatchMemo, RemembersEmptyAnswersAndEmptyValues) {
  FieldMatchMemo memo(1 << 20);
  memo.Remember(4, "", {});
  memo.Remember(4, "nginx", {});
  ASSERT_NE(memo.Find(4, ""), nullptr);
  ASSERT_NE(memo.Find(4, "nginx"), nullptr);
  EXPECT_TRUE(memo.Find(4, "nginx")->empty());
}

TEST(FieldMatchMemo, StaysWithinItsBudget) {
  const size_t budget = 16 << 10;
  FieldMatchMemo memo(budget);
  size_t most = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string value = "Server value number " + std::to_string(i);
    memo.Remember(0, value, {static_cast<uint32_t>(i)});
    ASSERT_LE(memo.bytes(), budget);
    // The value just remembered is always found, with its own answer.
    const std::vector<uint32_t>* found = memo.Find(0, value);
    ASSERT_NE(found, nullptr);
    ASSERT_EQ(*found, std::vector<uint32_t>{static_cast<uint32_t>(i)});
    most = std::max(most, memo.size());
  }
  EXPECT_GT(most, 10u);  // it does remember many values at once
  EXPECT_LT(most, 1000u);
}

TEST(FieldMatchMemo, SkipsLongValuesAndZeroBudget) {
  FieldMatchMemo memo(1 << 20);
  const std::string long_value(FieldMatchMemo::kMaxValueBytes + 1, 'x');
  memo.Remember(0, long_value, {1});
  EXPECT_EQ(memo.Find(0, long_value), nullptr);
  FieldMatchMemo off(0);
  off.Remember(0, "x", {1});
  EXPECT_EQ(off.Find(0, "x"), nullptr);
  EXPECT_EQ(off.size(), 0u);
}

}  // namespace
}  // namespace narrowscan

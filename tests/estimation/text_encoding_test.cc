#include "controller/estimation/text_encoding.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(TextEncoding, Latin1ReadingKeepsEveryByte) {
  EXPECT_EQ(Latin1ToUtf8("caf\xe9"), "caf\xc3\xa9");
  EXPECT_EQ(Latin1ToUtf8(std::string("\x00\xff", 2)), std::string("\x00\xc3\xbf", 3));
  EXPECT_EQ(ToDisplayUtf8("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 unchanged
  EXPECT_EQ(ToDisplayUtf8("caf\xe9"), "caf\xc3\xa9");
}

}  // namespace
}  // namespace narrowscan

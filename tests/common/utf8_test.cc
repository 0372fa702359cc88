#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace narrowscan {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
}

TEST(Utf8, RefusesMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xff\xfd\x01"));          // Telnet negotiation bytes
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));               // Latin-1 é
  EXPECT_FALSE(IsValidUtf8("\xc3"));                  // cut sequence
  EXPECT_FALSE(IsValidUtf8("\xe3\x81"));              // cut three-byte sequence
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // continuation byte first
  EXPECT_FALSE(IsValidUtf8("\xc3(x"));                // bad continuation byte
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));              // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));          // overlong three-byte '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));          // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // five-byte form
}

TEST(Utf8, AppendsEveryCodePointLength) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xE9u, 0x65E5u, 0x1F600u}) AppendUtf8(cp, &out);
  EXPECT_EQ(out, "A\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");
  std::string bad;
  for (uint32_t cp : {0xD800u, 0xDFFFu, 0x110000u}) AppendUtf8(cp, &bad);
  EXPECT_EQ(bad, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD each
  EXPECT_TRUE(IsValidUtf8(out + bad));
}

}  // namespace
}  // namespace narrowscan

#include "controller/estimation/text_encoding.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(TextEncoding, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));           // Latin-1 é
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // cut sequence
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(TextEncoding, Latin1ReadingKeepsEveryByte) {
  EXPECT_EQ(Latin1ToUtf8("caf\xe9"), "caf\xc3\xa9");
  EXPECT_EQ(Latin1ToUtf8(std::string("\x00\xff", 2)), std::string("\x00\xc3\xbf", 3));
  EXPECT_EQ(ToDisplayUtf8("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 unchanged
  EXPECT_EQ(ToDisplayUtf8("caf\xe9"), "caf\xc3\xa9");
}

TEST(TextEncoding, Base64RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)).value(), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 200));
  }
  EXPECT_EQ(Base64Encode("Man"), "TWFu");
  EXPECT_EQ(Base64Encode("Ma"), "TWE=");
  EXPECT_EQ(Base64Encode("M"), "TQ==");
  EXPECT_EQ(Base64Decode("TW\nFu").value(), "Man");  // whitespace ignored
}

TEST(TextEncoding, Base64RefusesJunk) {
  EXPECT_FALSE(Base64Decode("TW!u").ok());
  EXPECT_EQ(Base64Decode("TWE").value(), "Ma");  // missing padding is tolerated
  EXPECT_FALSE(Base64Decode("T").ok());
  EXPECT_FALSE(Base64Decode("TQ==TQ==").ok());  // data after padding
  EXPECT_FALSE(Base64Decode("TQ===").ok());
}

}  // namespace
}  // namespace narrowscan

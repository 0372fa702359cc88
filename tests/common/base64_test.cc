#include "common/base64.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)).value(), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 200));
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(Base64Decode(Base64Encode(all)).value(), all);
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\x00\x01", 3)), "/wAB");
  EXPECT_EQ(Base64Decode("Zm9vYmE=").value(), "fooba");
}

TEST(Base64, DecodingIgnoresWhitespaceAndMissingPadding) {
  EXPECT_EQ(Base64Decode("TW\nFu").value(), "Man");
  EXPECT_EQ(Base64Decode(" Zm9v\r\n\tYmFy ").value(), "foobar");
  EXPECT_EQ(Base64Decode("TWE").value(), "Ma");
  EXPECT_EQ(Base64Decode("TQ").value(), "M");
}

TEST(Base64, RefusesJunkAndSaysWhere) {
  auto bad = Base64Decode("TW!u");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "base64: invalid character '!' at offset 2");
  auto binary = Base64Decode("TWFu\x01");
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error(), "base64: invalid byte 0x01 at offset 4");
  EXPECT_FALSE(Base64Decode("T").ok());         // a lone symbol carries no byte
  EXPECT_FALSE(Base64Decode("TQ==TQ==").ok());  // data after padding
  EXPECT_FALSE(Base64Decode("TQ===").ok());     // three '='
  EXPECT_FALSE(Base64Decode("TWF=u").ok());     // padding inside
  EXPECT_FALSE(Base64Decode("TWFu\xff").ok());  // not ASCII
  EXPECT_FALSE(Base64Decode("TWFu-_").ok());    // URL-safe alphabet is another format
}

}  // namespace
}  // namespace narrowscan

#include "controller/curate/banner_normalizer.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

const BannerNormalizer& N() {
  static const BannerNormalizer* n = new BannerNormalizer(BannerNormalizer::Default());
  return *n;
}

// Two banners of identical devices that differ only where devices differ must become equal.
void ExpectSame(std::string_view a, std::string_view b) {
  EXPECT_EQ(N().Normalize(a), N().Normalize(b)) << a << "\n---\n" << b;
  EXPECT_NE(a, b);
}

TEST(BannerNormalizer, DefaultRulesLoad) {
  auto n = BannerNormalizer::Parse(BannerNormalizer::DefaultRulesText(), "default");
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_GE(n->rules().size(), 10u);
}

TEST(BannerNormalizer, HttpHeadersThatVaryPerHostOrRequest) {
  ExpectSame(
      "HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 21:00:00 GMT\r\nETag: "
      "\"5f3a-1b2\"\r\nContent-Length: "
      "120\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nExpires: Mon, 30 Nov 2026 21:00:00 "
      "GMT\r\n"
      "Set-Cookie: sid=0123abcd; path=/\r\n\r\n",
      "HTTP/1.1 200 OK\r\nDate: Mon, 30 Nov 2026 01:02:03 GMT\r\nETag: "
      "\"77-aa\"\r\nContent-Length: "
      "98\r\nLast-Modified: Tue, 02 Feb 2021 11:11:11 GMT\r\nExpires: Tue, 01 Dec 2026 01:02:03 "
      "GMT\r\n"
      "Set-Cookie: sid=ffff9999; path=/\r\n\r\n");
  EXPECT_EQ(N().Normalize("Date: Sun, 29 Nov 2026 21:00:00 GMT\r\n"), "Date: <date>\r\n");
  EXPECT_EQ(N().Normalize("Set-Cookie: NAS_SID=abc; path=/"),
            "Set-Cookie: NAS_SID=<value>; path=/");
}

TEST(BannerNormalizer, NoncesSessionIdsAndRandomHex) {
  ExpectSame(
      "WWW-Authenticate: Digest realm=\"DS-2CD2142FWD-I\", nonce=\"4e5a6b\", stale=\"FALSE\"",
      "WWW-Authenticate: Digest realm=\"DS-2CD2142FWD-I\", nonce=\"99aa00ffee\", stale=\"FALSE\"");
  ExpectSame("<input type=\"hidden\" name=\"token\" value=\"0a1b2c3d4e5f6071\">",
             "<input type=\"hidden\" name=\"token\" value=\"ffeeddccbbaa9988\">");
  ExpectSame("realm=\"HIK3a4b5c6d7e8f\"", "realm=\"HIK00aa11bb22cc\"");
  ExpectSame("Digest realm=\"Login to 0A1B2C3D4E5F607\"",
             "Digest realm=\"Login to FFEEDDCCBBAA998\"");
  ExpectSame("realm=\"IP Camera(12345)\"", "realm=\"IP Camera(98760)\"");
  ExpectSame("jquery.js?version=a1b2c3", "jquery.js?version=0f0f0f");
  ExpectSame("Location: https://127.20.1.5/", "Location: https://127.20.3.77/");
  ExpectSame("Server (ProFTPD) [::ffff:127.20.0.9]", "Server (ProFTPD) [::ffff:127.20.2.10]");
  ExpectSame("MAC 00:0d:02:1a:2b:3c", "MAC 00:0d:02:aa:bb:cc");
}

TEST(BannerNormalizer, ModelNumbersVersionsAndWordsStay) {
  for (std::string_view keep :
       {"realm=\"DS-2CD2142FWD-I\"", "<title>Aterm WG1200HP4</title>", "RouterOS v6.49.10",
        "Server: Boa/0.94.14rc21", "NVR4108HS-4KS2", "SSH-2.0-ROSSSH", "Archer AX55"})
    EXPECT_EQ(N().Normalize(keep), keep);
}

TEST(BannerNormalizer, CountersUptimesAndClockTimes) {
  ExpectSame("Visitors: 1234\r\nUptime: 3 days, 4:05:06\r\n",
             "Visitors: 99\r\nUptime: 12 days, 23:59:01\r\n");
  ExpectSame("RTX1210 Rev.14.01.42 (Tue Jun 20 14:33:08 2023)",
             "RTX1210 Rev.14.01.42 (Wed Jul 21 01:02:03 2023)");
  ExpectSame("issued 2026-11-29T21:00:00Z", "issued 2025-01-02T03:04:05Z");
}

TEST(BannerNormalizer, CustomRulesAndErrors) {
  auto n = BannerNormalizer::Parse("# mine\nserial \\1<serial> (SN:)[0-9]+\nspace a\\x20b x\n",
                                   "mine.txt");
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(n->Normalize("SN:123 x"), "SN:<serial> a b");
  auto bad = BannerNormalizer::Parse("ok <x> a\nbad \\3 (a)\n", "mine.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("mine.txt:2:"), std::string::npos) << bad.error();
  EXPECT_FALSE(BannerNormalizer::Parse("x <y> (\n", "m").ok());
  EXPECT_FALSE(BannerNormalizer::Parse("x <y>\n", "m").ok());
  EXPECT_FALSE(BannerNormalizer::Load("/nonexistent/rules").ok());
}

TEST(BannerNormalizer, BinaryInputIsSafe) {
  std::string bytes("\xff\xfb\x01\x00\x80 Login: ", 12);
  EXPECT_EQ(N().Normalize(bytes), bytes);
}

}  // namespace
}  // namespace narrowscan

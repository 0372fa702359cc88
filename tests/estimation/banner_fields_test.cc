#include "controller/estimation/banner_fields.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

BannerRecord Record(std::string banner, uint16_t port = 0, std::string service = "") {
  BannerRecord r;
  r.banner = std::move(banner);
  r.port = port;
  r.service = std::move(service);
  return r;
}

std::string FieldOf(const BannerRecord& r, std::string_view name) {
  BannerFields f;
  f.Extract(r);
  auto v = f.Find(name);
  return v ? std::string(*v) : "<absent>";
}

TEST(BannerFields, Http) {
  const BannerRecord r = Record(
      "HTTP/1.1 401 Unauthorized\r\nServer:  GoAhead-Webs \r\nX-Powered-By: PHP/5.2\r\n"
      "WWW-Authenticate: Digest qop=\"auth\", realm=\"Aterm(HT)\", nonce=\"1\"\r\n\r\n"
      "<HTML><head><TITLE>\n  Web &amp; Admin&#32;&#x41;\t&lt;v1&gt; </title></head></HTML>");
  EXPECT_EQ(FieldOf(r, "raw"), r.banner);
  EXPECT_EQ(FieldOf(r, "http.status"), "HTTP/1.1 401 Unauthorized");
  EXPECT_EQ(FieldOf(r, "http.server"), "GoAhead-Webs");
  EXPECT_EQ(FieldOf(r, "http.realm"), "Aterm(HT)");
  EXPECT_EQ(FieldOf(r, "http.header.x-powered-by"), "PHP/5.2");
  EXPECT_EQ(FieldOf(r, "http.header.server"), "GoAhead-Webs");
  EXPECT_EQ(FieldOf(r, "http.title"), "Web & Admin A <v1>");
  EXPECT_EQ(FieldOf(r, "http.body").substr(0, 12), "<HTML><head>");
  EXPECT_EQ(FieldOf(r, "ssh.banner"), "<absent>");
}

TEST(BannerFields, HttpRealmForms) {
  EXPECT_EQ(FieldOf(Record("HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=router\r\n\r\n"),
                    "http.realm"),
            "router");
  EXPECT_EQ(
      FieldOf(Record("HTTP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"\"\r\n\r\n"), "http.realm"),
      "");
  EXPECT_EQ(FieldOf(Record("HTTP/1.0 401 X\r\nWWW-Authenticate: Basic\r\n\r\n"), "http.realm"),
            "<absent>");
}

TEST(BannerFields, HttpWithBareNewlinesAndCutBanner) {
  const BannerRecord r = Record("HTTP/1.0 200 OK\nServer: Boa/0.94.14rc21\n\n<title>X</title>");
  EXPECT_EQ(FieldOf(r, "http.server"), "Boa/0.94.14rc21");
  EXPECT_EQ(FieldOf(r, "http.title"), "X");
  // Cut before the blank line: no body, but the title is still looked for.
  const BannerRecord cut = Record("HTTP/1.0 200 OK\r\nServer: a\r\n<title>Cut</title>");
  EXPECT_EQ(FieldOf(cut, "http.body"), "<absent>");
  EXPECT_EQ(FieldOf(cut, "http.title"), "Cut");
  // A title without its closing tag runs to the end.
  EXPECT_EQ(FieldOf(Record("HTTP/1.0 200 OK\r\n\r\n<title>Open"), "http.title"), "Open");
}

TEST(BannerFields, HttpBodyIsAPrefix) {
  const std::string body(kHttpBodyPrefix + 100, 'x');
  EXPECT_EQ(FieldOf(Record("HTTP/1.0 200 OK\r\n\r\n" + body), "http.body").size(), kHttpBodyPrefix);
}

TEST(BannerFields, Rtsp) {
  const BannerRecord r = Record("RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Hikvision-Webs\r\n\r\n");
  EXPECT_EQ(FieldOf(r, "rtsp.server"), "Hikvision-Webs");
  EXPECT_EQ(FieldOf(r, "http.server"), "<absent>");
}

TEST(BannerFields, Ssh) {
  EXPECT_EQ(FieldOf(Record("SSH-2.0-dropbear_2019.78\r\n"), "ssh.banner"), "dropbear_2019.78");
  EXPECT_EQ(FieldOf(Record("SSH-1.99-Cisco-1.25\n"), "ssh.banner"), "Cisco-1.25");
  // Text before the identification line (RFC 4253 allows it), found by service.
  EXPECT_EQ(FieldOf(Record("Welcome\r\nSSH-2.0-ROSSSH\r\n", 22, "ssh"), "ssh.banner"), "ROSSSH");
}

TEST(BannerFields, FtpSmtpReplies) {
  EXPECT_EQ(FieldOf(Record("220 NAS FTP server ready.\r\n", 21), "ftp.banner"),
            "NAS FTP server ready.");
  EXPECT_EQ(FieldOf(Record("220-Welcome\r\n220-to the box\r\n220 ready\r\n", 21), "ftp.banner"),
            "Welcome\r\nto the box\r\nready");
  EXPECT_EQ(FieldOf(Record("220 mx ESMTP Postfix\r\n", 25), "smtp.banner"), "mx ESMTP Postfix");
  EXPECT_EQ(FieldOf(Record("220 mx ESMTP Postfix\r\n", 25), "ftp.banner"), "<absent>");
  // Service beats the port; an unknown port falls back on the text.
  EXPECT_EQ(FieldOf(Record("220 hi\r\n", 2121, "smtp"), "smtp.banner"), "hi");
  EXPECT_EQ(FieldOf(Record("220 host ESMTP ready\r\n", 9999), "smtp.banner"), "host ESMTP ready");
  EXPECT_EQ(FieldOf(Record("220 hi\r\n", 9999), "ftp.banner"), "hi");
}

TEST(BannerFields, Pop3Imap) {
  EXPECT_EQ(FieldOf(Record("+OK Dovecot ready.\r\n"), "pop3.banner"), "Dovecot ready.");
  EXPECT_EQ(FieldOf(Record("* OK [CAPABILITY IMAP4rev1] ready\r\n"), "imap.banner"),
            "[CAPABILITY IMAP4rev1] ready");
}

TEST(BannerFields, TelnetIacIsStripped) {
  const std::string banner =
      "\xff\xfd\x18\xff\xfd\x20\xff\xfa\x18\x01\xff\xf0\xff\xfb\x01"
      "BusyBox v1.19 \xff\xff login: \xff\xf1";
  EXPECT_EQ(FieldOf(Record(banner), "telnet.banner"), "BusyBox v1.19 \xff login: ");
  EXPECT_EQ(FieldOf(Record("Login: ", 23), "telnet.banner"), "Login: ");
  EXPECT_EQ(FieldOf(Record("User: ", 4000, "telnet"), "telnet.banner"), "User: ");
  EXPECT_EQ(StripTelnetIac("\xff\xfa\x18 never closed"), "");
  EXPECT_EQ(StripTelnetIac("a\xff"), "a");
}

TEST(BannerFields, TlsNamesAndGivenFields) {
  BannerRecord r = Record("", 443, "tls");
  r.tls_subject = "CN=router.local,O=Example,C=JP";
  r.tls_issuer = "CN=Example CA";
  EXPECT_EQ(FieldOf(r, "tls.subject"), "CN=router.local,O=Example,C=JP");
  EXPECT_EQ(FieldOf(r, "tls.issuer"), "CN=Example CA");
  EXPECT_EQ(FieldOf(r, "raw"), "<absent>");

  BannerRecord given = Record("OpenSSH_9.2");
  given.field = "ssh.banner";
  EXPECT_EQ(FieldOf(given, "ssh.banner"), "OpenSSH_9.2");
  EXPECT_EQ(FieldOf(given, "raw"), "<absent>");
  given.field = "http.header.x-thing";
  EXPECT_EQ(FieldOf(given, "http.header.x-thing"), "OpenSSH_9.2");
}

TEST(BannerFields, NonUtf8BytesAreKeptAsBytes) {
  const std::string banner =
      "HTTP/1.0 200 OK\r\nServer: \xff\xfe\x80 box\r\n\r\n<title>\xe9t\xe9</title>";
  EXPECT_EQ(FieldOf(Record(banner), "http.server"), "\xff\xfe\x80 box");
  EXPECT_EQ(FieldOf(Record(banner), "http.title"), "\xe9t\xe9");
  // Entities decode to UTF-8; numeric ones out of range become U+FFFD.
  EXPECT_EQ(DecodeHtmlText("&#233;&#x110000;&#0;&bogus;"),
            "\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd&bogus;");
}

TEST(BannerFields, MaskSkipsExpensiveFields) {
  FieldMask mask;
  mask.fixed.set(static_cast<size_t>(FieldId::kHttpServer));
  BannerFields f;
  const BannerRecord r = Record("HTTP/1.0 200 OK\r\nServer: s\r\n\r\n<title>t</title>");
  f.Extract(r, mask);
  EXPECT_EQ(*f.Get(FieldId::kHttpServer), "s");
  EXPECT_EQ(f.Get(FieldId::kHttpTitle), nullptr);
  EXPECT_TRUE(f.headers().empty());
}

TEST(BannerFields, FieldNames) {
  for (size_t i = 0; i < kFieldIdCount; ++i) {
    EXPECT_EQ(FieldIdFromName(FieldName(static_cast<FieldId>(i))), static_cast<FieldId>(i));
  }
  EXPECT_FALSE(FieldIdFromName("http.header.server").has_value());
}

}  // namespace
}  // namespace narrowscan

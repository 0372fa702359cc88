#include "controller/curate/banner_filter.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

std::string RuleOf(const BannerFilter& f, std::string_view banner, std::string_view subject = "",
                   std::string_view issuer = "") {
  int i = f.Match(banner, subject, issuer);
  return i < 0 ? "" : f.rules()[static_cast<size_t>(i)].name;
}

TEST(BannerFilter, DefaultRulesLoadAndHaveNames) {
  auto f = BannerFilter::Parse(BannerFilter::DefaultRulesText(), "default");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_GE(f->rules().size(), 10u);
}

TEST(BannerFilter, DefaultRulesRemoveNoiseAndKeepDevices) {
  BannerFilter f = BannerFilter::Default();
  EXPECT_EQ(RuleOf(f, "220 FTP Server ready.\r\n"), "ftp-bare-greeting");
  EXPECT_EQ(RuleOf(f, "220 mail.example.net ESMTP Postfix (Debian/GNU)\r\n"), "smtp-mail-server");
  EXPECT_EQ(RuleOf(f, "+OK Dovecot (Debian) ready.\r\n"), "pop3-mail-server");
  EXPECT_EQ(RuleOf(f, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), "ssh-server-distro");
  EXPECT_EQ(RuleOf(f, "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\n\r\n<title>x</title>"),
            "http-distro-server");
  EXPECT_EQ(RuleOf(f, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n\r\n"),
            "http-windows-server");
  EXPECT_EQ(RuleOf(f,
                   "HTTP/1.1 301 Moved Permanently\r\nServer: nginx/1.24.0\r\n\r\n"
                   "<html><head><title>301 Moved Permanently</title></head></html>"),
            "http-generic-page");
  EXPECT_EQ(RuleOf(f, "HTTP/1.1 200 OK\r\nX: y\r\n\r\n<html>", "CN=shop.example.com",
                   "CN=R3,O=Let's Encrypt,C=US"),
            "public-web-ca");
  EXPECT_EQ(RuleOf(f, "", "", ""), "empty");
  EXPECT_EQ(RuleOf(f, "HTTP/1.1 200 OK\r\nServer: cpsrvd/11\r\n\r\n<title>cPanel Login</title>"),
            "hosting-control-panel");
  // Devices stay, even behind generic server software.
  EXPECT_EQ(
      RuleOf(
          f,
          "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n<title>DS918+ - Synology DiskStation</title>"),
      "");
  EXPECT_EQ(
      RuleOf(f, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Aterm(HT)\"\r\n\r\n"),
      "");
  EXPECT_EQ(RuleOf(f, "220 MikroTik FTP server (MikroTik 6.49.10) ready\r\n"), "");
  EXPECT_EQ(RuleOf(f, "220 NASFTPD Turbo station 1.3.5a Server (ProFTPD) [::ffff:1.2.3.4]\r\n"),
            "");
  EXPECT_EQ(RuleOf(f, "", "CN=aterm.me,O=NEC Platforms\\, Ltd.,C=JP",
                   "CN=aterm.me,O=NEC Platforms\\, Ltd.,C=JP"),
            "");
}

TEST(BannerFilter, FirstRuleInFileOrderWins) {
  auto f = BannerFilter::Parse("# c\nsecond banner Boa\nfirst  banner Server\n", "t");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(RuleOf(*f, "Server: Boa"), "second");
  EXPECT_EQ(RuleOf(*f, "Server: x"), "first");
  EXPECT_EQ(RuleOf(*f, "nothing"), "");
}

TEST(BannerFilter, TlsRulesSeeSubjectAndIssuerOnly) {
  auto f = BannerFilter::Parse("ca tls \\nCN=Evil CA\n", "t");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(RuleOf(*f, "CN=Evil CA"), "");
  EXPECT_EQ(RuleOf(*f, "", "CN=dev", "CN=Evil CA"), "ca");
}

TEST(BannerFilter, ErrorsNameFileLineAndRule) {
  auto bad_regex = BannerFilter::Parse("\nok banner a\nbroken banner (unclosed\n", "rules.txt");
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_NE(bad_regex.error().find("rules.txt:3:"), std::string::npos) << bad_regex.error();
  EXPECT_NE(bad_regex.error().find("broken"), std::string::npos);
  auto dup = BannerFilter::Parse("a banner x\na banner y\n", "r");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().find("r:2: duplicate"), std::string::npos) << dup.error();
  auto target = BannerFilter::Parse("a header x\n", "r");
  ASSERT_FALSE(target.ok());
  EXPECT_NE(target.error().find("target 'header'"), std::string::npos);
  EXPECT_FALSE(BannerFilter::Parse("a banner\n", "r").ok());
  EXPECT_FALSE(BannerFilter::Load("/nonexistent/rules").ok());
}

}  // namespace
}  // namespace narrowscan

// Grabber state machines and protocol selection, fed bytes directly.
#include <gtest/gtest.h>

#include "probe/grabbers/ftp.h"
#include "probe/grabbers/grabber_selection.h"
#include "probe/grabbers/http.h"
#include "probe/grabbers/reply_lines.h"
#include "probe/grabbers/rtsp.h"
#include "probe/grabbers/ssh.h"
#include "probe/grabbers/telnet.h"

namespace narrowscan {
namespace {

TEST(ReplyLines, CodedMultiLineReplyEndsAtCodeSpace) {
  EXPECT_FALSE(HasCompleteCodedReply("220-Welcome\r\n"));
  EXPECT_FALSE(HasCompleteCodedReply("220-Welcome\r\n220-more\r\n220 done"));
  EXPECT_TRUE(HasCompleteCodedReply("220-Welcome\r\n220-more\r\n220 done\r\n"));
  EXPECT_TRUE(HasCompleteCodedReply("220\r\n"));
  EXPECT_TRUE(HasCompleteCodedReply("Welcome to router\n"));
}

TEST(FtpGrabber, DoneWhenGreetingCompleteEvenAcrossChunks) {
  FtpGrabber g(4096);
  EXPECT_FALSE(g.Feed("220-ProFTPD 1.3.5 Server\r").done);
  EXPECT_FALSE(g.Feed("\n220-line2\r\n220 ").done);
  EXPECT_TRUE(g.Feed("ready\r\n").done);
  EXPECT_EQ(g.banner(), "220-ProFTPD 1.3.5 Server\r\n220-line2\r\n220 ready\r\n");
}

TEST(SshGrabber, SkipsPreambleLines) {
  SshGrabber g(4096);
  EXPECT_FALSE(g.Feed("Please wait\r\n").done);
  EXPECT_TRUE(g.Feed("SSH-2.0-OpenSSH_8.4\r\n").done);
}

TEST(Grabber, BannerIsBounded) {
  FtpGrabber g(10);
  const GrabStep step = g.Feed("220-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
  EXPECT_TRUE(step.done);
  EXPECT_EQ(g.banner().size(), 10u);
}

TEST(TelnetGrabber, RefusesEveryOptionAndStripsNegotiation) {
  TelnetGrabber g(4096);
  // IAC DO ECHO, IAC WILL SGA split across reads, IAC SB … IAC SE, an escaped 0xFF.
  GrabStep a = g.Feed(std::string("\xff\xfd\x01\xff", 4));
  EXPECT_EQ(a.reply, std::string("\xff\xfc\x01", 3));
  GrabStep b = g.Feed(std::string("\xfb\x03\xff\xfa\x18\x01\xff\xf0Hi\xff\xff", 12));
  EXPECT_EQ(b.reply, std::string("\xff\xfe\x03", 3));
  EXPECT_FALSE(b.done);
  GrabStep c = g.Feed("\r\nlogin: ");
  EXPECT_TRUE(c.done);
  EXPECT_EQ(g.banner(), "Hi\xff\r\nlogin: ");
}

TEST(TelnetGrabber, RefusalsAreBounded) {
  TelnetGrabber g(4096);
  std::string flood;
  for (int i = 0; i < 1000; ++i) flood += "\xff\xfd\x01";
  EXPECT_LE(g.Feed(flood).reply.size(), 64u * 3);
}

TEST(HttpGrabber, RequestCarriesHost) {
  HttpGrabber plain(4096, false), tls(4096, true);
  EXPECT_EQ(plain.Request({0x7F000005, 80}),
            "GET / HTTP/1.1\r\nHost: 127.0.0.5\r\nUser-Agent: narrowscan\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_NE(plain.Request({0x7F000005, 8080}).find("Host: 127.0.0.5:8080\r\n"), std::string::npos);
  EXPECT_NE(tls.Request({0x7F000005, 443}).find("Host: 127.0.0.5\r\n"), std::string::npos);
}

TEST(HttpGrabber, DoneAtTitleOrContentLength) {
  HttpGrabber a(4096, false);
  EXPECT_FALSE(a.Feed("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n<html><head><TITLE>R").done);
  EXPECT_TRUE(a.Feed("outer</TITLE>").done);
  HttpGrabber b(4096, false);
  EXPECT_TRUE(b.Feed("HTTP/1.0 401 Unauthorized\r\nContent-Length: 2\r\n\r\nok").done);
  HttpGrabber c(4096, false);
  EXPECT_FALSE(c.Feed("HTTP/1.0 200 OK\r\nContent-Length: 20\r\n\r\nok").done);
}

TEST(HttpGrabber, HeaderValueIsCaseInsensitive) {
  EXPECT_EQ(HeaderValue("HTTP/1.1 200 OK\r\nserver:  Boa\r\n", "Server").value(), "Boa");
  EXPECT_FALSE(HeaderValue("HTTP/1.1 200 OK\r\nX-Server: Boa\r\n", "Server").has_value());
}

TEST(RtspGrabber, OptionsRequestAndHeaderEnd) {
  RtspGrabber g(4096);
  EXPECT_EQ(g.Request({0x7F000001, 554}),
            "OPTIONS rtsp://127.0.0.1:554/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: narrowscan\r\n\r\n");
  EXPECT_FALSE(g.Feed("RTSP/1.0 200 OK\r\nCSeq: 1\r\n").done);
  EXPECT_TRUE(g.Feed("Server: Hikvision-Webs\r\n\r\n").done);
}

TEST(GrabberSelection, FromGreeting) {
  auto service = [](std::string_view first, uint16_t port) {
    return std::string(GrabberForGreeting(first, port, 100)->service());
  };
  EXPECT_EQ(service("SSH-2.0-dropbear\r\n", 2222), "ssh");
  EXPECT_EQ(service("220 (vsFTPd 3.0.3)\r\n", 2121), "ftp");
  EXPECT_EQ(service("220 mx ESMTP Postfix\r\n", 25), "smtp");
  EXPECT_EQ(service("220 Welcome\r\n", 25), "smtp");
  EXPECT_EQ(service("220 Welcome\r\n", 21), "ftp");
  EXPECT_EQ(service("+OK ready\r\n", 110), "pop3");
  EXPECT_EQ(service("* OK IMAP ready\r\n", 143), "imap");
  EXPECT_EQ(service(std::string("\xff\xfd\x01", 3), 9999), "telnet");
  EXPECT_EQ(service("Login:", 23), "telnet");
  EXPECT_EQ(service("hello", 7777), "unknown");
}

TEST(GrabberSelection, SilentPorts) {
  EXPECT_TRUE(PlanForSilentPort(443).tls);
  EXPECT_EQ(PlanForSilentPort(443).inner, SilentPortPlan::Inner::kHttp);
  EXPECT_EQ(PlanForSilentPort(993).inner, SilentPortPlan::Inner::kGreeting);
  EXPECT_FALSE(PlanForSilentPort(554).tls);
  EXPECT_EQ(PlanForSilentPort(554).inner, SilentPortPlan::Inner::kRtsp);
  EXPECT_FALSE(PlanForSilentPort(8080).tls);
  EXPECT_EQ(PlanForSilentPort(8080).inner, SilentPortPlan::Inner::kHttp);
}

}  // namespace
}  // namespace narrowscan

// Port profiles are pure: keys, counting, the choice of the most specific supported
// profile, frequent ports and the liveness cover.
#include "controller/fleet/port_profile.h"

#include <gtest/gtest.h>

#include "controller/curate/banner_normalizer.h"

namespace narrowscan::fleet {
namespace {

BannerRecord Http(uint16_t port, const std::string& text) { return {port, "http", text, "", {}, {}}; }

TEST(MakeProfileKeys, BannerSignatureMasksWhatDiffersBetweenIdenticalDevices) {
  const BannerNormalizer n = BannerNormalizer::Default();
  const auto page = [](const std::string& date, const std::string& len) {
    return "HTTP/1.1 200 OK\r\nDate: " + date + "\r\nContent-Length: " + len +
           "\r\nServer: cam-httpd/2.1.7\r\n\r\n<title>IPC</title>";
  };
  const ProfileKeys a = MakeProfileKeys({}, {80}, {Http(80, page("Mon, 07 Dec 2026 10:00:00 GMT", "120"))}, n);
  // Another host of the family: other date and length, the same page also on 8080.
  const ProfileKeys b = MakeProfileKeys(
      {}, {80, 8080},
      {Http(80, page("Tue, 08 Dec 2026 11:11:11 GMT", "131")),
       Http(8080, page("Tue, 08 Dec 2026 11:11:12 GMT", "131"))},
      n);
  EXPECT_FALSE(a.banner.empty());
  EXPECT_EQ(a.banner, b.banner);
  EXPECT_EQ(a.port, "ports:80");
  EXPECT_NE(a.port, b.port);
  EXPECT_TRUE(a.entry.empty());
  // A different page is a different signature.
  const ProfileKeys c = MakeProfileKeys({}, {80}, {Http(80, "HTTP/1.1 200 OK\r\n\r\n<title>NAS</title>")}, n);
  EXPECT_NE(c.banner, a.banner);
  // No banner: no banner key; entries make the entry key.
  const ProfileKeys d = MakeProfileKeys({"acme-cam", "zeta"}, {554}, {{554, "", "", "", {}, {}}}, n);
  EXPECT_TRUE(d.banner.empty());
  EXPECT_EQ(d.entry, "entry:acme-cam,zeta");
  EXPECT_EQ(SourceOfKey(d.entry), ProfileSource::kEntry);
  EXPECT_EQ(SourceOfKey(a.banner), ProfileSource::kBanner);
  EXPECT_EQ(SourceOfKey(d.port), ProfileSource::kPorts);
  EXPECT_EQ(PortsOfPortKey(b.port), (std::vector<uint16_t>{80, 8080}));
}

TEST(MakeProfileKeys, AGreetingKeepsItsSignatureHoweverTheGrabWent) {
  const BannerNormalizer n = BannerNormalizer::Default();
  // A telnet greeting read by the telnet grabber, and the same greeting read late by
  // the HTTP grabber (negotiation bytes and the server's replies to the request).
  const ProfileKeys clean = MakeProfileKeys(
      {}, {23}, {{23, "telnet", "\r\nRTX830 Rev.15.02.26\r\nPassword: ", "", {}, {}}}, n);
  const ProfileKeys late = MakeProfileKeys(
      {}, {23},
      {{23, "http", "\xff\xfb\x01\xff\xfb\x03\r\nRTX830 Rev.15.02.26\r\nPassword: \r\nPassword: ", "", {}, {}}},
      n);
  EXPECT_EQ(clean.banner, late.banner);
  const ProfileKeys smtp = MakeProfileKeys(
      {}, {25}, {{25, "smtp", "220 mx.example.org ESMTP Exim 4.96\r\n", "", {}, {}}}, n);
  const ProfileKeys smtp_late = MakeProfileKeys(
      {}, {25},
      {{25, "http", "220 mx.example.org ESMTP Exim 4.96\r\n500 unrecognized command\r\n", "", {}, {}}},
      n);
  EXPECT_EQ(smtp.banner, smtp_late.banner);
  EXPECT_NE(smtp.banner, clean.banner);
}

TEST(ProfileBook, CountsFullObservationsAndChoosesTheMostSpecificSupportedProfile) {
  ProfileBook book;
  const ProfileKeys fam{"", "banner:aa", "ports:80,554"};
  // 6 hosts of a family fully seen: 80 and 554 on all, 8080 on 2 of 6, 21 on 1 of 6.
  for (int i = 0; i < 6; ++i) {
    std::vector<uint16_t> open = {80, 554};
    if (i < 2) open.push_back(8080);
    if (i == 5) open.insert(open.begin(), 21);
    book.Add(fam, &open, 100 + i);
  }
  // 2 more seen only partly: they count as hosts, not as support.
  book.Add(fam, nullptr, 200);
  book.Add(fam, nullptr, 201);
  // An estimated host with too little support for its entry profile.
  const ProfileKeys est{"entry:x", "banner:aa", "ports:80,554"};
  std::vector<uint16_t> open = {80, 554};
  book.Add(est, &open, 300);
  book.Finish();

  const ProfileStats& s = book.profiles().at("banner:aa");
  EXPECT_EQ(s.hosts, 9u);
  EXPECT_EQ(s.support, 7u);
  EXPECT_EQ(s.sample_ip, 100u);

  ProfileRules rules{5, 0.25};
  ProfileBook::Choice c = book.Choose(est, rules);
  ASSERT_NE(c.key, nullptr);
  EXPECT_EQ(*c.key, "banner:aa") << "entry:x has support 1, below 5";
  EXPECT_EQ(c.ports, (std::vector<uint16_t>{80, 554, 8080}));  // 8080: 2/7 >= 0.25; 21: 1/7
  rules.min_support = 1;
  EXPECT_EQ(*book.Choose(est, rules).key, "entry:x");
  rules.min_support = 8;
  EXPECT_EQ(book.Choose(est, rules).key, nullptr);
  EXPECT_EQ(book.Choose(ProfileKeys{}, rules).key, nullptr);
}

TEST(CoverPorts, GreedyCoverInChosenOrderWithinTheCandidates) {
  std::vector<std::pair<std::vector<uint16_t>, uint64_t>> sets = {
      {{80, 443}, 50}, {{22}, 30}, {{80}, 10}, {{554, 8000}, 25}, {{9999}, 100}};
  const std::vector<uint16_t> standard = {22, 80, 443, 554, 8000};
  EXPECT_EQ(CoverPorts(sets, standard, 2), (std::vector<uint16_t>{80, 22}));
  EXPECT_EQ(CoverPorts(sets, standard, 3), (std::vector<uint16_t>{80, 22, 554}));
  // Nothing more to cover: stops early (9999 is not a candidate).
  EXPECT_EQ(CoverPorts(sets, standard, 10), (std::vector<uint16_t>{80, 22, 554}));
  EXPECT_TRUE(CoverPorts({}, standard, 3).empty());
}

}  // namespace
}  // namespace narrowscan::fleet

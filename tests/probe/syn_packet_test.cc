// SYN cookies and packet layout: a reply validates only when it answers our SYN.
#include "probe/engine/syn_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace narrowscan {
namespace {

// Builds the reply a target would send to `syn` (swapped addresses and ports).
std::vector<uint8_t> ReplyTo(const std::vector<uint8_t>& syn, uint8_t flags, uint32_t ack_delta) {
  std::vector<uint8_t> r(syn);
  std::swap_ranges(r.begin() + 12, r.begin() + 16, r.begin() + 16);
  std::swap_ranges(r.begin() + 20, r.begin() + 22, r.begin() + 22);
  const uint32_t seq = (uint32_t{syn[24]} << 24) | (syn[25] << 16) | (syn[26] << 8) | syn[27];
  const uint32_t ack = seq + ack_delta;
  r[28] = ack >> 24;
  r[29] = ack >> 16;
  r[30] = ack >> 8;
  r[31] = ack;
  r[33] = flags;
  return r;
}

TEST(SynPacket, ChecksumsVerify) {
  std::vector<uint8_t> p(kSynPacketSize);
  const SynCookieKey key{1, 2};
  const SynCookie c = MakeSynCookie(key, 0x7F000001, 0x7F000102, 80);
  ASSERT_EQ(BuildSynPacket(p, 0x7F000001, 0x7F000102, 80, c, 7), kSynPacketSize);
  // The one's-complement sum over a header including its checksum is 0xFFFF.
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  EXPECT_EQ(sum, 0xFFFFu);
  sum = 0x7F00 + 0x0001 + 0x7F00 + 0x0102 + 6 + 24;
  for (size_t i = 20; i < 44; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  EXPECT_EQ(sum, 0xFFFFu);
  EXPECT_GE(c.source_port, 61000);
  EXPECT_LT(c.source_port, 61000 + 4096);
}

TEST(SynPacket, OnlyMatchingRepliesValidate) {
  std::vector<uint8_t> syn(kSynPacketSize);
  const SynCookieKey key{42, 43};
  BuildSynPacket(syn, 0x7F000001, 0x7F000102, 8080,
                 MakeSynCookie(key, 0x7F000001, 0x7F000102, 8080), 1);
  auto open = ParseSynReply(ReplyTo(syn, 0x12, 1), key);  // SYN+ACK
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->ip, 0x7F000102u);
  EXPECT_EQ(open->port, 8080);
  EXPECT_TRUE(open->open);
  auto closed = ParseSynReply(ReplyTo(syn, 0x14, 1), key);  // RST+ACK
  ASSERT_TRUE(closed.has_value());
  EXPECT_FALSE(closed->open);
  EXPECT_FALSE(ParseSynReply(ReplyTo(syn, 0x12, 2), key));                   // wrong ack
  EXPECT_FALSE(ParseSynReply(ReplyTo(syn, 0x12, 1), SynCookieKey{42, 44}));  // other key
  EXPECT_FALSE(ParseSynReply(syn, key));  // our own SYN seen on loopback
  EXPECT_FALSE(ParseSynReply(std::span<const uint8_t>(syn.data(), 30), key));  // truncated
}

}  // namespace
}  // namespace narrowscan

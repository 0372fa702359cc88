#include "probe/engine/syn_packet.h"

namespace narrowscan {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void Put32(uint8_t* p, uint32_t v) {
  Put16(p, static_cast<uint16_t>(v >> 16));
  Put16(p + 2, static_cast<uint16_t>(v));
}
uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t Get32(const uint8_t* p) { return (uint32_t{Get16(p)} << 16) | Get16(p + 2); }

uint32_t SumWords(const uint8_t* p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += Get16(p + i);
  if (n & 1) sum += uint32_t{p[n - 1]} << 8;
  return sum;
}
uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

SynCookie MakeSynCookie(const SynCookieKey& key, Ipv4 source, Ipv4 destination, uint16_t port) {
  const uint64_t h =
      Mix(Mix(key.k0 ^ ((uint64_t{destination} << 16) | port)) ^ key.k1 ^ (uint64_t{source} << 20));
  return SynCookie{static_cast<uint32_t>(h), static_cast<uint16_t>(61000 + ((h >> 32) % 4096))};
}

size_t BuildSynPacket(std::span<uint8_t> out, Ipv4 source, Ipv4 destination, uint16_t port,
                      const SynCookie& cookie, uint16_t ip_id) {
  uint8_t* ip = out.data();
  ip[0] = 0x45;  // IPv4, 5-word header
  ip[1] = 0;
  Put16(ip + 2, kSynPacketSize);
  Put16(ip + 4, ip_id);
  Put16(ip + 6, 0x4000);  // don't fragment
  ip[8] = 64;             // TTL
  ip[9] = 6;              // TCP
  Put16(ip + 10, 0);
  Put32(ip + 12, source);
  Put32(ip + 16, destination);
  Put16(ip + 10, Fold(SumWords(ip, 20, 0)));

  uint8_t* tcp = ip + 20;
  Put16(tcp, cookie.source_port);
  Put16(tcp + 2, port);
  Put32(tcp + 4, cookie.sequence);
  Put32(tcp + 8, 0);
  tcp[12] = 6 << 4;  // 6-word header (MSS option)
  tcp[13] = 0x02;    // SYN
  Put16(tcp + 14, 65535);
  Put16(tcp + 16, 0);
  Put16(tcp + 18, 0);
  tcp[20] = 2;  // MSS, length 4, 1460
  tcp[21] = 4;
  Put16(tcp + 22, 1460);
  uint8_t pseudo[12];
  Put32(pseudo, source);
  Put32(pseudo + 4, destination);
  pseudo[8] = 0;
  pseudo[9] = 6;
  Put16(pseudo + 10, 24);
  Put16(tcp + 16, Fold(SumWords(tcp, 24, SumWords(pseudo, 12, 0))));
  return kSynPacketSize;
}

std::optional<SynReply> ParseSynReply(std::span<const uint8_t> packet, const SynCookieKey& key) {
  if (packet.size() < 20) return std::nullopt;
  const uint8_t* ip = packet.data();
  if ((ip[0] >> 4) != 4 || ip[9] != 6) return std::nullopt;
  const size_t ihl = static_cast<size_t>(ip[0] & 0x0F) * 4;
  if (ihl < 20 || packet.size() < ihl + 20) return std::nullopt;
  if ((Get16(ip + 6) & 0x1FFF) != 0) return std::nullopt;  // a later fragment
  const Ipv4 from = Get32(ip + 12), to = Get32(ip + 16);
  const uint8_t* tcp = ip + ihl;
  const uint16_t from_port = Get16(tcp), to_port = Get16(tcp + 2);
  const uint32_t ack = Get32(tcp + 8);
  const uint8_t flags = tcp[13];
  const bool ack_flag = flags & 0x10, syn = flags & 0x02, rst = flags & 0x04;
  if (!ack_flag || syn == rst) return std::nullopt;  // SYN-ACK xor RST-ACK only
  const SynCookie cookie = MakeSynCookie(key, to, from, from_port);
  if (to_port != cookie.source_port || ack != cookie.sequence + 1) return std::nullopt;
  return SynReply{from, from_port, syn};
}

}  // namespace narrowscan

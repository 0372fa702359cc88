// Stateless SYN scanning packets (the zmap/masscan technique), pure functions.
//
// The sequence number and the source port of each SYN are a keyed hash of
// (source, destination, destination port), so a reply validates itself: a SYN-ACK or
// RST counts only when it comes from a probed (address, port), to the source port the
// hash picked, acknowledging the hashed sequence number + 1. No per-target state.
// Source ports come from 61000-65095, outside Linux's default ephemeral range, so
// the kernel answers SYN-ACKs with a RST (closing the half-open connection) and the
// banner grabber's own connections never collide with them.
#ifndef NARROWSCAN_PROBE_ENGINE_SYN_PACKET_H_
#define NARROWSCAN_PROBE_ENGINE_SYN_PACKET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/ipv4.h"

namespace narrowscan {

struct SynCookieKey {
  uint64_t k0 = 0, k1 = 0;
};

struct SynCookie {
  uint32_t sequence;
  uint16_t source_port;
};
SynCookie MakeSynCookie(const SynCookieKey& key, Ipv4 source, Ipv4 destination, uint16_t port);

constexpr size_t kSynPacketSize = 44;  // IPv4 header 20 + TCP header 20 + MSS option 4

// Writes an IPv4 + TCP SYN with valid checksums. REQUIRES: out.size() >= kSynPacketSize.
size_t BuildSynPacket(std::span<uint8_t> out, Ipv4 source, Ipv4 destination, uint16_t port,
                      const SynCookie& cookie, uint16_t ip_id);

struct SynReply {
  Ipv4 ip = 0;        // the scanned address
  uint16_t port = 0;  // the scanned port
  bool open = false;  // SYN-ACK (open) or RST (closed)
};
// Parses an IPv4 packet as read from a raw IPPROTO_TCP socket; returns a reply only
// for a valid, cookie-matching SYN-ACK or RST+ACK. Everything else (our own SYNs seen
// on loopback, other traffic, truncated or malformed packets) gives nullopt.
std::optional<SynReply> ParseSynReply(std::span<const uint8_t> packet, const SynCookieKey& key);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SYN_PACKET_H_

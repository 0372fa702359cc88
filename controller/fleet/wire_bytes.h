// Wire bytes: an estimate of the bytes a round put on the wire, IPv4 and TCP headers of
// every packet included, from the probes' attempt outcomes (design §4 "Round metrics").
// The probes count only payload (bytes_sent, bytes_received) and outcomes, not packets,
// so this is a model; its assumptions are the constants below, in this one place.
//
//   open attempt:    SYN, SYN-ACK, ACK; the payload of each direction in segments of at
//                    most kMaxSegmentPayload, spread evenly over the open attempts (so an
//                    attempt that carried payload needs at least one segment), each data
//                    segment answered by one pure ACK; the close as FIN/ACK both ways
//                    and the last ACK (kClosePackets).
//   closed attempt:  SYN and RST/ACK.
//   timeout:         the SYN and kSynRetransmissions retransmissions within the probe's
//                    connect timeout (Linux retransmits after 1 s, 3 s, …; the fleet's
//                    2 s connect timeout leaves one).
//   other outcomes (errors, excluded pairs) are not counted.
// Pure.
#ifndef NARROWSCAN_CONTROLLER_FLEET_WIRE_BYTES_H_
#define NARROWSCAN_CONTROLLER_FLEET_WIRE_BYTES_H_

#include <cstdint>

namespace narrowscan::fleet::wire_model {

inline constexpr int64_t kIpv4Header = 20;
inline constexpr int64_t kTcpHeader = 20;
// MSS, SACK-permitted, timestamps, window scale (Linux): SYN and SYN-ACK only.
inline constexpr int64_t kSynOptions = 20;
// The timestamp option (with its padding) on every segment after the handshake.
inline constexpr int64_t kTimestampOption = 12;
// Ethernet MTU 1500 − 20 (IPv4) − 20 (TCP) − 12 (timestamps).
inline constexpr int64_t kMaxSegmentPayload = 1448;
inline constexpr int64_t kSynRetransmissions = 1;
inline constexpr int64_t kClosePackets = 3;  // FIN/ACK, FIN/ACK, ACK

inline constexpr int64_t kSynPacket = kIpv4Header + kTcpHeader + kSynOptions;               // 60
inline constexpr int64_t kEstablishedPacket = kIpv4Header + kTcpHeader + kTimestampOption;  // 52
inline constexpr int64_t kRstPacket = kIpv4Header + kTcpHeader;                             // 40

}  // namespace narrowscan::fleet::wire_model

namespace narrowscan::fleet {

struct AttemptOutcomes {
  int64_t open = 0, closed = 0, timeout = 0;
  int64_t bytes_sent = 0, bytes_received = 0;  // TCP payload, both directions
};

// The estimate above; 0 for no attempts. Negative counts are treated as 0.
int64_t EstimateWireBytes(const AttemptOutcomes& outcomes);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_WIRE_BYTES_H_

#include "controller/fleet/wire_bytes.h"

#include <algorithm>

namespace narrowscan::fleet {

namespace {

using namespace wire_model;

// Data segments that carry `payload` bytes over `connections`, spread evenly.
int64_t Segments(int64_t payload, int64_t connections) {
  if (payload <= 0) return 0;
  if (connections <= 0) connections = 1;  // payload without an open attempt: one stream
  const int64_t per_connection = (payload + connections - 1) / connections;
  const int64_t segments_each = (per_connection + kMaxSegmentPayload - 1) / kMaxSegmentPayload;
  // Never more segments than payload bytes (a few bytes over many connections).
  return std::min(payload, connections * segments_each);
}

}  // namespace

int64_t EstimateWireBytes(const AttemptOutcomes& o) {
  const int64_t open = std::max<int64_t>(0, o.open);
  const int64_t closed = std::max<int64_t>(0, o.closed);
  const int64_t timeout = std::max<int64_t>(0, o.timeout);
  const int64_t sent = std::max<int64_t>(0, o.bytes_sent);
  const int64_t received = std::max<int64_t>(0, o.bytes_received);

  const int64_t handshake = 2 * kSynPacket + kEstablishedPacket;
  const int64_t close = kClosePackets * kEstablishedPacket;
  const int64_t segments = Segments(sent, open) + Segments(received, open);
  // Each data segment: its headers and payload, and the pure ACK that answers it.
  const int64_t data = segments * 2 * kEstablishedPacket + sent + received;

  return open * (handshake + close) + data + closed * (kSynPacket + kRstPacket) +
         timeout * (1 + kSynRetransmissions) * kSynPacket;
}

}  // namespace narrowscan::fleet

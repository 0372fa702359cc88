// Conversion of the Counters table shared by reports and status (schemas/counters.fbs).
#ifndef NARROWSCAN_COMMON_WIRE_COUNTERS_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_COUNTERS_CODEC_H_

#include "common/wire/messages.h"
#include "schemas/counters_generated.h"

namespace narrowscan::wire {

inline flatbuffers::Offset<schema::Counters> BuildCounters(flatbuffers::FlatBufferBuilder& b,
                                                           const Counters& c) {
  return schema::CreateCounters(b, c.attempts, c.bytes_sent, c.bytes_received, c.open, c.closed,
                                c.timeout);
}

// A missing table reads as all zeros.
inline Counters ReadCounters(const schema::Counters* c) {
  if (c == nullptr) return {};
  return {c->attempts(), c->bytes_sent(), c->bytes_received(),
          c->open(),     c->closed(),     c->timeout()};
}

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_COUNTERS_CODEC_H_

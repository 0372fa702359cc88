// VerifiedBuffer: untrusted bytes that passed the checks every decoder starts with,
// in this order (the error names the first that fails, prefixed with `what`):
// size cap, minimum size and 4-byte multiple (truncation), file identifier,
// FlatBuffers Verifier. The input must outlive the VerifiedBuffer.
//
// FlatBuffers reads scalars in place, so the bytes must be suitably aligned; when the
// input is not 8-byte aligned (a slice of a network buffer), it is copied first.
#ifndef NARROWSCAN_COMMON_WIRE_VERIFIED_BUFFER_H_
#define NARROWSCAN_COMMON_WIRE_VERIFIED_BUFFER_H_

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

class VerifiedBuffer {
 public:
  using VerifyFn = bool (*)(flatbuffers::Verifier&);

  // `identifier` is the 4-character file_identifier of the expected root type and
  // `verify` the generated Verify<Root>Buffer function.
  static Result<VerifiedBuffer> Check(std::span<const uint8_t> bytes, const char* identifier,
                                      VerifyFn verify, std::string_view what);

  const uint8_t* data() const { return copy_.empty() ? view_.data() : copy_.data(); }
  size_t size() const { return view_.size(); }

 private:
  std::span<const uint8_t> view_;
  Bytes copy_;  // set only when the input was misaligned
};

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_VERIFIED_BUFFER_H_

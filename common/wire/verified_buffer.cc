#include "common/wire/verified_buffer.h"

#include <fmt/format.h>

#include <cstring>

namespace narrowscan::wire {
namespace {

// Shows an identifier readably even when the bytes are garbage.
std::string Printable(const uint8_t* p) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    unsigned char c = p[i];
    out += (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c))
                                   : fmt::format("\\x{:02x}", c);
  }
  return out;
}

}  // namespace

Result<VerifiedBuffer> VerifiedBuffer::Check(std::span<const uint8_t> bytes, const char* identifier,
                                             VerifyFn verify, std::string_view what) {
  if (bytes.size() > kMaxMessageBytes) {
    return Error{
        fmt::format("{}: {} bytes, more than the cap of {}", what, bytes.size(), kMaxMessageBytes)};
  }
  // Root offset + identifier + at least a vtable offset.
  constexpr size_t kMinSize = 12;
  if (bytes.size() < kMinSize) {
    return Error{fmt::format("{}: truncated ({} bytes, a message has at least {})", what,
                             bytes.size(), kMinSize)};
  }
  // FlatBufferBuilder pads every finished buffer to a multiple of its largest
  // alignment (at least 4), so any other size means bytes were cut off or added.
  if (bytes.size() % sizeof(flatbuffers::uoffset_t) != 0) {
    return Error{fmt::format("{}: truncated or padded ({} bytes is not a multiple of 4)", what,
                             bytes.size())};
  }
  if (std::memcmp(bytes.data() + sizeof(flatbuffers::uoffset_t), identifier, 4) != 0) {
    return Error{fmt::format("{}: wrong file identifier '{}', expected '{}'", what,
                             Printable(bytes.data() + sizeof(flatbuffers::uoffset_t)), identifier)};
  }
  VerifiedBuffer out;
  out.view_ = bytes;
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0) {
    out.copy_.assign(bytes.begin(), bytes.end());
  }
  flatbuffers::Verifier verifier(out.data(), bytes.size(), /*max_depth=*/32,
                                 /*max_tables=*/4 * kMaxResultsPerBatch);
  if (!verify(verifier)) {
    return Error{fmt::format("{}: fails the FlatBuffers verifier (truncated or corrupt, {} bytes)",
                             what, bytes.size())};
  }
  return out;
}

}  // namespace narrowscan::wire

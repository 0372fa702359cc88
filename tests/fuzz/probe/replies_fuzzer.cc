// Untrusted bytes that the probe parses: packets read from the raw socket in --syn
// mode (ParseSynReply) and peer certificates (DescribeCertificateDer).
#include <cstddef>
#include <cstdint>
#include <span>

#include "probe/engine/syn_packet.h"
#include "probe/grabbers/tls_certificate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)narrowscan::ParseSynReply(bytes, narrowscan::SynCookieKey{1, 2});
  (void)narrowscan::DescribeCertificateDer(bytes);
  return 0;
}

// Arbitrary bytes as a testbed population spec: a spec or an error naming the file,
// and every range of an accepted spec inside 127.0.0.0/8.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/testbed/population_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = narrowscan::testbed::ParsePopulationSpec(text, "fuzz.toml");
  if (!spec.ok()) {
    if (spec.error().rfind("fuzz.toml", 0) != 0) __builtin_trap();
    return 0;
  }
  for (const auto& r : spec->ranges)
    if ((r.first >> 24) != 127 || (r.last >> 24) != 127) __builtin_trap();
  return 0;
}

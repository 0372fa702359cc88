// Arbitrary bytes as probe.toml and as controller.toml: the readers either return a
// config or an error naming the file — never crash, hang or read outside the input.
// Relative paths resolve under a folder that does not exist, so no file is opened.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/fleet/controller_config.h"
#include "probe/agent/probe_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string source = "/nonexistent-fuzz-dir/config.toml";
  auto probe = narrowscan::ParseProbeConfig(text, source);
  if (!probe.ok() && probe.error().rfind(source, 0) != 0) __builtin_trap();
  auto controller = narrowscan::fleet::ParseControllerConfig(text, source);
  if (!controller.ok() && controller.error().rfind(source, 0) != 0) __builtin_trap();
  return 0;
}

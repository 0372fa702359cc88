// The hosts JSONL reader: never crashes; a host it accepts is written back as a line it
// accepts again with the same banners.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "controller/estimation/hosts_jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto host = ParseHostLine(line);
  if (!host.ok()) return 0;
  auto again = ParseHostLine(FormatHostLine(host.value()));
  if (!again.ok() || again->banners.size() != host->banners.size()) std::abort();
  for (size_t i = 0; i < host->banners.size(); ++i) {
    if (again->banners[i].banner != host->banners[i].banner) std::abort();
  }
  return 0;
}

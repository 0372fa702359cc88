// The nmap-service-probes importer (and so the PCRE converter) on arbitrary text: never
// crashes, and every entry it produces has a regex RE2 compiles.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "controller/estimation/device_entry.h"
#include "controller/importers/nmap_service_probes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  if (size > 64 * 1024) return 0;
  const NmapImport r =
      ImportNmapServiceProbes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  for (const DeviceEntry& e : r.entries) {
    for (const Keyword& k : e.keywords) {
      if (!re2::RE2(k.regex, KeywordRegexOptions()).ok()) std::abort();
    }
  }
  return 0;
}

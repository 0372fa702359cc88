// The Recog XML importer (expat + the Ruby regex converter) on arbitrary bytes.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "controller/estimation/device_entry.h"
#include "controller/importers/recog_fingerprints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  if (size > 64 * 1024) return 0;
  RecogImport r;
  (void)ImportRecogXml(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.xml", &r);
  for (const DeviceEntry& e : r.entries) {
    for (const Keyword& k : e.keywords) {
      if (!re2::RE2(k.regex, KeywordRegexOptions()).ok()) std::abort();
    }
  }
  return 0;
}

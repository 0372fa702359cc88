// The device DB loader on arbitrary TOML text: never crashes; whatever loads builds an
// estimator, runs its examples, and writes back as TOML that loads again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_db_writer.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  DeviceDbLoader loader({.skip_invalid = (size & 1) != 0});
  if (!loader.AddText(text, "fuzz.toml").ok()) return 0;
  DeviceDb db = loader.TakeDb();
  const std::string written = FormatDeviceDbToml(db.entries, "fuzz");
  DeviceDbLoader again;
  if (!again.AddText(written, "again.toml").ok()) std::abort();  // the writer's contract
  auto estimator = Estimator::Create(std::move(db));
  if (!estimator.ok()) std::abort();  // the loader compiled every regex already
  (void)CheckExamples(estimator.value());
  return 0;
}

// Hand-rolled JSON string output for the generator's hot loop (millions of banners):
// no DOM, no allocation beyond the output buffer growing.
#ifndef NARROWSCAN_TESTS_TESTBED_JSON_TEXT_H_
#define NARROWSCAN_TESTS_TESTBED_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace narrowscan::testbed {

// Appends `"text"` with JSON escapes. REQUIRES: IsValidUtf8(text) (common/utf8.h).
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_JSON_TEXT_H_

// Value templates: entry values that take text captured by the entry's keywords.
//
// `{N}` (N = 1..99) is capture group N, `{name}` the named group `name`
// ([A-Za-z_][A-Za-z0-9_]*). A group that did not take part expands to "". `{{` is a
// literal `{`; any other `{` that does not open a reference is literal too, so plain
// text never needs escaping unless it contains `{word}` itself.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_VALUE_TEMPLATE_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_VALUE_TEMPLATE_H_

#include <functional>
#include <string>
#include <string_view>

namespace narrowscan {

// Looks up a reference ("1", "version"); returns nullptr when unknown.
using CaptureLookup = std::function<const std::string*(std::string_view reference)>;

std::string ExpandTemplate(std::string_view value, const CaptureLookup& lookup);
// True when `value` contains at least one reference (so it needs the captures).
bool HasTemplateReference(std::string_view value);
// Escapes literal text so ExpandTemplate() returns it unchanged.
std::string EscapeTemplateText(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_VALUE_TEMPLATE_H_

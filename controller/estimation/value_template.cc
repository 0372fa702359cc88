#include "controller/estimation/value_template.h"

namespace narrowscan {
namespace {

bool IsWordStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsWord(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

// Length of the reference name at value[pos] (after '{') when followed by '}', else 0.
size_t ReferenceLength(std::string_view value, size_t pos) {
  size_t i = pos;
  if (i < value.size() && value[i] >= '0' && value[i] <= '9') {
    while (i < value.size() && value[i] >= '0' && value[i] <= '9' && i - pos < 2) ++i;
  } else if (i < value.size() && IsWordStart(value[i])) {
    while (i < value.size() && IsWord(value[i])) ++i;
  }
  if (i == pos || i >= value.size() || value[i] != '}') return 0;
  return i - pos;
}

}  // namespace

std::string ExpandTemplate(std::string_view value, const CaptureLookup& lookup) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    const size_t len = ReferenceLength(value, i + 1);
    if (len == 0) {
      out.push_back(c);
      continue;
    }
    if (const std::string* captured = lookup(value.substr(i + 1, len))) out += *captured;
    i += len + 1;  // the name and the closing brace
  }
  return out;
}

bool HasTemplateReference(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '{') continue;
    if (i + 1 < value.size() && value[i + 1] == '{') {
      ++i;
      continue;
    }
    if (ReferenceLength(value, i + 1) > 0) return true;
  }
  return false;
}

std::string EscapeTemplateText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out.push_back(c);
    if (c == '{') out.push_back('{');
  }
  return out;
}

}  // namespace narrowscan

#include "controller/http/metrics_text.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>

namespace narrowscan::http {

namespace {

[[maybe_unused]] bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Backslash and newline always; the double quote only inside label values.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) { return Escape(value, true); }

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0)
    return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{}", value);
}

void MetricsText::Family(std::string_view name, std::string_view help, Type type) {
  assert(ValidName(name, true));
  family_ = name;
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, Escape(help, false), name,
                       type == kCounter ? "counter" : "gauge");
}

void MetricsText::Sample(double value, std::initializer_list<MetricLabel> labels) {
  assert(!family_.empty());
  text_ += family_;
  if (labels.size() > 0) {
    text_ += '{';
    bool first = true;
    for (const auto& [name, label_value] : labels) {
      assert(ValidName(name, false));
      text_ += fmt::format("{}{}=\"{}\"", first ? "" : ",", name, EscapeLabelValue(label_value));
      first = false;
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += FormatMetricValue(value);
  text_ += '\n';
}

}  // namespace narrowscan::http

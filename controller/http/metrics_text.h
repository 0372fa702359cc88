// MetricsText: the Prometheus text exposition format (version 0.0.4), written family
// by family. Pure; no knowledge of what is measured (fleet_metrics.h decides that).
//
//   MetricsText m;
//   m.Family("narrowscan_rounds_total", "Rounds created.", MetricsText::kCounter);
//   m.Sample(3);
//   m.Family("narrowscan_probe_attempts_total", "…", MetricsText::kCounter);
//   m.Sample(120, {{"probe", "p1"}});
//   std::string body = m.text();
//
// Family() writes `# HELP` (backslash and newline escaped) and `# TYPE`; Sample() writes
// `name{label="value",…} value` for the family last started. Label values escape
// backslash, double quote and newline; other bytes pass unchanged (the format is
// UTF-8). Values print as integers when they are whole and below 2^53, else in
// shortest round-trip form; NaN and infinities as NaN, +Inf, -Inf.
// Metric and label names must match [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*;
// a bad name is a programming error (assert), never input.
#ifndef NARROWSCAN_CONTROLLER_HTTP_METRICS_TEXT_H_
#define NARROWSCAN_CONTROLLER_HTTP_METRICS_TEXT_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace narrowscan::http {

using MetricLabel = std::pair<std::string_view, std::string_view>;

class MetricsText {
 public:
  enum Type { kCounter, kGauge };

  void Family(std::string_view name, std::string_view help, Type type);
  void Sample(double value, std::initializer_list<MetricLabel> labels = {});

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string family_;
};

std::string EscapeLabelValue(std::string_view value);
std::string FormatMetricValue(double value);

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_METRICS_TEXT_H_

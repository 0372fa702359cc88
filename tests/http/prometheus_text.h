// A small parser of the Prometheus text exposition format for the tests: it checks
// every line is a well-formed HELP, TYPE or sample line and that every sample's metric
// has HELP and TYPE before it, and returns the samples.
#ifndef NARROWSCAN_TESTS_HTTP_PROMETHEUS_TEXT_H_
#define NARROWSCAN_TESTS_HTTP_PROMETHEUS_TEXT_H_

#include <map>
#include <string>
#include <vector>

namespace narrowscan::httptest {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct PromParse {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // metric → counter | gauge | …
  std::vector<std::string> errors;           // "line N: why"
  // The value of the sample `name` with exactly `labels`, or -1 when absent.
  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

PromParse ParsePrometheusText(const std::string& text);

}  // namespace narrowscan::httptest

#endif  // NARROWSCAN_TESTS_HTTP_PROMETHEUS_TEXT_H_

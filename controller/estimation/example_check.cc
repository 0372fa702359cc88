#include "controller/estimation/example_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "controller/estimation/text_encoding.h"

namespace narrowscan {
namespace {

const std::string* ValueOf(const DeviceMatch& m, const std::string& name, std::string* level) {
  if (name == "vendor") return &m.vendor;
  if (name == "product") return &m.product;
  if (name == "model") return &m.model;
  if (name == "version") return &m.version;
  if (name == "type") return &m.type;
  if (name == "level") {
    *level = std::to_string(m.level);
    return level;
  }
  auto it = m.attributes.find(name);
  return it == m.attributes.end() ? nullptr : &it->second;
}

}  // namespace

Host ExampleHost(const DeviceExample& example) {
  Host host;
  BannerRecord record;
  record.port = example.port.value_or(0);
  record.service = example.service;
  record.banner = example.banner;
  record.field = example.field;
  record.tls_subject = example.tls_subject;
  record.tls_issuer = example.tls_issuer;
  host.banners.push_back(std::move(record));
  if (example.port) host.open_ports.push_back(*example.port);
  return host;
}

ExampleReport CheckExamples(const Estimator& estimator) {
  ExampleReport report;
  const DeviceDb& db = estimator.db();
  for (size_t e = 0; e < db.entries.size(); ++e) {
    const DeviceEntry& entry = db.entries[e];
    if (entry.examples.empty()) ++report.entries_without_examples;
    double total_weight = 0;
    for (const Keyword& k : entry.keywords) total_weight += k.weight;
    const double bar = std::min(estimator.options().threshold, total_weight) - 1e-9;
    for (const DeviceExample& example : entry.examples) {
      ++report.examples;
      const DeviceMatch m = estimator.Evaluate(ExampleHost(example), e);
      const std::string where =
          fmt::format("{}:{}: device '{}'", entry.file, example.line, entry.id);
      std::vector<std::string> problems;
      if (!example.expect_match) {
        if (m.score >= bar) {
          problems.push_back(fmt::format("negative example matched (S={:.3f})", m.score));
        }
      } else if (m.score < bar) {
        problems.push_back(
            fmt::format("example does not match (S={:.3f} < {:.3f})", m.score, bar + 1e-9));
      } else {
        for (const auto& [name, want] : example.expect) {
          std::string level;
          const std::string* got = ValueOf(m, name, &level);
          if (!got) {
            problems.push_back(fmt::format("expects {} '{}', got none", name, ToDisplayUtf8(want)));
          } else if (*got != want) {
            problems.push_back(fmt::format("expects {} '{}', got '{}'", name, ToDisplayUtf8(want),
                                           ToDisplayUtf8(*got)));
          }
        }
      }
      if (problems.empty()) {
        ++report.passed;
        continue;
      }
      std::string message = where + ":";
      for (const std::string& p : problems) message += " " + p + ";";
      message.pop_back();
      report.failures.push_back(std::move(message));
    }
  }
  return report;
}

}  // namespace narrowscan

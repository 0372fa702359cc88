// `narrowscan db test` and `narrowscan db import nmap|recog`.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "controller/cli/cli_options.h"
#include "controller/estimation/commands/default_db_location.h"
#include "controller/estimation/commands/estimation_commands.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"

namespace narrowscan {
namespace {

struct DbTestOptions {
  std::vector<std::string> db;
  bool skip_invalid = false;
  bool require_examples = false;
  bool json = false;
  double threshold = 0.8;
};

void RunDbTest(const DbTestOptions& o) {
  auto paths = ResolveDbPaths(o.db);
  if (!paths.ok()) throw CommandExit{kExitFailed, paths.error()};
  std::vector<std::string> skipped;
  auto db = LoadDeviceDb(paths.value(), {.skip_invalid = o.skip_invalid}, &skipped);
  if (!db.ok()) throw CommandExit{kExitBadInput, db.error()};
  const size_t entries = db->entries.size();
  auto estimator =
      Estimator::Create(std::move(db.value()), {.alpha = 1.0, .threshold = o.threshold});
  if (!estimator.ok()) throw CommandExit{kExitBadInput, estimator.error()};
  const ExampleReport report = CheckExamples(estimator.value());
  const bool missing = o.require_examples && report.entries_without_examples > 0;
  const bool failed = !report.failures.empty() || !skipped.empty() || missing;
  if (o.json) {
    nlohmann::ordered_json doc = {{"entries", entries},
                                  {"skipped_entries", skipped},
                                  {"examples", report.examples},
                                  {"passed", report.passed},
                                  {"failed", report.failures.size()},
                                  {"entries_without_examples", report.entries_without_examples},
                                  {"failures", report.failures},
                                  {"ok", !failed}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const std::string& s : skipped) std::printf("skipped: %s\n", s.c_str());
    for (const std::string& f : report.failures) std::printf("FAIL %s\n", f.c_str());
    std::printf(
        "db test: %zu entries, %zu skipped, %zu/%zu examples passed, %zu failed, "
        "%zu entries without examples\n",
        entries, skipped.size(), report.passed, report.examples, report.failures.size(),
        report.entries_without_examples);
  }
  if (failed) throw CommandExit{kExitFailed, ""};
}

}  // namespace

void RegisterDbCommands(CLI::App* app) {
  CLI::App* db = app->add_subcommand("db", "Device DB tools: test, import");
  db->require_subcommand(1);

  auto t = std::make_shared<DbTestOptions>();
  CLI::App* test = db->add_subcommand("test", "Run every entry's examples; exit 1 on a failure");
  test->add_option("db", t->db, "DB files or folders ('default' = the shipped DB)");
  test->add_flag("--skip-invalid", t->skip_invalid,
                 "Load past invalid entries (they are listed and still fail the test)");
  test->add_flag("--require-examples", t->require_examples, "Fail when an entry has no example");
  test->add_option("--threshold", t->threshold, "Threshold th the examples are checked at")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  AddJsonOption(test, &t->json);
  test->callback([t] { RunDbTest(*t); });
}

}  // namespace narrowscan

// `narrowscan db test` and `narrowscan db import nmap|recog`.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "controller/cli/cli_options.h"
#include "controller/estimation/commands/estimation_commands.h"
#include "controller/estimation/default_db_location.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_db_writer.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"
#include "controller/importers/nmap_service_probes.h"
#include "controller/importers/recog_fingerprints.h"

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

struct ImportOptions {
  std::vector<std::string> inputs;
  std::string output = "-";
  bool json = false;
};

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandExit{kExitFailed, path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw CommandExit{kExitFailed, path + ": read error"};
  return text.str();
}

void WriteOutput(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0) throw CommandExit{kExitFailed, "<stdout>: write error"};
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw CommandExit{kExitFailed, path + ": cannot write"};
}

std::string Percent(size_t part, size_t whole) {
  return whole == 0 ? "0.00%" : fmt::format("{:.2f}%", 100.0 * part / whole);
}

void RunImportNmap(const ImportOptions& o) {
  const std::string& path = o.inputs.front();
  const std::string text = ReadWholeFile(path);
  const NmapImport result = ImportNmapServiceProbes(text, path);
  if (result.match_lines == 0) throw CommandExit{kExitBadInput, path + ": no match lines"};
  const std::string comment = fmt::format(
      "Imported by `narrowscan db import nmap` from {}.\n{} match/softmatch lines, {} entries; "
      "softmatch weight {}.",
      path, result.match_lines, result.entries.size(), kSoftmatchWeight);
  WriteOutput(o.output, FormatDeviceDbToml(result.entries, comment));
  if (o.json) {
    nlohmann::ordered_json doc = {{"source", path},
                                  {"match_lines", result.match_lines},
                                  {"softmatch_lines", result.softmatch_lines},
                                  {"imported", result.entries.size()},
                                  {"compiled_as_is", result.compiled_as_is},
                                  {"rewritten", result.rewritten},
                                  {"helpers_simplified", result.helpers_simplified},
                                  {"skipped", result.skipped}};
    std::fprintf(stderr, "%s\n", doc.dump(2).c_str());
    return;
  }
  std::fprintf(stderr,
               "nmap import: %zu match lines (%zu softmatch); compile as is: %zu (%s); "
               "imported: %zu (%s), %zu of them rewritten; %zu $SUBST/$I helpers simplified\n",
               result.match_lines, result.softmatch_lines, result.compiled_as_is,
               Percent(result.compiled_as_is, result.match_lines).c_str(), result.entries.size(),
               Percent(result.entries.size(), result.match_lines).c_str(), result.rewritten,
               result.helpers_simplified);
  for (const auto& [reason, count] : result.skipped) {
    std::fprintf(stderr, "  skipped %zu: %s\n", count, reason.c_str());
  }
}

void RunImportRecog(const ImportOptions& o) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& input : o.inputs) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& item : fs::directory_iterator(input, ec)) {
      if (item.path().extension() == ".xml") found.push_back(item.path().string());
    }
    if (ec) throw CommandExit{kExitFailed, input + ": cannot list folder: " + ec.message()};
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  RecogImport result;
  for (const std::string& file : files) {
    if (Status s = ImportRecogXml(ReadWholeFile(file), file, &result); !s.ok()) {
      throw CommandExit{kExitBadInput, s.error()};
    }
  }
  if (result.entries.empty()) throw CommandExit{kExitBadInput, "no fingerprint imported"};
  const std::string comment = fmt::format(
      "Imported by `narrowscan db import recog` from {} file(s): {} fingerprints, {} entries, {} "
      "examples.",
      files.size(), result.fingerprints, result.entries.size(), result.examples);
  WriteOutput(o.output, FormatDeviceDbToml(result.entries, comment));
  if (o.json) {
    nlohmann::ordered_json doc = {{"files", files},
                                  {"fingerprints", result.fingerprints},
                                  {"imported", result.entries.size()},
                                  {"examples", result.examples},
                                  {"rewritten", result.rewritten},
                                  {"skipped", result.skipped}};
    std::fprintf(stderr, "%s\n", doc.dump(2).c_str());
    return;
  }
  std::fprintf(stderr,
               "recog import: %zu files, %zu fingerprints; imported: %zu (%s), %zu rewritten; "
               "%zu examples\n",
               files.size(), result.fingerprints, result.entries.size(),
               Percent(result.entries.size(), result.fingerprints).c_str(), result.rewritten,
               result.examples);
  for (const auto& [reason, count] : result.skipped) {
    std::fprintf(stderr, "  skipped %zu: %s\n", count, reason.c_str());
  }
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

  CLI::App* import = db->add_subcommand("import", "Import other fingerprint databases");
  import->require_subcommand(1);
  auto n = std::make_shared<ImportOptions>();
  CLI::App* nmap = import->add_subcommand(
      "nmap", "Import nmap-service-probes match/softmatch lines (summary on stderr)");
  nmap->add_option("file", n->inputs, "nmap-service-probes file")->required()->expected(1);
  nmap->add_option("-o,--output", n->output, "Device DB TOML to write, - for stdout")
      ->capture_default_str();
  AddJsonOption(nmap, &n->json);
  nmap->callback([n] { RunImportNmap(*n); });

  auto r = std::make_shared<ImportOptions>();
  CLI::App* recog = import->add_subcommand(
      "recog", "Import Recog XML fingerprint files or folders (summary on stderr)");
  recog->add_option("paths", r->inputs, "Recog XML files or folders of *.xml")->required();
  recog->add_option("-o,--output", r->output, "Device DB TOML to write, - for stdout")
      ->capture_default_str();
  AddJsonOption(recog, &r->json);
  recog->callback([r] { RunImportRecog(*r); });
}

}  // namespace narrowscan

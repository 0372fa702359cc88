// Where importer tests find their inputs: committed fixtures, Debian's nmap file,
// and the Recog files in ../shared (absent on users' machines).
#ifndef NARROWSCAN_TESTS_IMPORTERS_IMPORTER_TEST_FILES_H_
#define NARROWSCAN_TESTS_IMPORTERS_IMPORTER_TEST_FILES_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace narrowscan {

inline std::filesystem::path SourceDir() {
  const char* dir = std::getenv("NARROWSCAN_SOURCE_DIR");
  return dir ? dir : ".";
}
inline std::filesystem::path FixturePath(const std::string& name) {
  return SourceDir() / "tests/importers/fixtures" / name;
}
inline std::filesystem::path SharedRecogDir() { return SourceDir() / "../shared/data/recog"; }
inline constexpr char kDebianNmapProbes[] = "/usr/share/nmap/nmap-service-probes";

inline std::string ReadTestFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace narrowscan

#endif  // NARROWSCAN_TESTS_IMPORTERS_IMPORTER_TEST_FILES_H_

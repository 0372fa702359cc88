#include "controller/estimation/default_db_location.h"

#include <cstdlib>
#include <filesystem>

namespace narrowscan {
namespace fs = std::filesystem;

Result<std::string> LocateDefaultDb() {
  std::error_code ec;
  // An explicit setting that is wrong is an error, not a reason to look elsewhere.
  if (const char* env = std::getenv("NARROWSCAN_DEVICES"); env && *env) {
    if (fs::is_directory(env, ec)) return std::string(env);
    return Error{std::string("NARROWSCAN_DEVICES=") + env + " is not a folder"};
  }
  std::vector<std::string> candidates;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    candidates.push_back((exe.parent_path().parent_path() / "share/narrowscan/devices").string());
  // A build-tree binary uses its own source tree's DB before any installed copy.
  candidates.emplace_back(NARROWSCAN_SOURCE_DEVICES);
  candidates.emplace_back(NARROWSCAN_INSTALL_DEVICES);
  std::string tried;
  for (const std::string& c : candidates) {
    if (fs::is_directory(c, ec)) return c;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  return Error{"default device DB not found (tried " + tried + "; set NARROWSCAN_DEVICES)"};
}

Result<std::vector<std::string>> ResolveDbPaths(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  const std::vector<std::string> wanted =
      given.empty() ? std::vector<std::string>{"default"} : given;
  for (const std::string& path : wanted) {
    if (path != "default") {
      out.push_back(path);
      continue;
    }
    auto located = LocateDefaultDb();
    if (!located.ok()) return Error{located.error()};
    out.push_back(located.value());
  }
  return out;
}

}  // namespace narrowscan

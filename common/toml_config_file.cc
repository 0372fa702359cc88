#include "common/toml_config_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace narrowscan {

Result<TomlConfigFile> TomlConfigFile::Open(const std::string& path) {
  try {
    return TomlConfigFile(path, toml::parse_file(path));
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", path, e.source().begin.line, e.description())};
  }
}

std::string TomlConfigFile::Path(const std::string& p) const {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(path_).parent_path() / p).lexically_normal().string();
}

std::string TomlConfigFile::PathAt(toml::node_view<const toml::node> node,
                                   const std::string& fallback) const {
  return Path(node.value_or(fallback));
}

Error TomlConfigFile::Fail(std::string_view what) const {
  return Error{fmt::format("{}: {}", path_, what)};
}

Result<std::string> TomlConfigFile::Secret(std::string_view table, std::string_view key,
                                           std::string fallback) const {
  const auto node = table_[table];
  const std::string file_key = fmt::format("{}_file", key);
  if (auto name = node[file_key].value<std::string>()) {
    std::ifstream in(Path(*name));
    if (!in) return Fail(fmt::format("{}.{} '{}' cannot be read", table, file_key, *name));
    std::string line;
    std::getline(in, line);
    return line;
  }
  return node[key].value_or(std::move(fallback));
}

}  // namespace narrowscan

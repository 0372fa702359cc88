#include "common/toml_config_file.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/nearest_key.h"
#include "common/printable.h"

namespace narrowscan {
namespace {

// "table.key" → the node, or nullptr; one level of tables is all configs use.
const toml::node* Find(const toml::table& root, std::string_view key) {
  const size_t dot = key.find('.');
  if (dot == std::string_view::npos) return root.get(key);
  const toml::table* t = root.get_as<toml::table>(key.substr(0, dot));
  return t == nullptr ? nullptr : t->get(key.substr(dot + 1));
}

bool IsTablePrefix(std::string_view full, const std::vector<std::string_view>& known) {
  for (std::string_view k : known)
    if (k.size() > full.size() && k.substr(0, full.size()) == full && k[full.size()] == '.')
      return true;
  return false;
}

bool Contains(const std::vector<std::string_view>& known, std::string_view key) {
  for (std::string_view k : known)
    if (k == key) return true;
  return false;
}

}  // namespace

const std::vector<std::string_view>& MqttTableKeys() {
  static const std::vector<std::string_view> keys = {
      "mqtt.uri",           "mqtt.client_id", "mqtt.username",  "mqtt.password",
      "mqtt.password_file", "mqtt.version",   "mqtt.prefix",    "mqtt.ca_file",
      "mqtt.cert_file",     "mqtt.key_file",  "mqtt.tls_verify"};
  return keys;
}

Result<TomlConfigFile> TomlConfigFile::Parse(std::string_view text, const std::string& source) {
  try {
    return TomlConfigFile(source, toml::parse(text, source));
  } catch (const toml::parse_error& e) {
    return Error{
        fmt::format("{}:{}: {}", source, e.source().begin.line, Printable(e.description()))};
  }
}

Result<TomlConfigFile> TomlConfigFile::Open(const std::string& path) {
  try {
    return TomlConfigFile(path, toml::parse_file(path));
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", path, e.source().begin.line, Printable(e.description()))};
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
  const std::string file_key = fmt::format("{}.{}_file", table, key);
  auto name = String(file_key, "");
  if (!name.ok()) return Error{name.error()};
  if (!name->empty()) {
    std::ifstream in(Path(*name));
    if (!in) return FailAt(file_key, fmt::format("'{}' cannot be read", Printable(*name)));
    std::string line;
    std::getline(in, line);
    return line;
  }
  return String(fmt::format("{}.{}", table, key), std::move(fallback));
}

Error TomlConfigFile::FailAt(std::string_view key, std::string_view what) const {
  const toml::node* n = Find(table_, key);
  if (n == nullptr) return Fail(fmt::format("{}: {}", key, what));
  return Error{fmt::format("{}:{}: {}: {}", path_, n->source().begin.line, key, what)};
}

Status TomlConfigFile::CheckKnownKeys(const std::vector<std::string_view>& known) const {
  auto unknown = [&](const toml::key& k, const std::string& full) {
    return Error{fmt::format("{}:{}: unknown key '{}'{}", path_, k.source().begin.line,
                             Printable(full), DidYouMean(full, known))};
  };
  for (const auto& [key, value] : table_) {
    const std::string full(key.str());
    if (Contains(known, full)) continue;
    const toml::table* sub = value.as_table();
    if (sub == nullptr || !IsTablePrefix(full, known)) return unknown(key, full);
    for (const auto& [inner, inner_value] : *sub) {
      const std::string dotted = fmt::format("{}.{}", full, inner.str());
      if (!Contains(known, dotted)) return unknown(inner, dotted);
    }
  }
  return Status::Ok();
}

Result<int64_t> TomlConfigFile::Integer(std::string_view key, int64_t fallback, int64_t lo,
                                        int64_t hi) const {
  const toml::node* n = Find(table_, key);
  if (n == nullptr) return fallback;
  if (!n->is_integer()) return FailAt(key, "must be an integer");
  const int64_t v = n->as_integer()->get();
  if (v < lo || v > hi) return FailAt(key, fmt::format("{} is outside {}..{}", v, lo, hi));
  return v;
}

Result<double> TomlConfigFile::Number(std::string_view key, double fallback, double lo, double hi,
                                      bool lo_open) const {
  const toml::node* n = Find(table_, key);
  if (n == nullptr) return fallback;
  double v = 0;
  if (n->is_integer()) {
    v = static_cast<double>(n->as_integer()->get());
  } else if (n->is_floating_point()) {
    v = n->as_floating_point()->get();
  } else {
    return FailAt(key, "must be a number");
  }
  if (!std::isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
    return FailAt(key, fmt::format("{} is outside {}{}, {}]", v, lo_open ? "(" : "[", lo, hi));
  return v;
}

Result<bool> TomlConfigFile::Bool(std::string_view key, bool fallback) const {
  const toml::node* n = Find(table_, key);
  if (n == nullptr) return fallback;
  if (!n->is_boolean()) return FailAt(key, "must be true or false");
  return n->as_boolean()->get();
}

Result<std::string> TomlConfigFile::String(std::string_view key, std::string fallback) const {
  const toml::node* n = Find(table_, key);
  if (n == nullptr) return fallback;
  if (!n->is_string()) return FailAt(key, "must be a string");
  return std::string(n->as_string()->get());
}

}  // namespace narrowscan

#include "controller/estimation/device_db_loader.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base64.h"
#include "controller/estimation/text_encoding.h"

namespace narrowscan {
namespace {

namespace fs = std::filesystem;

// An entry is refused by throwing this inside ParseEntry; the loader decides whether
// to stop or to skip. Exceptions keep the many checks readable, and never leave this
// file.
struct EntryError {
  int line;
  std::string why;
};

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

[[noreturn]] void Refuse(int line, std::string why) { throw EntryError{line, std::move(why)}; }

std::string RequireString(const toml::node& node, std::string_view key) {
  const auto* s = node.as_string();
  if (!s) Refuse(LineOf(node), fmt::format("'{}' must be a string", key));
  return s->get();
}

int64_t RequireInteger(const toml::node& node, std::string_view key) {
  const auto* i = node.as_integer();
  if (!i) Refuse(LineOf(node), fmt::format("'{}' must be an integer", key));
  return i->get();
}

uint16_t RequirePort(const toml::node& node, std::string_view key) {
  const int64_t port = RequireInteger(node, key);
  if (port < 1 || port > 65535) {
    Refuse(LineOf(node), fmt::format("port {} is outside 1-65535", port));
  }
  return static_cast<uint16_t>(port);
}

const toml::table& RequireTable(const toml::node& node, std::string_view key) {
  const auto* t = node.as_table();
  if (!t) Refuse(LineOf(node), fmt::format("'{}' must be a table", key));
  return *t;
}

std::string ScalarText(const toml::node& node, std::string_view key) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  Refuse(LineOf(node), fmt::format("'{}' must be a string, an integer or a boolean", key));
}

// Calls `each(node, line)` for every table of an array of tables (or a single table).
template <class F>
void ForEachTable(const toml::node& node, std::string_view key, F each) {
  if (const auto* array = node.as_array()) {
    for (const toml::node& item : *array) each(RequireTable(item, key));
  } else {
    each(RequireTable(node, key));
  }
}

Keyword ParseKeyword(const toml::table& table) {
  Keyword k;
  k.line = LineOf(table);
  bool has_regex = false, has_weight = false;
  for (const auto& [key, value] : table) {
    const int line = static_cast<int>(key.source().begin.line);
    if (key == "field") {
      k.field = RequireString(value, "field");
      if (!IsKnownField(k.field)) Refuse(line, fmt::format("unknown field '{}'", k.field));
    } else if (key == "regex") {
      k.regex = RequireString(value, "regex");
      has_regex = true;
    } else if (key == "weight") {
      if (!value.is_number()) Refuse(line, "'weight' must be a number");
      k.weight = value.value<double>().value_or(0);
      has_weight = true;
      if (!(k.weight > 0)) Refuse(line, fmt::format("weight {} must be > 0", k.weight));
    } else {
      Refuse(line, fmt::format("unknown key '{}' in keyword", key.str()));
    }
    if (key == "regex") k.line = line;
  }
  if (!has_regex) Refuse(LineOf(table), "keyword without 'regex'");
  if (!has_weight) Refuse(LineOf(table), "keyword without 'weight'");
  auto compiled = CompileKeywordRegex(k.regex);
  if (!compiled.ok()) {
    Refuse(k.line, fmt::format("regex '{}' does not compile: {}",
                               ToDisplayUtf8(k.regex.substr(0, 200)), compiled.error()));
  }
  k.compiled = std::move(*compiled);
  return k;
}

DeviceExample ParseExample(const toml::table& table) {
  DeviceExample e;
  e.line = LineOf(table);
  bool has_banner = false, has_b64 = false, has_value = false;
  for (const auto& [key, value] : table) {
    const int line = static_cast<int>(key.source().begin.line);
    if (key == "port") {
      e.port = RequirePort(value, "port");
    } else if (key == "service") {
      e.service = RequireString(value, "service");
    } else if (key == "banner") {
      e.banner = RequireString(value, "banner");
      has_banner = true;
    } else if (key == "banner_b64") {
      auto decoded = Base64Decode(RequireString(value, "banner_b64"));
      if (!decoded.ok()) Refuse(line, "banner_b64: " + decoded.error());
      e.banner = std::move(decoded.value());
      has_b64 = true;
    } else if (key == "field") {
      e.field = RequireString(value, "field");
      if (!IsKnownField(e.field)) Refuse(line, fmt::format("unknown field '{}'", e.field));
      has_value = true;
    } else if (key == "tls") {
      for (const auto& [tkey, tvalue] : RequireTable(value, "tls")) {
        if (tkey == "subject") {
          e.tls_subject = RequireString(tvalue, "tls.subject");
        } else if (tkey == "issuer") {
          e.tls_issuer = RequireString(tvalue, "tls.issuer");
        } else {
          Refuse(static_cast<int>(tkey.source().begin.line),
                 fmt::format("unknown key '{}' in tls", tkey.str()));
        }
      }
    } else if (key == "expect") {
      for (const auto& [ekey, evalue] : RequireTable(value, "expect")) {
        e.expect[std::string(ekey.str())] = ScalarText(evalue, ekey.str());
      }
    } else if (key == "expect_match") {
      const auto* b = value.as_boolean();
      if (!b) Refuse(line, "'expect_match' must be a boolean");
      e.expect_match = b->get();
    } else {
      Refuse(line, fmt::format("unknown key '{}' in example", key.str()));
    }
  }
  if (has_banner && has_b64) Refuse(e.line, "example has both 'banner' and 'banner_b64'");
  if (has_value && !has_banner && !has_b64)
    Refuse(e.line, "example 'field' needs a 'banner' value");
  if (!has_banner && !has_b64 && !e.tls_subject && !e.tls_issuer) {
    Refuse(e.line, "example without 'banner', 'banner_b64' or 'tls'");
  }
  return e;
}

DeviceEntry ParseEntry(const toml::table& table, const std::string& file) {
  DeviceEntry d;
  d.file = file;
  d.line = LineOf(table);
  bool has_id = false;
  for (const auto& [key, value] : table) {
    const int line = static_cast<int>(key.source().begin.line);
    if (key == "id") {
      d.id = RequireString(value, "id");
      has_id = true;
      if (!IsValidDeviceId(d.id)) {
        Refuse(line, fmt::format("id '{}' is malformed (want [a-z0-9][a-z0-9._-]*)",
                                 ToDisplayUtf8(d.id)));
      }
    } else if (key == "vendor") {
      d.vendor = RequireString(value, "vendor");
    } else if (key == "product") {
      d.product = RequireString(value, "product");
    } else if (key == "model") {
      d.model = RequireString(value, "model");
    } else if (key == "version") {
      d.version = RequireString(value, "version");
    } else if (key == "description") {
      d.description = RequireString(value, "description");
    } else if (key == "type") {
      d.type = RequireString(value, "type");
      if (!IsKnownDeviceType(d.type)) Refuse(line, fmt::format("unknown type '{}'", d.type));
    } else if (key == "ports") {
      const auto* array = value.as_array();
      if (!array) Refuse(line, "'ports' must be an array of integers");
      for (const toml::node& p : *array) d.ports.push_back(RequirePort(p, "ports"));
      std::sort(d.ports.begin(), d.ports.end());
      d.ports.erase(std::unique(d.ports.begin(), d.ports.end()), d.ports.end());
    } else if (key == "keyword") {
      ForEachTable(value, "keyword",
                   [&](const toml::table& t) { d.keywords.push_back(ParseKeyword(t)); });
    } else if (key == "example") {
      ForEachTable(value, "example",
                   [&](const toml::table& t) { d.examples.push_back(ParseExample(t)); });
    } else if (key == "attributes") {
      for (const auto& [akey, avalue] : RequireTable(value, "attributes")) {
        d.attributes[std::string(akey.str())] = RequireString(avalue, akey.str());
      }
    } else {
      Refuse(line, fmt::format("unknown key '{}' in device", key.str()));
    }
  }
  if (!has_id) Refuse(d.line, "device without 'id'");
  if (d.keywords.empty()) Refuse(d.line, "device has no keyword");
  double sum = 0;
  for (const Keyword& k : d.keywords) sum += k.weight;
  if (sum > 1.0 + 1e-9) {
    Refuse(d.keywords.front().line, fmt::format("keyword weights sum to {:.9g} > 1", sum));
  }
  return d;
}

}  // namespace

Status DeviceDbLoader::AddText(std::string_view text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", source_name, e.source().begin.line, e.description())};
  }
  ++files_;
  for (const auto& [key, value] : root) {
    if (key != "device") {
      return Error{fmt::format("{}:{}: unknown top-level key '{}' (want [[device]])", source_name,
                               key.source().begin.line, key.str())};
    }
    const auto* array = value.as_array();
    if (!array) {
      return Error{fmt::format("{}:{}: 'device' must be an array of tables ([[device]])",
                               source_name, value.source().begin.line)};
    }
    for (const toml::node& item : *array) {
      std::string where_id;
      try {
        const auto* table = item.as_table();
        if (!table) Refuse(LineOf(item), "'device' item must be a table");
        if (const auto* id = table->get_as<std::string>("id")) where_id = id->get();
        DeviceEntry entry = ParseEntry(*table, source_name);
        if (ids_.count(entry.id)) Refuse(entry.line, fmt::format("duplicate id '{}'", entry.id));
        ids_.insert(entry.id);
        db_.entries.push_back(std::move(entry));
      } catch (const EntryError& e) {
        std::string message = where_id.empty()
                                  ? fmt::format("{}:{}: {}", source_name, e.line, e.why)
                                  : fmt::format("{}:{}: device '{}': {}", source_name, e.line,
                                                ToDisplayUtf8(where_id), e.why);
        if (!options_.skip_invalid) return Error{std::move(message)};
        skipped_.push_back(std::move(message));
      }
    }
  }
  return Status::Ok();
}

Status DeviceDbLoader::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open", path)};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: read error", path)};
  return AddText(text.str(), path);
}

Status DeviceDbLoader::AddPath(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return AddFile(path);
  std::vector<std::string> files;
  for (const auto& item : fs::directory_iterator(path, ec)) {
    if (item.path().extension() == ".toml" && !item.is_directory())
      files.push_back(item.path().string());
  }
  if (ec) return Error{fmt::format("{}: cannot list folder: {}", path, ec.message())};
  std::sort(files.begin(), files.end());
  if (files.empty()) return Error{fmt::format("{}: folder holds no *.toml file", path)};
  for (const std::string& f : files) {
    if (Status s = AddFile(f); !s.ok()) return s;
  }
  return Status::Ok();
}

DeviceDb DeviceDbLoader::TakeDb() {
  DeviceDb out = std::move(db_);
  db_ = DeviceDb{};
  ids_.clear();
  return out;
}

Result<DeviceDb> LoadDeviceDb(const std::vector<std::string>& paths, DeviceDbLoadOptions options,
                              std::vector<std::string>* skipped) {
  DeviceDbLoader loader(options);
  for (const std::string& path : paths) {
    if (Status s = loader.AddPath(path); !s.ok()) return Error{s.error()};
  }
  if (skipped) *skipped = loader.skipped();
  return loader.TakeDb();
}

}  // namespace narrowscan

// TomlConfigFile: one parsed TOML configuration file (controller.toml, probe.toml).
//
// Open() parses the whole file; a syntax error names the file and line. Paths inside
// the file are relative to its folder (Path()); absolute and empty ones stay as they
// are. Every error a loader makes through Fail() names the file, so all config errors
// read "FILE: key: problem". Secret() takes a value either inline (`password = "…"`)
// or as the first line of a file (`password_file = "…"`), the file winning.
//
// A loader first declares every key it knows (CheckKnownKeys): an unknown key, or a
// known key in the wrong table, is "FILE:LINE: unknown key 'k' (did you mean 'x'?)" —
// a misspelt safety setting (exclude_file) must never be silently ignored. It then
// reads values with Integer/Number/Bool/String, which refuse a value of the wrong type
// or outside its range as "FILE:LINE: key: problem" instead of falling back.
//
// ReadMqttTable() reads the [mqtt] table both services share into anything with
// MqttConfig's fields (common/mqtt/mqtt_link.h); it is a template because ns_common
// sits below the MQTT link (ns_mqtt_link, which links Paho) and must not depend on it.
// The URI is checked (CheckMqttUri: parseable, no credentials in it).
#ifndef NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_
#define NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/mqtt_uri.h"
#include "common/result.h"

namespace narrowscan {

class TomlConfigFile {
 public:
  static Result<TomlConfigFile> Open(const std::string& path);
  // Parses `text` as the file `source` (tests, fuzzers).
  static Result<TomlConfigFile> Parse(std::string_view text, const std::string& source);

  const toml::table& table() const { return table_; }
  toml::node_view<const toml::node> operator[](std::string_view key) const { return table_[key]; }
  const std::string& path() const { return path_; }

  // `p` relative to the file's folder; "" and absolute paths unchanged.
  std::string Path(const std::string& p) const;
  // The string at `node`, resolved by Path(); `fallback` when absent.
  std::string PathAt(toml::node_view<const toml::node> node, const std::string& fallback) const;
  // "<file>: <what>".
  Error Fail(std::string_view what) const;
  // The value of `table.key`, or the first line of the file named by `table.key_file`.
  // Errors when that file cannot be read (names the key and the file).
  Result<std::string> Secret(std::string_view table, std::string_view key,
                             std::string fallback) const;

  // Every key in the file is one of `known` ("key" or "table.key"); a table is known
  // when a key in it is. Errors name file, line and key, with the nearest known key.
  Status CheckKnownKeys(const std::vector<std::string_view>& known) const;
  // Typed reads of "key" or "table.key": `fallback` when absent; a value of another
  // type or outside lo..hi is an error naming file:line and key. Number() takes an
  // integer too, refuses NaN and infinities, and with lo_open requires value > lo.
  Result<int64_t> Integer(std::string_view key, int64_t fallback, int64_t lo, int64_t hi) const;
  Result<double> Number(std::string_view key, double fallback, double lo, double hi,
                        bool lo_open = false) const;
  Result<bool> Bool(std::string_view key, bool fallback) const;
  Result<std::string> String(std::string_view key, std::string fallback) const;
  // "<file>:<line>: <what>" for the value at `key` ("<file>: <what>" when absent).
  Error FailAt(std::string_view key, std::string_view what) const;

 private:
  TomlConfigFile(std::string path, toml::table table)
      : path_(std::move(path)), table_(std::move(table)) {}
  std::string path_;
  toml::table table_;
};

// The keys ReadMqttTable() reads, as "mqtt.<key>" (for CheckKnownKeys).
const std::vector<std::string_view>& MqttTableKeys();

// Reads [mqtt]: uri, password | password_file, version (4 | 5), prefix, ca_file,
// cert_file, key_file, tls_verify; client_id and username default to the given values.
template <class MqttSettings>
Status ReadMqttTable(const TomlConfigFile& file, const std::string& default_client_id,
                     const std::string& default_username, MqttSettings& out) {
  auto text = [&](std::string_view key, std::string fallback, std::string* to) -> Status {
    auto v = file.String(key, std::move(fallback));
    if (!v.ok()) return Error{v.error()};
    *to = std::move(*v);
    return Status::Ok();
  };
  if (Status s = text("mqtt.uri", "tcp://127.0.0.1:1883", &out.uri); !s.ok()) return s;
  if (Status s = CheckMqttUri(out.uri); !s.ok()) return file.FailAt("mqtt.uri", s.error());
  if (Status s = text("mqtt.client_id", default_client_id, &out.client_id); !s.ok()) return s;
  if (Status s = text("mqtt.username", default_username, &out.username); !s.ok()) return s;
  auto password = file.Secret("mqtt", "password", "");
  if (!password.ok()) return Error{password.error()};
  out.password = std::move(*password);
  auto version = file.Integer("mqtt.version", 4, 4, 5);
  if (!version.ok()) return Error{version.error()};
  out.version = static_cast<int>(*version);
  if (Status s = text("mqtt.prefix", "narrowscan/", &out.prefix); !s.ok()) return s;
  std::string path;
  for (auto [key, to] :
       {std::pair{"mqtt.ca_file", &out.ca_file}, std::pair{"mqtt.cert_file", &out.cert_file},
        std::pair{"mqtt.key_file", &out.key_file}}) {
    if (Status s = text(key, "", &path); !s.ok()) return s;
    *to = file.Path(path);
  }
  auto verify = file.Bool("mqtt.tls_verify", true);
  if (!verify.ok()) return Error{verify.error()};
  out.tls_verify = *verify;
  return Status::Ok();
}

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_

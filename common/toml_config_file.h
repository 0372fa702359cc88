// TomlConfigFile: one parsed TOML configuration file (controller.toml, probe.toml).
//
// Open() parses the whole file; a syntax error names the file and line. Paths inside
// the file are relative to its folder (Path()); absolute and empty ones stay as they
// are. Every error a loader makes through Fail() names the file, so all config errors
// read "FILE: key: problem". Secret() takes a value either inline (`password = "…"`)
// or as the first line of a file (`password_file = "…"`), the file winning.
//
// ReadMqttTable() reads the [mqtt] table both services share into anything with
// MqttConfig's fields (probe/agent/mqtt_link.h); it is a template because common/
// sits below the MQTT link and must not depend on it.
#ifndef NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_
#define NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

class TomlConfigFile {
 public:
  static Result<TomlConfigFile> Open(const std::string& path);

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

 private:
  TomlConfigFile(std::string path, toml::table table)
      : path_(std::move(path)), table_(std::move(table)) {}
  std::string path_;
  toml::table table_;
};

// Reads [mqtt]: uri, password | password_file, version (4 | 5), prefix, ca_file,
// cert_file, key_file, tls_verify; client_id and username default to the given values.
template <class MqttSettings>
Status ReadMqttTable(const TomlConfigFile& file, const std::string& default_client_id,
                     const std::string& default_username, MqttSettings& out) {
  const auto m = file["mqtt"];
  out.uri = m["uri"].value_or(std::string("tcp://127.0.0.1:1883"));
  out.client_id = m["client_id"].value_or(default_client_id);
  out.username = m["username"].value_or(default_username);
  auto password = file.Secret("mqtt", "password", "");
  if (!password.ok()) return Error{password.error()};
  out.password = std::move(*password);
  out.version = static_cast<int>(m["version"].value_or(int64_t{4}));
  if (out.version != 4 && out.version != 5) return file.Fail("mqtt.version must be 4 (3.1.1) or 5");
  out.prefix = m["prefix"].value_or(std::string("narrowscan/"));
  out.ca_file = file.PathAt(m["ca_file"], "");
  out.cert_file = file.PathAt(m["cert_file"], "");
  out.key_file = file.PathAt(m["key_file"], "");
  out.tls_verify = m["tls_verify"].value_or(true);
  return Status::Ok();
}

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_TOML_CONFIG_FILE_H_

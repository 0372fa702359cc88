#include "controller/estimation/device_db_writer.h"

#include <fmt/format.h>

#include "common/base64.h"
#include "common/utf8.h"
#include "controller/estimation/text_encoding.h"

namespace narrowscan {
namespace {

bool IsBareKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

std::string TomlKey(std::string_view key) {
  return IsBareKey(key) ? std::string(key) : TomlString(key);
}

std::string TomlNumber(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void AppendInlineTable(const std::map<std::string, std::string>& values, std::string* out) {
  *out += "{ ";
  bool first = true;
  for (const auto& [key, value] : values) {
    if (!first) *out += ", ";
    first = false;
    *out += TomlKey(key) + " = " + TomlString(value);
  }
  *out += " }";
}

}  // namespace

std::string TomlString(std::string_view text) {
  const std::string utf8 = ToDisplayUtf8(text);
  bool literal_ok = utf8.find('\'') == std::string::npos;
  for (char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) literal_ok = false;
  }
  if (literal_ok) return "'" + utf8 + "'";
  std::string out = "\"";
  for (char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += fmt::format("\\u{:04X}", u);
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

std::string FormatDeviceDbToml(const std::vector<DeviceEntry>& entries, std::string_view comment) {
  std::string out;
  size_t start = 0;
  while (start < comment.size()) {
    size_t end = comment.find('\n', start);
    if (end == std::string_view::npos) end = comment.size();
    out += "# " + std::string(comment.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  for (const DeviceEntry& d : entries) {
    out += "\n[[device]]\nid = " + TomlString(d.id) + "\n";
    auto field = [&](const char* key, const std::string& value) {
      if (!value.empty()) out += fmt::format("{} = {}\n", key, TomlString(value));
    };
    field("description", d.description);
    field("vendor", d.vendor);
    field("product", d.product);
    field("model", d.model);
    field("version", d.version);
    field("type", d.type);
    if (!d.ports.empty()) {
      out += "ports = [";
      for (size_t i = 0; i < d.ports.size(); ++i)
        out += (i ? ", " : "") + std::to_string(d.ports[i]);
      out += "]\n";
    }
    if (!d.attributes.empty()) {
      out += "attributes = ";
      AppendInlineTable(d.attributes, &out);
      out += "\n";
    }
    for (const Keyword& k : d.keywords) {
      out += "\n  [[device.keyword]]\n";
      if (k.field != "raw") out += "  field = " + TomlString(k.field) + "\n";
      out += "  regex = " + TomlString(k.regex) + "\n";
      out += "  weight = " + TomlNumber(k.weight) + "\n";
    }
    for (const DeviceExample& e : d.examples) {
      out += "\n  [[device.example]]\n";
      if (e.port) out += fmt::format("  port = {}\n", *e.port);
      if (!e.service.empty()) out += "  service = " + TomlString(e.service) + "\n";
      if (!e.field.empty()) out += "  field = " + TomlString(e.field) + "\n";
      if (IsValidUtf8(e.banner)) {
        if (!e.banner.empty() || !e.field.empty())
          out += "  banner = " + TomlString(e.banner) + "\n";
      } else {
        out += "  banner_b64 = " + TomlString(Base64Encode(e.banner)) + "\n";
      }
      if (e.tls_subject || e.tls_issuer) {
        std::map<std::string, std::string> tls;
        if (e.tls_subject) tls["subject"] = *e.tls_subject;
        if (e.tls_issuer) tls["issuer"] = *e.tls_issuer;
        out += "  tls = ";
        AppendInlineTable(tls, &out);
        out += "\n";
      }
      if (!e.expect.empty()) {
        out += "  expect = ";
        AppendInlineTable(e.expect, &out);
        out += "\n";
      }
      if (!e.expect_match) out += "  expect_match = false\n";
    }
  }
  return out;
}

}  // namespace narrowscan

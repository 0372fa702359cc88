#include "controller/estimation/device_entry.h"

#include <fmt/format.h>

#include <algorithm>

namespace narrowscan {

const std::vector<std::string_view>& KnownDeviceTypes() {
  static const std::vector<std::string_view> kTypes = {
      "router",         "camera", "nvr",  "dvr",         "nas",   "utm", "printer",    "switch",
      "access-point",   "modem",  "voip", "iot-gateway", "media", "ics", "smart-home", "ups",
      "embedded-server"};
  return kTypes;
}

bool IsKnownDeviceType(std::string_view type) {
  const auto& types = KnownDeviceTypes();
  return std::find(types.begin(), types.end(), type) != types.end();
}

bool IsKnownField(std::string_view field) {
  static const std::string_view kFields[] = {
      "raw",         "http.status", "http.server", "http.title",    "http.realm",
      "http.body",   "ssh.banner",  "ftp.banner",  "telnet.banner", "smtp.banner",
      "pop3.banner", "imap.banner", "rtsp.server", "tls.subject",   "tls.issuer"};
  for (std::string_view f : kFields) {
    if (f == field) return true;
  }
  constexpr std::string_view kHeader = "http.header.";
  if (field.size() > kHeader.size() && field.substr(0, kHeader.size()) == kHeader) {
    for (char c : field.substr(kHeader.size())) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    }
    return true;
  }
  return false;
}

bool IsValidDeviceId(std::string_view id) {
  if (id.empty()) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

int DeriveLevel(std::string_view vendor, std::string_view model, std::string_view type) {
  const bool has_type = !type.empty() && type != "embedded-server";
  if (!model.empty()) return 4;
  if (!vendor.empty() && has_type) return 3;
  if (!vendor.empty()) return 2;
  if (has_type) return 1;
  return 0;
}

const re2::RE2::Options& KeywordRegexOptions() {
  static const re2::RE2::Options kOptions = [] {
    re2::RE2::Options o;
    o.set_encoding(re2::RE2::Options::EncodingLatin1);
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    return o;
  }();
  return kOptions;
}

Result<std::shared_ptr<const re2::RE2>> CompileKeywordRegex(const std::string& regex) {
  if (regex.size() > kMaxKeywordRegexBytes)
    return Error{fmt::format("regex of {} bytes is over the {}-byte cap", regex.size(),
                             kMaxKeywordRegexBytes)};
  auto compiled = std::make_shared<const re2::RE2>(regex, KeywordRegexOptions());
  if (!compiled->ok()) return Error{compiled->error()};
  if (compiled->ProgramSize() > kMaxKeywordProgramSize)
    return Error{fmt::format("regex compiles to {} instructions, over the cap of {}",
                             compiled->ProgramSize(), kMaxKeywordProgramSize)};
  return compiled;
}

}  // namespace narrowscan

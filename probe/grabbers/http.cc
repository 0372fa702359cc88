#include "probe/grabbers/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace narrowscan {

size_t FindNoCase(std::string_view haystack, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  for (size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && lower(haystack[i + j]) == lower(needle[j])) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

std::optional<std::string_view> HeaderValue(std::string_view headers, std::string_view name) {
  size_t start = 0;
  while (start < headers.size()) {
    size_t end = headers.find('\n', start);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        FindNoCase(line.substr(0, name.size()), name) == 0) {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      return value;
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::string HttpGrabber::Request(const GrabTarget& target) const {
  std::string host = FormatIpv4(target.ip);
  const uint16_t default_port = over_tls_ ? 443 : 80;
  if (target.port != default_port) host += ":" + std::to_string(target.port);
  return "GET / HTTP/1.1\r\nHost: " + host +
         "\r\nUser-Agent: narrowscan\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

GrabStep HttpGrabber::OnData(std::string_view data) {
  Keep(data);
  const std::string_view text = banner_;
  size_t header_end = text.find("\r\n\r\n");
  size_t sep = 4;
  if (header_end == std::string_view::npos) {
    header_end = text.find("\n\n");
    sep = 2;
  }
  if (header_end == std::string_view::npos) return {};
  const std::string_view body = text.substr(header_end + sep);
  if (auto length = HeaderValue(text.substr(0, header_end), "Content-Length")) {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec == std::errc() && body.size() >= n) return GrabStep{{}, true};
  }
  return GrabStep{{}, FindNoCase(body, "</title>") != std::string_view::npos};
}

}  // namespace narrowscan

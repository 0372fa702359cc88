#include "common/port_list.h"

#include <fmt/format.h>

#include <algorithm>

namespace narrowscan {
namespace {

Result<uint16_t> ParsePort(std::string_view item, std::string_view s) {
  if (s.empty() || s.size() > 5) {
    return Error{fmt::format("bad port list item '{}': '{}' is not a port number", item, s)};
  }
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return Error{fmt::format("bad port list item '{}': '{}' is not a port number", item, s)};
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v == 0) return Error{fmt::format("bad port list item '{}': port 0 is not scannable", item)};
  if (v > 65535) return Error{fmt::format("bad port list item '{}': {} is above 65535", item, v)};
  return static_cast<uint16_t>(v);
}

}  // namespace

Result<std::vector<uint16_t>> ParsePortList(std::string_view text) {
  std::vector<uint16_t> ports;
  std::string_view rest = text;
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\n' || rest.back() == '\r')) {
    rest.remove_suffix(1);
  }
  if (rest.empty()) return Error{fmt::format("bad port list '{}': empty", text)};
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return Error{fmt::format("bad port list '{}': empty item", text)};
    size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      auto p = ParsePort(item, item);
      if (!p) return Error{p.error()};
      ports.push_back(*p);
    } else {
      auto lo = ParsePort(item, item.substr(0, dash));
      if (!lo) return Error{lo.error()};
      auto hi = ParsePort(item, item.substr(dash + 1));
      if (!hi) return Error{hi.error()};
      if (*lo > *hi) {
        return Error{fmt::format("bad port list item '{}': range is reversed", item)};
      }
      for (uint32_t p = *lo; p <= *hi; ++p) ports.push_back(static_cast<uint16_t>(p));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

std::string FormatPortList(const std::vector<uint16_t>& sorted_ports) {
  std::string out;
  size_t i = 0;
  while (i < sorted_ports.size()) {
    size_t j = i;
    while (j + 1 < sorted_ports.size() && sorted_ports[j + 1] == sorted_ports[j] + 1) ++j;
    if (!out.empty()) out += ',';
    if (j == i) {
      out += fmt::format("{}", sorted_ports[i]);
    } else {
      out += fmt::format("{}-{}", sorted_ports[i], sorted_ports[j]);
    }
    i = j + 1;
  }
  return out;
}

std::vector<uint16_t> StoredPortList(std::string_view text) {
  if (text.empty()) return {};
  auto ports = ParsePortList(text);
  return ports.ok() ? std::move(*ports) : std::vector<uint16_t>{};
}

}  // namespace narrowscan

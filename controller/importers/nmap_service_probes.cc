#include "controller/importers/nmap_service_probes.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/port_list.h"
#include "controller/estimation/text_encoding.h"
#include "controller/estimation/value_template.h"
#include "controller/importers/regex_conversion.h"

namespace narrowscan {
namespace {

constexpr size_t kMaxListedSkips = 500;

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string SanitizeId(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    out.push_back(ok ? c : '-');
  }
  return out;
}

// nmap's $1, $P(1), $SUBST(1,"a","b"), $I(1,">") → the template {1}; literal braces escaped.
std::string ToTemplate(std::string_view text, size_t* helpers) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{') {
      out += "{{";
      continue;
    }
    if (c != '$' || i + 1 >= text.size()) {
      out.push_back(c);
      continue;
    }
    if (text[i + 1] >= '1' && text[i + 1] <= '9') {
      out += fmt::format("{{{}}}", text[i + 1]);
      ++i;
      continue;
    }
    size_t open = text.find('(', i);
    const std::string_view name =
        open == std::string_view::npos ? "" : text.substr(i + 1, open - i - 1);
    if ((name == "P" || name == "SUBST" || name == "I") && open + 1 < text.size() &&
        text[open + 1] >= '1' && text[open + 1] <= '9') {
      const size_t close = text.find(')', open);
      if (close != std::string_view::npos) {
        out += fmt::format("{{{}}}", text[open + 1]);
        if (name != "P") ++*helpers;
        i = close;
        continue;
      }
    }
    out.push_back(c);
  }
  return ToDisplayUtf8(out);
}

struct ProbeState {
  std::string name;
  std::vector<uint16_t> ports;
};

void AddPorts(std::string_view list, std::vector<uint16_t>* ports) {
  auto parsed = ParsePortList(TrimLeft(list));
  if (!parsed.ok()) return;
  ports->insert(ports->end(), parsed->begin(), parsed->end());
  std::sort(ports->begin(), ports->end());
  ports->erase(std::unique(ports->begin(), ports->end()), ports->end());
}

}  // namespace

std::string NmapDeviceTypeToDbType(std::string_view t) {
  struct Pair {
    std::string_view nmap, db;
  };
  static constexpr Pair kTypes[] = {{"WAP", "access-point"},
                                    {"printer", "printer"},
                                    {"print server", "printer"},
                                    {"HP printer", "printer"},
                                    {"media device", "media"},
                                    {"game console", "media"},
                                    {"router", "router"},
                                    {"broadband router", "router"},
                                    {"broadand router", "router"},
                                    {"switch", "switch"},
                                    {"hub", "switch"},
                                    {"bridge", "switch"},
                                    {"webcam", "camera"},
                                    {"firewall", "utm"},
                                    {"VoIP phone", "voip"},
                                    {"VoIP adapter", "voip"},
                                    {"PBX", "voip"},
                                    {"phone", "voip"},
                                    {"storage-misc", "nas"},
                                    {"power-device", "ups"},
                                    {"power-misc", "ups"},
                                    {"telecom-misc", "modem"},
                                    {"specialized", "embedded-server"},
                                    {"specializied", "embedded-server"},
                                    {"remote management", "embedded-server"}};
  for (const Pair& p : kTypes) {
    if (p.nmap == t) return std::string(p.db);
  }
  return "";
}

NmapImport ImportNmapServiceProbes(std::string_view text, std::string_view source_name) {
  NmapImport result;
  ProbeState probe;
  size_t line_number = 0;
  auto skip = [&](std::string reason) {
    if (result.skipped_lines.size() < kMaxListedSkips) {
      result.skipped_lines.push_back(fmt::format("{}:{}: {}", source_name, line_number, reason));
    }
    ++result.skipped[std::move(reason)];
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("Probe ", 0) == 0) {
      probe = ProbeState{};
      std::string_view rest = line.substr(6);
      rest = TrimLeft(rest.substr(std::min(rest.size(), rest.find(' ') + 1)));  // protocol
      probe.name = std::string(rest.substr(0, rest.find(' ')));
      continue;
    }
    if (line.rfind("ports ", 0) == 0) {
      AddPorts(line.substr(6), &probe.ports);
      continue;
    }
    if (line.rfind("sslports ", 0) == 0) {
      AddPorts(line.substr(9), &probe.ports);
      continue;
    }
    const bool soft = line.rfind("softmatch ", 0) == 0;
    if (!soft && line.rfind("match ", 0) != 0) continue;
    ++result.match_lines;
    if (soft) ++result.softmatch_lines;
    std::string_view rest = TrimLeft(line.substr(soft ? 10 : 6));
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) {
      skip("malformed line");
      continue;
    }
    const std::string service(rest.substr(0, space));
    rest = TrimLeft(rest.substr(space + 1));
    if (rest.size() < 2 || rest[0] != 'm') {
      skip("malformed line");
      continue;
    }
    const char delim = rest[1];
    const size_t close = rest.find(delim, 2);
    if (close == std::string_view::npos) {
      skip("malformed line");
      continue;
    }
    const std::string_view pattern = rest.substr(2, close - 2);
    rest = rest.substr(close + 1);
    RegexFlags flags;
    while (!rest.empty() && (rest[0] == 'i' || rest[0] == 's')) {
      (rest[0] == 'i' ? flags.ignore_case : flags.dot_all) = true;
      rest.remove_prefix(1);
    }
    // Version info: p/…/ v/…/ i/…/ h/…/ o/…/ d/…/ cpe:/…/[a]
    std::map<char, std::string> info;
    std::vector<std::string> cpes;
    bool malformed = false;
    size_t helpers = 0;
    for (rest = TrimLeft(rest); !rest.empty(); rest = TrimLeft(rest)) {
      const bool cpe = rest.rfind("cpe:", 0) == 0;
      const size_t start = cpe ? 4 : 1;
      if (rest.size() <= start) {
        malformed = true;
        break;
      }
      const char d = rest[start];
      const size_t stop = rest.find(d, start + 1);
      if (stop == std::string_view::npos) {
        malformed = true;
        break;
      }
      std::string value = ToTemplate(rest.substr(start + 1, stop - start - 1), &helpers);
      if (cpe) {
        cpes.push_back("cpe:/" + value);
      } else {
        info[rest[0]] = std::move(value);
      }
      rest = rest.substr(stop + 1);
      if (cpe && !rest.empty() && rest[0] == 'a') rest.remove_prefix(1);
    }
    if (malformed) {
      skip("malformed version info");
      continue;
    }
    if (pattern.size() <= kMaxKeywordRegexBytes &&
        re2::RE2(AsIsRegex(pattern, RegexDialect::kPcre, flags), KeywordRegexOptions()).ok()) {
      ++result.compiled_as_is;
    }
    auto converted = ConvertRegex(pattern, RegexDialect::kPcre, flags);
    if (!converted.ok()) {
      skip(converted.error());
      continue;
    }
    if (converted->rewritten) ++result.rewritten;
    result.helpers_simplified += helpers;

    DeviceEntry entry;
    entry.id = fmt::format("nmap-{}-{}", SanitizeId(service), line_number);
    entry.file = std::string(source_name);
    entry.line = static_cast<int>(line_number);
    entry.product = info['p'];
    entry.version = info['v'];
    entry.ports = probe.ports;
    entry.attributes["service"] = ToDisplayUtf8(service);
    if (!probe.name.empty()) entry.attributes["nmap.probe"] = ToDisplayUtf8(probe.name);
    if (soft) entry.attributes["nmap.softmatch"] = "true";
    if (!info['i'].empty()) entry.attributes["info"] = info['i'];
    if (!info['h'].empty()) entry.attributes["hostname"] = info['h'];
    if (!info['o'].empty()) entry.attributes["os"] = info['o'];
    if (!info['d'].empty()) {
      entry.attributes["devicetype"] = info['d'];
      entry.type = NmapDeviceTypeToDbType(info['d']);
    }
    if (!cpes.empty()) {
      std::string joined;
      for (const std::string& c : cpes) joined += (joined.empty() ? "" : " ") + c;
      entry.attributes["cpe"] = joined;
      for (const std::string& c : cpes) {
        if (c.rfind("cpe:/h:", 0) != 0) continue;
        std::string vendor = c.substr(7, c.find(':', 7) - 7);
        std::replace(vendor.begin(), vendor.end(), '_', ' ');
        if (!vendor.empty() && vendor.find('{') == std::string::npos) entry.vendor = vendor;
        break;
      }
    }
    Keyword k;
    k.regex = converted->pattern;
    k.weight = soft ? kSoftmatchWeight : 1.0;
    entry.keywords.push_back(std::move(k));
    result.entries.push_back(std::move(entry));
  }
  return result;
}

}  // namespace narrowscan

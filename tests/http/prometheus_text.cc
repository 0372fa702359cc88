#include "tests/http/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace narrowscan::httptest {

namespace {

bool NameChar(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

// Reads a name at `pos`; empty when there is none.
std::string ReadName(const std::string& s, size_t& pos, bool colon) {
  const size_t begin = pos;
  while (pos < s.size() && NameChar(s[pos], pos == begin, colon)) ++pos;
  return s.substr(begin, pos - begin);
}

bool ParseValue(const std::string& text, double* out) {
  if (text == "NaN") return *out = NAN, true;
  if (text == "+Inf") return *out = INFINITY, true;
  if (text == "-Inf") return *out = -INFINITY, true;
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

double PromParse::Value(const std::string& name,
                        const std::map<std::string, std::string>& labels) const {
  for (const PromSample& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  return -1;
}

PromParse ParsePrometheusText(const std::string& text) {
  PromParse out;
  std::set<std::string> helped;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& why) {
    out.errors.push_back("line " + std::to_string(n) + ": " + why + ": " + line);
  };
  if (!text.empty() && text.back() != '\n') out.errors.push_back("no newline at the end");
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      size_t pos = 7;
      const std::string name = ReadName(line, pos, true);
      if (name.empty() || pos >= line.size() || line[pos] != ' ') {
        fail("bad metric name");
        continue;
      }
      const std::string rest = line.substr(pos + 1);
      if (line[2] == 'H') {
        if (rest.empty()) fail("empty HELP");
        for (size_t i = 0; i < rest.size(); ++i) {
          if (rest[i] != '\\') continue;
          if (i + 1 >= rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n'))
            fail("bad escape in HELP");
          ++i;  // the escaped character
        }
        helped.insert(name);
      } else {
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.count(rest)) fail("bad TYPE");
        if (out.types.count(name)) fail("second TYPE");
        out.types[name] = rest;
      }
      continue;
    }
    if (line.empty() || line[0] == '#') {
      fail("empty line or unknown comment");
      continue;
    }
    PromSample s;
    size_t pos = 0;
    s.name = ReadName(line, pos, true);
    if (s.name.empty()) {
      fail("bad metric name");
      continue;
    }
    bool ok = true;
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (ok && pos < line.size() && line[pos] != '}') {
        const std::string label = ReadName(line, pos, false);
        if (label.empty() || line.compare(pos, 2, "=\"") != 0) {
          ok = false;
          break;
        }
        pos += 2;
        std::string value;
        while (pos < line.size() && line[pos] != '"') {
          if (line[pos] == '\\') {
            if (pos + 1 >= line.size()) {
              ok = false;
              break;
            }
            const char e = line[pos + 1];
            if (e == 'n') {
              value += '\n';
            } else if (e == '\\' || e == '"') {
              value += e;
            } else {
              ok = false;
              break;
            }
            pos += 2;
          } else {
            value += line[pos++];
          }
        }
        if (!ok || pos >= line.size()) {
          ok = false;
          break;
        }
        ++pos;  // closing quote
        if (s.labels.count(label)) ok = false;
        s.labels[label] = value;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      if (!ok || pos >= line.size() || line[pos] != '}') {
        fail("bad labels");
        continue;
      }
      ++pos;
    }
    if (pos >= line.size() || line[pos] != ' ' || !ParseValue(line.substr(pos + 1), &s.value)) {
      fail("bad value");
      continue;
    }
    if (!helped.count(s.name) || !out.types.count(s.name)) fail("sample without HELP and TYPE");
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace narrowscan::httptest

#include "controller/importers/recog_fingerprints.h"

#include <expat.h>
#include <fmt/format.h>

#include <functional>
#include <memory>

#include "common/base64.h"
#include "controller/estimation/value_template.h"
#include "controller/importers/regex_conversion.h"

namespace narrowscan {
namespace {

constexpr size_t kMaxListedSkips = 500;
constexpr int kMaxInterpolationDepth = 8;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string SanitizeId(std::string_view text) {
  std::string out;
  for (char c : text) {
    c = Lower(c);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    out.push_back(ok ? c : '-');
  }
  return out;
}

struct Param {
  int pos = 0;
  std::string name, value;
};

struct Example {
  std::string text;
  std::map<std::string, std::string> attributes;
  int line = 0;
};

struct Fingerprint {
  std::string pattern, flags, description;
  std::vector<Param> params;
  std::vector<Example> examples;
  int line = 0;
};

struct ParseState {
  std::string_view source;
  std::string stem;
  RecogImport* into;
  XML_Parser parser;
  std::string field;  // DB field of the document, "" = not a banner file
  bool banner_file = false;
  bool root_seen = false;
  std::unique_ptr<Fingerprint> current;
  std::string* text = nullptr;  // where character data goes
  size_t counter = 0;

  int Line() const { return static_cast<int>(XML_GetCurrentLineNumber(parser)); }
  void Skip(int line, std::string reason) {
    if (into->skipped_items.size() < kMaxListedSkips) {
      into->skipped_items.push_back(fmt::format("{}:{}: {}", source, line, reason));
    }
    ++into->skipped[std::move(reason)];
  }
};

std::map<std::string, std::string> Attributes(const XML_Char** attrs) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; attrs[i]; i += 2) out[attrs[i]] = attrs[i + 1];
  return out;
}

// The template of param `name`: a capture → {N}; a fixed value with its {other.param}
// references resolved.
std::string ResolveParam(const Fingerprint& fp, const std::string& name, int depth) {
  for (const Param& p : fp.params) {
    if (p.name != name) continue;
    if (p.pos > 0) return fmt::format("{{{}}}", p.pos);
    if (depth >= kMaxInterpolationDepth) return EscapeTemplateText(p.value);
    std::string out;
    const std::string& v = p.value;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '{') {
        const size_t close = v.find('}', i);
        if (close != std::string::npos) {
          const std::string ref = v.substr(i + 1, close - i - 1);
          bool known = false;
          for (const Param& q : fp.params) known = known || q.name == ref;
          if (known && ref != name) {
            out += ResolveParam(fp, ref, depth + 1);
            i = close;
            continue;
          }
        }
      }
      out += EscapeTemplateText(std::string_view(&v[i], 1));
    }
    return out;
  }
  return "";
}

void FinishFingerprint(ParseState* s) {
  const Fingerprint& fp = *s->current;
  RecogImport& into = *s->into;
  ++into.fingerprints;
  RegexFlags flags;
  for (size_t start = 0; start <= fp.flags.size();) {
    size_t end = fp.flags.find(',', start);
    if (end == std::string::npos) end = fp.flags.size();
    std::string flag(fp.flags.substr(start, end - start));
    flag.erase(0, flag.find_first_not_of(' '));
    flag.erase(flag.find_last_not_of(' ') + 1);
    if (flag == "REG_ICASE") flags.ignore_case = true;
    if (flag == "REG_DOT_NEWLINE" || flag == "REG_MULTILINE") flags.dot_all = true;
    start = end + 1;
  }
  auto converted = ConvertRegex(fp.pattern, RegexDialect::kRuby, flags);
  if (!converted.ok()) {
    s->Skip(fp.line, converted.error());
    return;
  }
  if (converted->rewritten) ++into.rewritten;

  DeviceEntry d;
  d.id = fmt::format("recog-{}-{:04}", SanitizeId(s->stem), ++s->counter);
  d.file = std::string(s->source);
  d.line = fp.line;
  d.description = fp.description;
  for (const Param& p : fp.params) {
    if (p.name.rfind("_tmp.", 0) == 0 || p.name.empty()) continue;
    std::string value = ResolveParam(fp, p.name, 0);
    if (!value.empty()) d.attributes[p.name] = std::move(value);
  }
  auto attr = [&](const std::string& name) -> std::string {
    auto it = d.attributes.find(name);
    return it == d.attributes.end() ? "" : it->second;
  };
  for (const char* layer : {"hw", "os", "service"}) {
    const std::string l(layer);
    if (attr(l + ".vendor").empty() && attr(l + ".product").empty()) continue;
    d.vendor = attr(l + ".vendor");
    d.product = attr(l + ".product");
    d.version = attr(l + ".version");
    break;
  }
  d.model = attr("hw.model");
  for (const char* key : {"hw.device", "os.device"}) {
    const std::string device = attr(key);
    if (device.empty() || HasTemplateReference(device)) continue;
    d.type = RecogDeviceToDbType(device);
    if (!d.type.empty()) break;
  }
  Keyword k;
  k.field = s->field;
  k.regex = converted->pattern;
  k.weight = 1.0;
  d.keywords.push_back(std::move(k));
  for (const Example& ex : fp.examples) {
    DeviceExample e;
    e.field = s->field;
    e.line = ex.line;
    e.banner = ex.text;
    bool keep = true;
    for (const auto& [name, value] : ex.attributes) {
      if (name == "_encoding") {
        if (value != "base64") {
          s->Skip(ex.line, "example encoding not base64");
          keep = false;
          break;
        }
        auto decoded = Base64Decode(ex.text);
        if (!decoded.ok()) {
          s->Skip(ex.line, "example base64 invalid");
          keep = false;
          break;
        }
        e.banner = std::move(decoded.value());
      } else if (name == "_filename") {
        s->Skip(ex.line, "example in an external file");
        keep = false;
        break;
      } else if (name.rfind("_", 0) != 0 && name.rfind("_tmp.", 0) != 0) {
        e.expect[name] = value;
      }
    }
    if (!keep) continue;
    ++into.examples;
    d.examples.push_back(std::move(e));
  }
  into.entries.push_back(std::move(d));
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* s = static_cast<ParseState*>(data);
  const std::string_view element = name;
  s->text = nullptr;
  if (element == "fingerprints") {
    s->root_seen = true;
    auto a = Attributes(attrs);
    s->field = RecogMatchesToField(a["matches"]);
    s->banner_file = !s->field.empty();
    if (!s->banner_file) {
      s->Skip(s->Line(), fmt::format("not a banner file (matches='{}')", a["matches"]));
    }
    return;
  }
  if (!s->banner_file) return;
  if (element == "fingerprint") {
    s->current = std::make_unique<Fingerprint>();
    auto a = Attributes(attrs);
    s->current->pattern = a["pattern"];
    s->current->flags = a["flags"];
    s->current->line = s->Line();
    return;
  }
  if (!s->current) return;
  if (element == "description") {
    s->text = &s->current->description;
  } else if (element == "example") {
    s->current->examples.push_back({"", Attributes(attrs), s->Line()});
    s->text = &s->current->examples.back().text;
  } else if (element == "param") {
    auto a = Attributes(attrs);
    Param p;
    p.name = a["name"];
    p.value = a["value"];
    try {
      p.pos = std::stoi(a["pos"]);
    } catch (...) {
      p.pos = -1;
    }
    if (p.pos < 0) {
      s->Skip(s->Line(), "param with a bad pos");
      return;
    }
    s->current->params.push_back(std::move(p));
  }
}

void XMLCALL OnEnd(void* data, const XML_Char* name) {
  auto* s = static_cast<ParseState*>(data);
  s->text = nullptr;
  if (std::string_view(name) == "fingerprint" && s->current) {
    FinishFingerprint(s);
    s->current.reset();
  }
}

void XMLCALL OnText(void* data, const XML_Char* text, int len) {
  auto* s = static_cast<ParseState*>(data);
  if (s->text) s->text->append(text, static_cast<size_t>(len));
}

}  // namespace

std::string RecogMatchesToField(std::string_view matches) {
  struct Pair {
    std::string_view recog, db;
  };
  static constexpr Pair kFields[] = {{"", "raw"},
                                     {"http_header.server", "http.server"},
                                     {"html_title", "http.title"},
                                     {"http_header.wwwauth", "http.header.www-authenticate"},
                                     {"ssh.banner", "ssh.banner"},
                                     {"ftp.banner", "ftp.banner"},
                                     {"smtp.banner", "smtp.banner"},
                                     {"pop3.banner", "pop3.banner"},
                                     {"imap4.banner", "imap.banner"},
                                     {"rtsp_header.server", "rtsp.server"},
                                     {"x509.subject", "tls.subject"},
                                     {"x509.issuer", "tls.issuer"},
                                     {"telnet.banner", "telnet.banner"}};
  for (const Pair& p : kFields) {
    if (p.recog == matches) return std::string(p.db);
  }
  return "";
}

std::string RecogDeviceToDbType(std::string_view device) {
  const std::string d = LowerAscii(device);
  struct Pair {
    std::string_view recog, db;
  };
  static constexpr Pair kTypes[] = {{"printer", "printer"},
                                    {"multifunction device", "printer"},
                                    {"print server", "printer"},
                                    {"nas", "nas"},
                                    {"storage", "nas"},
                                    {"wap", "access-point"},
                                    {"wireless access point", "access-point"},
                                    {"power device", "ups"},
                                    {"ups", "ups"},
                                    {"firewall", "utm"},
                                    {"utm", "utm"},
                                    {"router", "router"},
                                    {"broadband router", "router"},
                                    {"ip camera", "camera"},
                                    {"web cam", "camera"},
                                    {"camera", "camera"},
                                    {"dvr", "dvr"},
                                    {"nvr", "nvr"},
                                    {"switch", "switch"},
                                    {"dsl modem", "modem"},
                                    {"cable modem", "modem"},
                                    {"modem", "modem"},
                                    {"voip", "voip"},
                                    {"voip phone", "voip"},
                                    {"ip phone", "voip"},
                                    {"building automation", "ics"},
                                    {"scada", "ics"},
                                    {"plc", "ics"},
                                    {"industrial control", "ics"},
                                    {"video encoder", "media"},
                                    {"audio encoder", "media"},
                                    {"media player", "media"},
                                    {"smart tv", "media"},
                                    {"lights out management", "embedded-server"},
                                    {"embedded", "embedded-server"}};
  for (const Pair& p : kTypes) {
    if (p.recog == d) return std::string(p.db);
  }
  return "";
}

Status ImportRecogXml(std::string_view xml, std::string_view source_name, RecogImport* into) {
  ParseState state;
  state.source = source_name;
  std::string_view stem = source_name.substr(source_name.find_last_of('/') + 1);
  if (const size_t dot = stem.rfind('.'); dot != std::string_view::npos) stem = stem.substr(0, dot);
  state.stem = std::string(stem);
  state.into = into;
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"),
                                                                 XML_ParserFree);
  if (!parser) return Error{std::string(source_name) + ": cannot create the XML parser"};
  state.parser = parser.get();
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  // Large inputs are fed in pieces: XML_Parse takes an int length.
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0;; at += kPiece) {
    const size_t len = std::min(kPiece, xml.size() - std::min(at, xml.size()));
    const bool last = at + len >= xml.size();
    if (XML_Parse(parser.get(), xml.data() + at, static_cast<int>(len), last) == XML_STATUS_ERROR) {
      return Error{fmt::format("{}:{}: XML error: {}", source_name,
                               XML_GetCurrentLineNumber(parser.get()),
                               XML_ErrorString(XML_GetErrorCode(parser.get())))};
    }
    if (last) break;
  }
  if (!state.root_seen) return Error{std::string(source_name) + ": no <fingerprints> element"};
  return Status::Ok();
}

}  // namespace narrowscan

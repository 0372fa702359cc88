#include "tests/testbed/population_spec.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "common/nearest_key.h"
#include "common/printable.h"

namespace narrowscan::testbed {
namespace {

struct ProtocolName {
  const char* name;
  Protocol protocol;
  const char* service;
  bool server_first;
};
constexpr ProtocolName kProtocols[] = {
    {"http", Protocol::kHttp, "http", false}, {"https", Protocol::kHttps, "tls", false},
    {"rtsp", Protocol::kRtsp, "rtsp", false}, {"ssh", Protocol::kSsh, "ssh", true},
    {"ftp", Protocol::kFtp, "ftp", true},     {"telnet", Protocol::kTelnet, "telnet", true},
    {"smtp", Protocol::kSmtp, "smtp", true},  {"pop3", Protocol::kPop3, "pop3", true},
    {"imap", Protocol::kImap, "imap", true},  {"banner", Protocol::kBanner, "", true},
    {"open", Protocol::kOpen, "", false},
};

const ProtocolName& Describe(Protocol p) {
  for (const ProtocolName& n : kProtocols) {
    if (n.protocol == p) return n;
  }
  return kProtocols[0];
}

// Reports errors as "FILE:LINE: why" for the node (or its parent when missing).
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  Error At(const toml::node& node, const std::string& why) const {
    return Error{fmt::format("{}:{}: {}", source_, node.source().begin.line, why)};
  }

  Status OnlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        const std::vector<std::string_view> known(allowed);
        return At(value, fmt::format("unknown key '{}'{}", Printable(key.str()),
                                     DidYouMean(key.str(), known)));
      }
    }
    return Status::Ok();
  }

  Result<std::string> String(const toml::table& t, std::string_view key, bool required,
                             std::string fallback = {}) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return At(t, fmt::format("missing '{}'", key));
      return fallback;
    }
    if (!n->is_string()) return At(*n, fmt::format("'{}' must be a string", key));
    return std::string(n->as_string()->get());
  }

  Result<std::vector<std::string>> Strings(const toml::table& t, std::string_view key) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    if (a == nullptr) return At(*n, fmt::format("'{}' must be an array of strings", key));
    for (const toml::node& e : *a) {
      if (!e.is_string()) return At(e, fmt::format("'{}' must hold strings only", key));
      out.emplace_back(e.as_string()->get());
    }
    return out;
  }

  Result<int64_t> Integer(const toml::table& t, std::string_view key, int64_t lo, int64_t hi,
                          std::optional<int64_t> fallback) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (!fallback) return At(t, fmt::format("missing '{}'", key));
      return *fallback;
    }
    if (!n->is_integer()) return At(*n, fmt::format("'{}' must be an integer", key));
    int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) return At(*n, fmt::format("'{}' = {} is outside {}..{}", key, v, lo, hi));
    return v;
  }

  Result<ResponseTemplate> Template(const toml::table& t, std::string_view key,
                                    const std::string& what) const {
    auto text = String(t, key, false);
    if (!text.ok()) return Error{text.error()};
    auto compiled = ResponseTemplate::Compile(*text);
    if (!compiled.ok()) {
      return At(*t.get(key), fmt::format("{} '{}': {}", what, key, compiled.error()));
    }
    return compiled;
  }

  Result<std::vector<Ipv4Range>> Ranges(const toml::table& t, std::string_view key) const {
    auto texts = Strings(t, key);
    if (!texts.ok()) return Error{texts.error()};
    std::vector<Ipv4Range> out;
    for (const std::string& text : *texts) {
      auto range = ParseIpv4Range(text);
      if (!range.ok()) return At(*t.get(key), range.error());
      // Network safety: the testbed only ever lives on loopback.
      if ((range->first >> 24) != 127 || (range->last >> 24) != 127) {
        return At(*t.get(key), fmt::format("range '{}' is not inside 127.0.0.0/8", text));
      }
      out.push_back(*range);
    }
    return out;
  }

 private:
  std::string source_;
};

Result<PortSpec> ReadPort(const Reader& r, const toml::table& t, const std::string& profile_id) {
  if (Status s = r.OnlyKeys(
          t, {"port", "protocol", "open", "status", "headers", "body", "greeting", "reply"});
      !s.ok()) {
    return Error{s.error()};
  }
  PortSpec port;
  auto number = r.Integer(t, "port", 1, 65535, std::nullopt);
  if (!number.ok()) return Error{number.error()};
  port.port = static_cast<uint16_t>(*number);
  const std::string what = fmt::format("profile '{}' port {}", profile_id, port.port);
  auto protocol = r.String(t, "protocol", true);
  if (!protocol.ok()) return Error{protocol.error()};
  const ProtocolName* found = nullptr;
  for (const ProtocolName& n : kProtocols) {
    if (*protocol == n.name) found = &n;
  }
  if (found == nullptr) {
    return r.At(*t.get("protocol"),
                fmt::format("{}: unknown protocol '{}' (http, https, rtsp, ssh, ftp, telnet, "
                            "smtp, pop3, imap, banner, open)",
                            what, *protocol));
  }
  port.protocol = found->protocol;
  if (const toml::node* open = t.get("open")) {
    if (!open->is_boolean()) return r.At(*open, "'open' must be true or false");
    port.open = open->as_boolean()->get();
  }
  for (auto [key, target] :
       {std::pair{"status", &port.status}, std::pair{"body", &port.body},
        std::pair{"greeting", &port.greeting}, std::pair{"reply", &port.reply}}) {
    auto compiled = r.Template(t, key, what);
    if (!compiled.ok()) return Error{compiled.error()};
    *target = std::move(*compiled);
  }
  if (const toml::node* headers = t.get("headers")) {
    const toml::array* a = headers->as_array();
    if (a == nullptr) return r.At(*headers, "'headers' must be an array of strings");
    for (const toml::node& h : *a) {
      if (!h.is_string()) return r.At(h, "'headers' must hold strings only");
      auto compiled = ResponseTemplate::Compile(h.as_string()->get());
      if (!compiled.ok()) return r.At(h, fmt::format("{} header: {}", what, compiled.error()));
      port.headers.push_back(std::move(*compiled));
    }
  }
  const bool client_first = !found->server_first;
  if (found->protocol == Protocol::kOpen) {
    if (!port.status.empty() || !port.greeting.empty() || !port.headers.empty() ||
        !port.body.empty()) {
      return r.At(t,
                  fmt::format("{}: protocol 'open' answers nothing; drop the reply fields", what));
    }
  } else if (client_first) {
    if (port.status.empty()) return r.At(t, fmt::format("{}: missing 'status'", what));
    if (!port.greeting.empty() || !port.reply.empty()) {
      return r.At(t, fmt::format("{}: 'greeting'/'reply' are for server-first protocols", what));
    }
  } else {
    if (port.greeting.empty()) return r.At(t, fmt::format("{}: missing 'greeting'", what));
    if (!port.status.empty() || !port.headers.empty() || !port.body.empty()) {
      return r.At(t,
                  fmt::format("{}: 'status'/'headers'/'body' are for http, https and rtsp", what));
    }
  }
  return port;
}

Result<Profile> ReadProfile(const Reader& r, const toml::table& t) {
  if (Status s =
          r.OnlyKeys(t, {"id", "vendor", "type", "product", "model", "firmware", "firmware_updates",
                         "noise", "count", "oui", "tls_subject", "tls_issuer", "port"});
      !s.ok()) {
    return Error{s.error()};
  }
  Profile p;
  p.line = static_cast<int>(t.source().begin.line);
  auto id = r.String(t, "id", true);
  if (!id.ok()) return Error{id.error()};
  p.id = *id;
  if (p.id.empty() ||
      p.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    return r.At(t, fmt::format("profile id '{}' must match [a-z0-9._-]+", p.id));
  }
  for (auto [key, target] :
       {std::pair{"vendor", &p.label.vendor}, std::pair{"type", &p.label.type},
        std::pair{"product", &p.label.product}, std::pair{"model", &p.label.model},
        std::pair{"firmware", &p.label.firmware}, std::pair{"oui", &p.oui},
        std::pair{"tls_subject", &p.tls_subject}, std::pair{"tls_issuer", &p.tls_issuer}}) {
    auto value = r.String(t, key, false);
    if (!value.ok()) return Error{value.error()};
    *target = std::move(*value);
  }
  auto updates = r.Strings(t, "firmware_updates");
  if (!updates.ok()) return Error{updates.error()};
  p.firmware_updates = std::move(*updates);
  if (const toml::node* noise = t.get("noise")) {
    if (!noise->is_boolean()) return r.At(*noise, "'noise' must be true or false");
    p.noise = noise->as_boolean()->get();
  }
  auto count = r.Integer(t, "count", 0, int64_t{1} << 24, std::nullopt);
  if (!count.ok()) return Error{count.error()};
  p.count = static_cast<uint64_t>(*count);
  const toml::node* ports = t.get("port");
  if (ports == nullptr || !ports->is_array_of_tables() || ports->as_array()->empty()) {
    return r.At(t, fmt::format("profile '{}' needs at least one [[profile.port]]", p.id));
  }
  std::set<uint16_t> seen;
  for (const toml::node& n : *ports->as_array()) {
    auto port = ReadPort(r, *n.as_table(), p.id);
    if (!port.ok()) return Error{port.error()};
    if (!seen.insert(port->port).second) {
      return r.At(n, fmt::format("profile '{}': port {} listed twice", p.id, port->port));
    }
    if (port->protocol == Protocol::kHttps && p.tls_subject.empty()) {
      return r.At(n,
                  fmt::format("profile '{}': https port {} needs 'tls_subject'", p.id, port->port));
    }
    p.ports.push_back(std::move(*port));
  }
  std::sort(p.ports.begin(), p.ports.end(),
            [](const PortSpec& a, const PortSpec& b) { return a.port < b.port; });
  if (std::none_of(p.ports.begin(), p.ports.end(), [](const PortSpec& s) { return s.open; })) {
    return r.At(t, fmt::format("profile '{}': no port is open at start", p.id));
  }
  return p;
}

// churn = { move = 0.02, vanish = 0.005, appear = 0.005 } (or a [population.churn]
// table): each a fraction of the current host count in 0..1, absent keys are 0.
Result<ChurnMix> ReadChurn(const Reader& r, const toml::node& node) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return r.At(node,
                "'churn' must be a table like { move = 0.02, vanish = 0.005, appear = 0.005 }");
  }
  if (Status s = r.OnlyKeys(*t, {"move", "vanish", "appear"}); !s.ok()) {
    return Error{s.error() + " in 'churn' (move, vanish, appear)"};
  }
  ChurnMix mix;
  for (auto [key, target] : {std::pair{"move", &mix.move}, std::pair{"vanish", &mix.vanish},
                             std::pair{"appear", &mix.appear}}) {
    const toml::node* n = t->get(key);
    if (n == nullptr) continue;
    std::optional<double> value = n->value<double>();  // integers 0 and 1 are fine too
    if (!n->is_number() || !value) {
      return r.At(*n, fmt::format("churn '{}' must be a number (a fraction of the hosts)", key));
    }
    if (!(*value >= 0 && *value <= 1)) {
      return r.At(*n, fmt::format("churn '{}' = {} is outside 0..1 (a fraction of the hosts)", key,
                                  *value));
    }
    *target = *value;
  }
  return mix;
}

}  // namespace

bool IsServerFirst(Protocol p) { return Describe(p).server_first; }
const char* ServiceName(Protocol p) { return Describe(p).service; }

Result<PopulationSpec> ParsePopulationSpec(std::string_view toml_text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", source, e.source().begin.line, e.description())};
  }
  Reader r(source);
  if (Status s = r.OnlyKeys(root, {"population", "profile"}); !s.ok()) return Error{s.error()};
  PopulationSpec spec;
  spec.source = source;
  const toml::table* population = root["population"].as_table();
  if (population == nullptr) return Error{fmt::format("{}: missing [population]", source)};
  if (Status s =
          r.OnlyKeys(*population, {"name", "ranges", "silent", "seed", "change_count", "churn"});
      !s.ok()) {
    return Error{s.error()};
  }
  auto name = r.String(*population, "name", false, "population");
  if (!name.ok()) return Error{name.error()};
  spec.name = *name;
  auto ranges = r.Ranges(*population, "ranges");
  if (!ranges.ok()) return Error{ranges.error()};
  if (ranges->empty()) return r.At(*population, "[population] needs 'ranges'");
  spec.ranges = std::move(*ranges);
  auto silent = r.Ranges(*population, "silent");
  if (!silent.ok()) return Error{silent.error()};
  spec.silent = std::move(*silent);
  auto seed = r.Integer(*population, "seed", 0, INT64_MAX, 1);
  if (!seed.ok()) return Error{seed.error()};
  spec.seed = static_cast<uint64_t>(*seed);
  auto change_count = r.Integer(*population, "change_count", 0, int64_t{1} << 24, 1);
  if (!change_count.ok()) return Error{change_count.error()};
  spec.change_count = static_cast<uint64_t>(*change_count);
  if (const toml::node* churn = population->get("churn")) {
    auto mix = ReadChurn(r, *churn);
    if (!mix.ok()) return Error{mix.error()};
    spec.churn = *mix;
  }

  const toml::node* profiles = root.get("profile");
  if (profiles == nullptr || !profiles->is_array_of_tables()) {
    return Error{fmt::format("{}: no [[profile]]", source)};
  }
  std::set<std::string> ids;
  for (const toml::node& n : *profiles->as_array()) {
    auto profile = ReadProfile(r, *n.as_table());
    if (!profile.ok()) return Error{profile.error()};
    if (!ids.insert(profile->id).second) {
      return r.At(n, fmt::format("profile id '{}' used twice", profile->id));
    }
    spec.profiles.push_back(std::move(*profile));
  }
  return spec;
}

Result<PopulationSpec> LoadPopulationSpec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open population file", path)};
  std::ostringstream text;
  text << in.rdbuf();
  return ParsePopulationSpec(text.str(), path);
}

}  // namespace narrowscan::testbed

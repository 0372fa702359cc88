#include "controller/curate/keyword_suggester.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <utility>

#include "controller/curate/stored_banner.h"
#include "controller/estimation/banner_fields.h"

namespace narrowscan {

namespace {

// Fields whose whole value is a good keyword when it is distinctive.
constexpr FieldId kValueFields[] = {
    FieldId::kHttpServer, FieldId::kHttpRealm,    FieldId::kHttpTitle,  FieldId::kSshBanner,
    FieldId::kFtpBanner,  FieldId::kTelnetBanner, FieldId::kSmtpBanner, FieldId::kPop3Banner,
    FieldId::kImapBanner, FieldId::kRtspServer,   FieldId::kTlsSubject, FieldId::kTlsIssuer};

// Words every protocol uses; never distinctive however rare a dataset makes them.
const std::set<std::string, std::less<>>& StopWords() {
  static const auto* words = new std::set<std::string, std::less<>>{"http",
                                                                    "https",
                                                                    "html",
                                                                    "text",
                                                                    "content",
                                                                    "type",
                                                                    "length",
                                                                    "date",
                                                                    "server",
                                                                    "connection",
                                                                    "close",
                                                                    "keep-alive",
                                                                    "cache",
                                                                    "control",
                                                                    "charset",
                                                                    "utf-8",
                                                                    "iso-8859-1",
                                                                    "expires",
                                                                    "pragma",
                                                                    "no-cache",
                                                                    "private",
                                                                    "max-age",
                                                                    "must-revalidate",
                                                                    "accept-ranges",
                                                                    "bytes",
                                                                    "location",
                                                                    "authenticate",
                                                                    "www-authenticate",
                                                                    "basic",
                                                                    "digest",
                                                                    "realm",
                                                                    "nonce",
                                                                    "transfer-encoding",
                                                                    "chunked",
                                                                    "set-cookie",
                                                                    "path",
                                                                    "httponly",
                                                                    "secure",
                                                                    "etag",
                                                                    "last-modified",
                                                                    "unauthorized",
                                                                    "found",
                                                                    "moved",
                                                                    "permanently",
                                                                    "not",
                                                                    "ok",
                                                                    "the",
                                                                    "and",
                                                                    "for",
                                                                    "you",
                                                                    "your",
                                                                    "this",
                                                                    "with",
                                                                    "login",
                                                                    "password",
                                                                    "username",
                                                                    "welcome",
                                                                    "gmt",
                                                                    "head",
                                                                    "body",
                                                                    "title",
                                                                    "meta",
                                                                    "script",
                                                                    "javascript",
                                                                    "window",
                                                                    "href",
                                                                    "div",
                                                                    "style",
                                                                    "http-equiv",
                                                                    "refresh",
                                                                    "url",
                                                                    "index",
                                                                    "htm",
                                                                    "xml",
                                                                    "json",
                                                                    "application",
                                                                    "x-frame-options",
                                                                    "sameorigin",
                                                                    "deny",
                                                                    "x-xss-protection",
                                                                    "mode",
                                                                    "block",
                                                                    "value",
                                                                    "date",
                                                                    "time",
                                                                    "hex",
                                                                    "etag",
                                                                    "ssh-2.0",
                                                                    "rtsp",
                                                                    "public",
                                                                    "options",
                                                                    "describe",
                                                                    "setup",
                                                                    "teardown",
                                                                    "play",
                                                                    "pause",
                                                                    "cseq",
                                                                    "ready",
                                                                    "service",
                                                                    "version"};
  return *words;
}

bool HasPlaceholder(std::string_view v) {
  static const RE2 placeholder(R"(<[a-z]+>)");
  return RE2::PartialMatch(v, placeholder);
}

// Tokens: runs of [A-Za-z0-9._-] that start and end alphanumeric, 3..64 bytes, not all
// digits, not placeholders, not stop words.
std::set<std::string> TokensOf(std::string_view text) {
  std::set<std::string> out;
  size_t i = 0;
  auto word = [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; };
  while (i < text.size()) {
    if (!word(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && word(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view t = text.substr(i, j - i);
    bool placeholder = i > 0 && text[i - 1] == '<' && j < text.size() && text[j] == '>';
    i = j;
    while (!t.empty() && !std::isalnum(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
    while (!t.empty() && !std::isalnum(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
    if (placeholder || t.size() < 3 || t.size() > 64) continue;
    if (std::all_of(t.begin(), t.end(),
                    [](unsigned char c) { return std::isdigit(c) || c == '.'; }))
      continue;
    std::string lower(t);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (StopWords().count(lower)) continue;
    out.emplace(t);
  }
  return out;
}

BannerRecord RecordOf(const NormalizedBanner& b, uint16_t port) {
  return StoredBannerRecord(port, b.service, b.banner, b.tls_subject, b.tls_issuer);
}

// (key for df, field, value) of every distinctive candidate of one banner.
struct Candidate {
  std::string key;
  std::string field;
  std::string text;
  bool whole_value;
};

std::vector<Candidate> CandidatesOf(const NormalizedBanner& b, uint16_t port) {
  BannerRecord record = RecordOf(b, port);
  BannerFields fields;
  fields.Extract(record);
  std::vector<Candidate> out;
  std::vector<std::pair<std::string, std::string>> values;  // field, value
  for (FieldId id : kValueFields) {
    const std::string_view* v = fields.Get(id);
    if (v == nullptr || v->empty() || v->size() > 200) continue;
    std::string field(FieldName(id));
    values.emplace_back(field, std::string(*v));
    if (!HasPlaceholder(*v))
      out.push_back({"v\x1f" + field + "\x1f" + std::string(*v), field, std::string(*v), true});
  }
  for (const std::string& token : TokensOf(b.banner + "\n" + b.tls_subject + "\n" + b.tls_issuer)) {
    std::string field = "raw";
    for (const auto& [f, v] : values)
      if (v.find(token) != std::string::npos) {
        field = f;
        break;
      }
    out.push_back({"t\x1f" + token, field, token, false});
  }
  return out;
}

// RE2::QuoteMeta escapes every non-alphanumeric byte; a reviewer reads these, so only
// the characters that mean something in a regex are escaped.
std::string QuoteRegex(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
      continue;
    }
    if (std::string_view("\\.^$|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void KeywordSuggester::AddCluster(const NormalizedBanner& banner, uint16_t port) {
  ++clusters_;
  std::set<std::string> seen;
  for (auto& c : CandidatesOf(banner, port))
    if (seen.insert(c.key).second) ++df_[c.key];
}

std::vector<KeywordSuggestion> KeywordSuggester::Suggest(const NormalizedBanner& banner,
                                                         uint16_t port, size_t max) const {
  std::vector<KeywordSuggestion> out;
  std::set<std::string> seen;
  int64_t n = std::max<int64_t>(clusters_, 1);
  for (auto& c : CandidatesOf(banner, port)) {
    if (!seen.insert(c.key).second) continue;
    auto it = df_.find(c.key);
    int64_t df = it == df_.end() ? 1 : std::max<int64_t>(it->second, 1);
    double rarity = 1.0 - static_cast<double>(df - 1) / static_cast<double>(n);
    if (df > 1 && static_cast<double>(df) > 0.5 * static_cast<double>(n)) continue;
    KeywordSuggestion s;
    s.field = c.field;
    s.text = c.text;
    s.clusters_with = df;
    // Whole field values are the most precise keywords; tokens found inside a named
    // field are better than tokens anywhere in the raw banner.
    s.score = rarity + (c.whole_value ? 0.5 : (c.field != "raw" ? 0.25 : 0.0));
    s.regex = c.whole_value ? "^" + QuoteRegex(c.text) + "$" : "\\b" + QuoteRegex(c.text) + "\\b";
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.text.size() > b.text.size();
  });
  if (out.size() > max) out.resize(max);
  return out;
}

}  // namespace narrowscan

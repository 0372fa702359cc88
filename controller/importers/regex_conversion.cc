#include "controller/importers/regex_conversion.h"

#include <fmt/format.h>

#include "controller/estimation/device_entry.h"

namespace narrowscan {
namespace {

constexpr std::string_view kHeaderSkipIdiom = R"((?:[^\r\n]*\r\n(?!\r\n))*?)";
constexpr std::string_view kHeaderSkipRe2 = R"((?:[^\r\n]+\r\n)*?)";
constexpr std::string_view kEndOrFinalNewline = R"((?:\n?\z))";

std::string FlagPrefix(RegexDialect dialect, RegexFlags flags) {
  std::string f;
  if (dialect == RegexDialect::kRuby) f += 'm';
  if (flags.ignore_case) f += 'i';
  if (flags.dot_all) f += 's';
  return f.empty() ? "" : "(?" + f + ")";
}

void AppendByte(unsigned char c, std::string* out) {
  if (c >= 0x80) {
    *out += fmt::format("\\x{:02x}", c);
  } else {
    out->push_back(static_cast<char>(c));
  }
}

// Length of the UTF-8 sequence starting at p[i] if it is a valid multi-byte one, else 0.
size_t Utf8SequenceLength(std::string_view p, size_t i) {
  const auto c = static_cast<unsigned char>(p[i]);
  size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > p.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(p[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

std::string Re2Reason(const std::string& error) {
  const size_t colon = error.find(':');
  return "re2: " + (colon == std::string::npos ? error : error.substr(0, colon));
}

}  // namespace

std::string AsIsRegex(std::string_view pattern, RegexDialect dialect, RegexFlags flags) {
  return FlagPrefix(dialect, flags) + std::string(pattern);
}

Result<ConvertedRegex> ConvertRegex(std::string_view input, RegexDialect dialect,
                                    RegexFlags flags) {
  if (input.size() > kMaxKeywordRegexBytes)
    return Error{fmt::format("regex of {} bytes is over the {}-byte cap", input.size(),
                             kMaxKeywordRegexBytes)};
  const bool pcre = dialect == RegexDialect::kPcre;
  std::string source(input);
  bool rewritten = false;
  for (size_t at = source.find(kHeaderSkipIdiom); at != std::string::npos;
       at = source.find(kHeaderSkipIdiom, at + kHeaderSkipRe2.size())) {
    source.replace(at, kHeaderSkipIdiom.size(), kHeaderSkipRe2);
    rewritten = true;
  }
  const std::string_view p = source;
  std::string out;
  out.reserve(p.size() + 16);
  bool in_class = false;
  bool multiline = false;         // PCRE (?m) seen: `$` is a line anchor as in RE2
  bool after_quantifier = false;  // the last token was a quantifier (for possessives)
  const size_t n = p.size();
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(p[i]);
    const bool was_quantifier = after_quantifier;
    after_quantifier = false;
    if (c == '\\') {
      if (i + 1 >= n) return Error{"trailing backslash"};
      const auto d = static_cast<unsigned char>(p[i + 1]);
      if (d >= 0x80) {
        AppendByte(d, &out);
        rewritten = true;
      } else if (d == 'h') {
        out += in_class ? (pcre ? "\\t " : "0-9a-fA-F") : (pcre ? "[\\t ]" : "[0-9a-fA-F]");
        rewritten = true;
      } else if (!in_class && d >= '1' && d <= '9') {
        return Error{"back-reference"};
      } else if (!in_class && (d == 'k' || d == 'g')) {
        return Error{"back-reference"};
      } else if (!in_class && d == 'Z') {
        out += kEndOrFinalNewline;
        rewritten = true;
      } else if (!in_class && d == 'R') {
        out += R"((?:\r\n|[\n\v\f\r\x85]))";
        rewritten = true;
      } else if (d == 'G' || d == 'K') {
        return Error{fmt::format("\\{}", static_cast<char>(d))};
      } else {
        out.push_back('\\');
        out.push_back(static_cast<char>(d));
      }
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      if (c == '[' && i + 1 < n && p[i + 1] == ':') {  // [:alpha:] inside a class
        const size_t end = p.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out.append(p.substr(i, end + 2 - i));
          i = end + 2;
          continue;
        }
      }
      if (c >= 0x80) rewritten = true;
      AppendByte(c, &out);
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back('[');
      ++i;
      if (i < n && p[i] == '^') out.push_back(p[i++]);
      if (i < n && p[i] == ']') out.push_back(p[i++]);  // a leading ] is literal
      continue;
    }
    if (c == '(' && i + 1 < n && p[i + 1] == '?') {
      const char e = i + 2 < n ? p[i + 2] : '\0';
      if (e == '=' || e == '!') return Error{"look-ahead"};
      if (e == '<' && i + 3 < n && (p[i + 3] == '=' || p[i + 3] == '!'))
        return Error{"look-behind"};
      if (e == '>') return Error{"atomic group"};
      if (e == '|') return Error{"branch reset"};
      if (e == 'P' && i + 3 < n && (p[i + 3] == '=' || p[i + 3] == '>'))
        return Error{"back-reference"};
      if (e == '<' || e == '\'') {  // (?<name>…) or (?'name'…)
        const char close = e == '<' ? '>' : '\'';
        const size_t end = p.find(close, i + 3);
        if (end == std::string_view::npos) return Error{"unterminated group name"};
        out += "(?P<" + std::string(p.substr(i + 3, end - i - 3)) + ">";
        rewritten = true;
        i = end + 1;
        continue;
      }
      if (e == '#') {
        const size_t end = p.find(')', i);
        if (end == std::string_view::npos) return Error{"unterminated comment"};
        i = end + 1;
        rewritten = true;
        continue;
      }
      // Inline flags (?flags) or (?flags:
      size_t j = i + 2;
      std::string mapped;
      while (j < n &&
             ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z') || p[j] == '-')) {
        char f = p[j];
        if (f == 'x') return Error{"extended mode (?x)"};
        if (!pcre && f == 'm') {
          f = 's';  // Ruby m = dot matches newline; ^ $ are line anchors anyway
          rewritten = true;
        } else if (pcre && f == 'm') {
          multiline = true;
        }
        mapped.push_back(f);
        ++j;
      }
      if (j < n && (p[j] == ':' || p[j] == ')') && !mapped.empty()) {
        out += "(?" + mapped + p[j];
        i = j + 1;
        continue;
      }
      out += "(?";
      i += 2;
      continue;
    }
    if (c == '$' && pcre && !multiline) {
      out += kEndOrFinalNewline;
      rewritten = true;
      ++i;
      continue;
    }
    if (c == '+' && was_quantifier) return Error{"possessive quantifier"};
    if (c == '*' || c == '+' || c == '?' || c == '}')
      after_quantifier = c != '?' || !was_quantifier;
    if (c == '?' && was_quantifier)
      after_quantifier = false;  // lazy: `+?` then `+` is literal-less
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(p, i);
      rewritten = true;
      if (len > 1) {
        // Keep a multi-byte character one atom, so a quantifier after it repeats it all.
        out += "(?:";
        for (size_t k = 0; k < len; ++k) AppendByte(static_cast<unsigned char>(p[i + k]), &out);
        out += ")";
        i += len;
        continue;
      }
      AppendByte(c, &out);
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  ConvertedRegex result{FlagPrefix(dialect, flags) + out, rewritten};
  auto re = CompileKeywordRegex(result.pattern);
  if (!re.ok()) return Error{Re2Reason(re.error())};
  return result;
}

}  // namespace narrowscan

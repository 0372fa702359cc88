#include "controller/report/html_report.h"

#include <fmt/format.h>

namespace narrowscan {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void HtmlReport::Heading(std::string_view text) {
  body_ += fmt::format("<h2>{}</h2>\n", EscapeHtml(text));
}

void HtmlReport::Paragraph(std::string_view text) {
  body_ += fmt::format("<p>{}</p>\n", EscapeHtml(text));
}

void HtmlReport::KeyValues(const std::vector<std::pair<std::string, std::string>>& rows) {
  body_ += "<table class=\"kv\">\n";
  for (const auto& [k, v] : rows)
    body_ += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", EscapeHtml(k), EscapeHtml(v));
  body_ += "</table>\n";
}

void HtmlReport::Table(std::string_view caption,
                       const std::vector<std::vector<std::string>>& rows) {
  body_ += fmt::format("<table>\n<caption>{}</caption>\n", EscapeHtml(caption));
  for (size_t r = 0; r < rows.size(); ++r) {
    body_ += "<tr>";
    for (const std::string& cell : rows[r]) {
      const char* tag = r == 0 ? "th" : "td";
      body_ += fmt::format("<{0}>{1}</{0}>", tag, EscapeHtml(cell));
    }
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlReport::Svg(std::string_view caption, std::string_view svg) {
  body_ +=
      fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n", svg, EscapeHtml(caption));
}

std::string HtmlReport::Render() const {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{0}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }}
h1 {{ border-bottom: 2px solid #446; }} h2 {{ margin-top: 1.6em; color: #335; }}
table {{ border-collapse: collapse; margin: 0.8em 0; }}
th, td {{ border: 1px solid #bbc; padding: 0.25em 0.7em; text-align: right; }}
th {{ background: #eef; }} caption {{ text-align: left; font-weight: bold; padding: 0.3em 0; }}
table.kv th {{ text-align: left; }}
figure {{ display: inline-block; margin: 0.5em; }} figcaption {{ text-align: center; }}
</style></head>
<body><h1>{0}</h1>
{1}</body></html>
)",
                     EscapeHtml(title_), body_);
}

}  // namespace narrowscan

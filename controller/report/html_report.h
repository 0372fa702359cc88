// HtmlReport: a self-contained HTML page (inline CSS and SVG, no external assets) made
// of headings, key/value summaries, tables and charts. Every text is escaped; SVG is
// inlined as given (it comes from gnuplot, not from scan data). Pure.
#ifndef NARROWSCAN_CONTROLLER_REPORT_HTML_REPORT_H_
#define NARROWSCAN_CONTROLLER_REPORT_HTML_REPORT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace narrowscan {

class HtmlReport {
 public:
  explicit HtmlReport(std::string title) : title_(std::move(title)) {}

  void Heading(std::string_view text);
  void Paragraph(std::string_view text);
  void KeyValues(const std::vector<std::pair<std::string, std::string>>& rows);
  // The first row is the header.
  void Table(std::string_view caption, const std::vector<std::vector<std::string>>& rows);
  void Svg(std::string_view caption, std::string_view svg);

  std::string Render() const;

 private:
  std::string title_;
  std::string body_;
};

std::string EscapeHtml(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_HTML_REPORT_H_

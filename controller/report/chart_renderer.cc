#include "controller/report/chart_renderer.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace narrowscan {

Result<std::string> RenderSvg(const std::string& script) {
  // The script goes through a file rather than a pipe into popen's stdin, so
  // gnuplot's output can be read from its stdout without a second thread.
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  if (ec) return Error{fmt::format("no temporary directory: {}", ec.message())};
  std::string tmpl = (dir / "narrowscan-chart-XXXXXX").string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Error{fmt::format("cannot create a temporary file in {}", dir.string())};
  {
    std::ofstream out(tmpl, std::ios::binary);
    out << script;
  }
  close(fd);
  std::string cmd = fmt::format("gnuplot '{}' 2>&1", tmpl);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    std::filesystem::remove(tmpl, ec);
    return Error{"cannot start gnuplot"};
  }
  std::string svg;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) svg.append(buf, n);
  int status = pclose(pipe);
  std::filesystem::remove(tmpl, ec);
  if (status != 0 || svg.find("<svg") == std::string::npos) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      return Error{"gnuplot is not installed (Debian package gnuplot-nox)"};
    return Error{fmt::format("gnuplot failed: {:.300}", svg)};
  }
  // Drop the XML prolog so the SVG can be inlined in HTML.
  if (auto at = svg.find("<svg"); at != std::string::npos) svg.erase(0, at);
  return svg;
}

}  // namespace narrowscan

#include "controller/curate/scan_file_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace narrowscan {

Result<ScanFileCounts> ReadScanFile(const std::string& path, ScanFormat format,
                                    const std::function<Status(ScanRecord&&)>& sink,
                                    const std::function<void(const std::string&)>& on_malformed) {
  FILE* raw = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (raw == nullptr) return Error{fmt::format("cannot open '{}': {}", path, std::strerror(errno))};
  std::unique_ptr<FILE, int (*)(FILE*)> file(raw,
                                             path == "-" ? [](FILE*) { return 0; } : &std::fclose);

  ScanFileCounts counts;
  char* buffer = nullptr;
  size_t capacity = 0;
  ssize_t n;
  Status failed;
  while ((n = getline(&buffer, &capacity, file.get())) >= 0) {
    ++counts.lines;
    std::string_view line(buffer, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Result<ScanRecords> records = line.size() > kMaxScanLineBytes
                                      ? Result<ScanRecords>(Error{fmt::format(
                                            "line longer than {} bytes", kMaxScanLineBytes)})
                                      : ParseScanLine(format, line);
    if (!records.ok()) {
      ++counts.malformed;
      on_malformed(fmt::format("{}:{}: {}", path, counts.lines, records.error()));
      continue;
    }
    for (ScanRecord& r : *records) {
      ++counts.records;
      if (r.has_banner) ++counts.banners;
      if (Status s = sink(std::move(r)); !s.ok()) {
        failed = s;
        break;
      }
    }
    if (!failed.ok()) break;
  }
  bool read_error = std::ferror(file.get());
  std::free(buffer);
  if (!failed.ok()) return Error{failed.error()};
  if (read_error) return Error{fmt::format("cannot read '{}': {}", path, std::strerror(errno))};
  return counts;
}

}  // namespace narrowscan

#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace narrowscan {
namespace {

Status FsyncFolder(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder.assign(1, '.');
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("{}: cannot open folder: {}", folder, std::strerror(errno))};
  const bool ok = ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return Error{fmt::format("{}: cannot sync folder: {}", folder, std::strerror(saved))};
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode) {
  std::string tmp(path);
  tmp.append(".tmp");  // not path + ".tmp": GCC 12 warns (-Wrestrict) on it falsely
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error{fmt::format("{}: cannot create: {}", tmp, std::strerror(errno))};
  auto fail = [&](const char* what) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{fmt::format("{}: cannot {}: {}", tmp, what, why)};
  };
  // O_CREAT keeps an existing file's mode and the umask narrows a new one: force it.
  if (::fchmod(fd, mode) != 0) return fail("set its mode");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("sync");
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{fmt::format("{}: cannot close: {}", tmp, why)};
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{fmt::format("{}: cannot replace: {}", path, why)};
  }
  return FsyncFolder(path);
}

}  // namespace narrowscan

#include "probe/agent/spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace narrowscan {

namespace fs = std::filesystem;

Result<Spool> Spool::Open(const std::string& dir, uint64_t max_bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{fmt::format("spool '{}': {}", dir, ec.message())};
  Spool s;
  s.dir_ = dir;
  s.max_bytes_ = max_bytes;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    unsigned long long round = 0, seq = 0;
    char tail[8] = {0};
    if (std::sscanf(name.c_str(), "r%llu-s%llu.%7s", &round, &seq, tail) == 3 &&
        std::strcmp(tail, "batch") == 0) {
      const uint64_t size = e.file_size();
      s.index_[{round, seq}] = size;
      s.bytes_ += size;
    } else if (name.ends_with(".tmp")) {
      fs::remove(e.path(), ec);  // a write that a crash interrupted
    }
  }
  if (ec) return Error{fmt::format("spool '{}': {}", dir, ec.message())};
  return s;
}

std::string Spool::PathOf(uint64_t round, uint64_t seq) const {
  return fmt::format("{}/r{}-s{}.batch", dir_, round, seq);
}

Status Spool::Put(uint64_t round, uint64_t seq, const std::vector<uint8_t>& bytes) {
  const std::string path = PathOf(round, seq), tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{fmt::format("spool '{}': {}", tmp, std::strerror(errno))};
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{fmt::format("spool '{}': {}", tmp, why)};
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Error{fmt::format("spool '{}': {}", tmp, std::strerror(errno))};
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Error{fmt::format("spool '{}': {}", path, std::strerror(errno))};
  auto [it, added] = index_.try_emplace({round, seq}, bytes.size());
  if (added) bytes_ += bytes.size();
  return Status::Ok();
}

size_t Spool::Ack(uint64_t round, uint64_t seq) {
  size_t n = 0;
  for (auto it = index_.lower_bound({round, 0});
       it != index_.end() && it->first.first == round && it->first.second <= seq;) {
    std::error_code ec;
    fs::remove(PathOf(round, it->first.second), ec);
    bytes_ -= it->second;
    it = index_.erase(it);
    ++n;
  }
  return n;
}

Result<std::vector<uint8_t>> Spool::Read(uint64_t round, uint64_t seq) const {
  const std::string path = PathOf(round, seq);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("spool '{}': cannot read", path)};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::pair<uint64_t, uint64_t>> Spool::Pending() const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  out.reserve(index_.size());
  for (const auto& [key, size] : index_) out.push_back(key);
  return out;
}

}  // namespace narrowscan

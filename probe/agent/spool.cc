#include "probe/agent/spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"

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
  const std::string path = PathOf(round, seq);
  Status written = WriteFileAtomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!written.ok()) return Error{fmt::format("spool: {}", written.error())};
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

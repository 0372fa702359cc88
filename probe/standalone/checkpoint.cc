#include "probe/standalone/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/atomic_file.h"
#include "common/target_permutation.h"

namespace narrowscan {
namespace {

struct Fnv {
  uint64_t h = 0xcbf29ce484222325ULL;
  void Add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 0x100000001b3ULL;
    }
  }
  std::string Hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

}  // namespace

std::string HashRanges(const RangeSet& set) {
  Fnv f;
  for (const Ipv4Range& r : set.ranges()) {
    f.Add(r.first);
    f.Add(r.last);
  }
  return f.Hex();
}

std::string HashScan(const RangeSet& targets, const std::vector<uint16_t>& ports) {
  Fnv f;
  for (const Ipv4Range& r : targets.ranges()) {
    f.Add(r.first);
    f.Add(r.last);
  }
  f.Add(0xFFFFFFFFFFFFFFFFULL);  // separates the two lists
  for (uint16_t p : ports) f.Add(p);
  return f.Hex();
}

Status SaveCheckpoint(const std::string& path, const Checkpoint& c) {
  nlohmann::json j = {
      {"format", 2},
      {"seed", c.seed},
      {"shard", c.shard},
      {"shards", c.shards},
      {"threads", c.threads},
      {"positions", c.threads == 1 ? std::vector<uint64_t>{c.position} : c.positions},
      {"scan_hash", c.scan_hash},
      {"exclusions_hash", c.exclusions_hash},
      {"complete", c.complete}};
  Status written = WriteFileAtomically(path, j.dump() + "\n");
  if (!written.ok()) return Error{path + ": cannot write the checkpoint: " + written.error()};
  return Status::Ok();
}

Status CheckCheckpointWritable(const std::string& path) {
  std::string tmp(path);
  tmp.append(".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error{path + ": the resume file cannot be written (" + std::strerror(errno) +
                 "); nothing was sent"};
  ::close(fd);
  ::unlink(tmp.c_str());
  if (::access(path.c_str(), F_OK) == 0 && ::access(path.c_str(), W_OK) != 0)
    return Error{path + ": the resume file cannot be written (" + std::strerror(errno) +
                 "); nothing was sent"};
  return Status::Ok();
}

Status CheckCheckpointPositions(const std::string& path, const Checkpoint& c, uint64_t pairs) {
  if (pairs == 0) return Status::Ok();
  const uint32_t threads = c.threads == 0 ? 1 : c.threads;
  for (uint32_t j = 0; j < threads; ++j) {
    const uint64_t position = threads == 1 ? c.position : c.positions[j];
    const TargetPermutation lane(pairs, c.seed, c.shard + j * c.shards, c.shards * threads);
    if (position > lane.steps())
      return Error{path + ": not a resume file: position " + std::to_string(position) +
                   (threads == 1 ? "" : " of thread " + std::to_string(j + 1)) +
                   " is past the end of the scan (" + std::to_string(lane.steps()) + ")"};
  }
  return Status::Ok();
}

Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<Checkpoint>();
    return Error{path + ": cannot read: " + std::strerror(errno)};
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  auto bad = [&](const std::string& why) { return Error{path + ": not a resume file: " + why}; };
  if (j.is_discarded() || !j.is_object()) return bad("not JSON");
  const int format = j.value("format", 0);
  if (format != 1 && format != 2) {
    return bad("format " + std::to_string(format) + " (this version reads formats 1 and 2)");
  }
  Checkpoint c;
  try {
    c.seed = j.at("seed").get<uint64_t>();
    c.shard = j.at("shard").get<uint32_t>();
    c.shards = j.at("shards").get<uint32_t>();
    if (format == 1) {
      c.position = j.at("position").get<uint64_t>();
    } else {
      c.threads = j.at("threads").get<uint32_t>();
      c.positions = j.at("positions").get<std::vector<uint64_t>>();
      if (c.threads == 0 || c.positions.size() != c.threads) {
        return bad("\"positions\" must hold one position for each of the " +
                   std::to_string(c.threads) + " threads");
      }
      if (c.threads == 1) {
        c.position = c.positions.front();
        c.positions.clear();
      }
    }
    c.scan_hash = j.at("scan_hash").get<std::string>();
    c.exclusions_hash = j.at("exclusions_hash").get<std::string>();
    c.complete = j.at("complete").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  if (c.shards == 0 || c.shard >= c.shards) return bad("shard out of range");
  return std::optional<Checkpoint>(c);
}

}  // namespace narrowscan

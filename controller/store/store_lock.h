// StoreLock: one `narrowscan serve` per store.
//
// Acquire() takes an exclusive, non-blocking flock on `<store>.lock` (created 0600)
// and writes the holder's pid into it. The lock is held until the StoreLock is
// destroyed or the process ends (even by kill -9: the kernel drops it), so a stale
// lock file never blocks a restart. When another process holds it, the error names
// the store, the lock file and the holder's pid. Commands that only read or set up
// the store do not take it: SQLite's own locking orders their writes.
#ifndef NARROWSCAN_CONTROLLER_STORE_STORE_LOCK_H_
#define NARROWSCAN_CONTROLLER_STORE_STORE_LOCK_H_

#include <string>

#include "common/result.h"

namespace narrowscan {

class StoreLock {
 public:
  static Result<StoreLock> Acquire(const std::string& store_path);
  StoreLock(StoreLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StoreLock& operator=(StoreLock&&) = delete;
  StoreLock(const StoreLock&) = delete;
  ~StoreLock();

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_STORE_STORE_LOCK_H_

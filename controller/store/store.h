// Store: the controller's SQLite database (WAL mode), shared by every component.
//
// Each component owns its tables and brings its own migrations, registered under a
// module name ("fleet", "curate", …). Migrate() applies the steps a module has not
// applied yet, each in its own transaction, and records (module, version) in
// `schema_versions`, so modules evolve independently and a re-run is a no-op.
// A Store is used from one thread at a time (the connection is not shared).
#ifndef NARROWSCAN_CONTROLLER_STORE_STORE_H_
#define NARROWSCAN_CONTROLLER_STORE_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

class Statement;

class Store {
 public:
  // Opens (creating if needed) the file; sets WAL, foreign keys, a busy timeout.
  // A new store is private: file (and so -wal, -shm) 0600, folders it makes 0700.
  // Errors name the path.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // Compiles one statement. Errors carry SQLite's message and the SQL.
  Result<Statement> Prepare(std::string_view sql);

  // Applies steps[v] for every v >= the module's recorded version.
  Status Migrate(std::string_view module, const std::vector<std::string_view>& steps);
  int SchemaVersion(std::string_view module);

  Status Begin();  // BEGIN IMMEDIATE: writers take the lock up front
  Status Commit();
  Status Rollback();

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// Rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Store& store);
  ~Transaction();
  Status status() const { return begin_; }
  Status Commit();

 private:
  Store& store_;
  Status begin_;
  bool done_ = false;
};

// A prepared statement. Bind() indices start at 1 as in SQLite.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, const void* data, size_t size);
  Statement& BindNull(int index);

  // Steps once: a row (true), done (false), or an error.
  Result<bool> Step();
  // Steps to completion, for statements without rows.
  Status Run();
  void Reset();  // resets and clears bindings for reuse

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Store;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_STORE_STORE_H_

#include "controller/store/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace narrowscan {

namespace {
Error SqlError(sqlite3* db, std::string_view what) {
  return Error{fmt::format("{}: {}", what, sqlite3_errmsg(db))};
}
// A new store holds an inventory of exposed devices: its missing folders are made 0700
// and the file 0600 before SQLite sees it, whatever the umask. SQLite gives the -wal
// and -shm files the mode of the database file.
Status CreatePrivate(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) return Status::Ok();
  std::vector<fs::path> missing;
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty() && !fs::exists(dir, ec);
       dir = dir.parent_path())
    missing.push_back(dir);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      return Error{fmt::format("cannot create the store's folder '{}': {}", it->string(),
                               std::strerror(errno))};
    ::chmod(it->c_str(), 0700);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();  // another process made it meanwhile
    return Error{fmt::format("cannot create store '{}': {}", path, std::strerror(errno))};
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!ok)
    return Error{fmt::format("cannot make store '{}' private: {}", path, std::strerror(errno))};
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  if (path != ":memory:" && !path.empty()) {
    if (Status s = CreatePrivate(path); !s.ok()) return Error{s.error()};
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Error{fmt::format("cannot open store '{}': {}", path, msg)};
  }
  std::unique_ptr<Store> store(new Store(db, path));
  sqlite3_busy_timeout(db, 10000);
  // journal_mode returns a row, so it goes through Exec's callback-less path fine.
  Status s = store->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "CREATE TABLE IF NOT EXISTS schema_versions(module TEXT PRIMARY KEY, version INTEGER NOT "
      "NULL)");
  if (!s.ok()) return Error{fmt::format("cannot open store '{}': {}", path, s.error())};
  return store;
}

Store::~Store() { sqlite3_close_v2(db_); }

Status Store::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Error{fmt::format("{} (in: {:.200})", msg, sql)};
  }
  return Status::Ok();
}

Result<Statement> Store::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK)
    return Error{fmt::format("{} (in: {:.200})", sqlite3_errmsg(db_), sql)};
  return Statement(db_, stmt);
}

int Store::SchemaVersion(std::string_view module) {
  auto st = Prepare("SELECT version FROM schema_versions WHERE module = ?");
  if (!st.ok()) return 0;
  st->Bind(1, module);
  auto row = st->Step();
  return row.ok() && *row ? static_cast<int>(st->ColumnInt(0)) : 0;
}

Status Store::Migrate(std::string_view module, const std::vector<std::string_view>& steps) {
  for (int v = SchemaVersion(module); v < static_cast<int>(steps.size()); ++v) {
    Transaction tx(*this);
    if (!tx.status().ok()) return tx.status();
    if (Status s = Exec(steps[v]); !s.ok())
      return Error{fmt::format("migration {} step {} failed: {}", module, v + 1, s.error())};
    auto up = Prepare(
        "INSERT INTO schema_versions(module, version) VALUES(?, ?) "
        "ON CONFLICT(module) DO UPDATE SET version = excluded.version");
    if (!up.ok()) return Error{up.error()};
    up->Bind(1, module).Bind(2, int64_t{v + 1});
    if (Status s = up->Run(); !s.ok()) return s;
    if (Status s = tx.Commit(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Store::Begin() { return Exec("BEGIN IMMEDIATE"); }
Status Store::Commit() { return Exec("COMMIT"); }
Status Store::Rollback() { return Exec("ROLLBACK"); }

Transaction::Transaction(Store& store) : store_(store), begin_(store.Begin()) {}
Transaction::~Transaction() {
  if (begin_.ok() && !done_) (void)store_.Rollback();
}
Status Transaction::Commit() {
  if (!begin_.ok()) return begin_;
  Status s = store_.Commit();
  if (s.ok()) done_ = true;
  return s;
}

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int i, const void* data, size_t size) {
  sqlite3_bind_blob(stmt_, i, size ? data : "", static_cast<int>(size), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlError(db_, fmt::format("sql step failed ({:.120})", sqlite3_sql(stmt_)));
}

Status Statement::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return Error{r.error()};
    if (!*r) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::ColumnDouble(int c) const { return sqlite3_column_double(stmt_, c); }
std::string Statement::ColumnText(int c) const {
  auto* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, c))
           : std::string();
}
std::string Statement::ColumnBlob(int c) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
  return p ? std::string(p, sqlite3_column_bytes(stmt_, c)) : std::string();
}
bool Statement::ColumnIsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

}  // namespace narrowscan

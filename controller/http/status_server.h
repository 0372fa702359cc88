// StatusServer: the HTTP side of `narrowscan serve --http ADDR:PORT`.
//
//   GET /          the status page (status_page.h), which polls the JSON API
//   GET /metrics   Prometheus text (fleet_metrics.h)
//   GET /healthz   200 "ok", or 503 with the reasons: the service has not published a
//                  turn yet or its last turn is older than `stale_seconds`, the broker is
//                  not connected, the store file (or its folder) is not writable
//   GET /api/…     the read-only JSON API (api_json.h)
//
// Threads: the server answers on its own threads (a pool of two) and never touches the
// service's state. It reads the store through a connection of its own, opened
// read-only (`PRAGMA query_only`; WAL lets it read while the service writes), used by
// one request at a time, and the service's in-memory state only through the copies
// the service publishes on a ServiceBoard.
#ifndef NARROWSCAN_CONTROLLER_HTTP_STATUS_SERVER_H_
#define NARROWSCAN_CONTROLLER_HTTP_STATUS_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/listen_address.h"
#include "common/result.h"
#include "controller/fleet/service_board.h"

namespace narrowscan::http {

struct StatusServerOptions {
  ListenAddress listen;
  std::string store_path;                     // an existing store (serve opened it)
  const fleet::ServiceBoard* board = nullptr;  // required; outlives the server
  int64_t stale_seconds = 10;
};

class StatusServer {
 public:
  // Opens the store connection, binds and starts answering. Errors name the store or
  // ADDR:PORT and why (e.g. the port is in use).
  static Result<std::unique_ptr<StatusServer>> Start(const StatusServerOptions& options);
  ~StatusServer();  // stops answering and joins the server's threads
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  struct Impl;

 private:
  explicit StatusServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_STATUS_SERVER_H_

#include "controller/http/serve_status.h"

#include <spdlog/spdlog.h>

#include "controller/http/status_server.h"

namespace narrowscan::http {

Result<std::shared_ptr<void>> StartServeStatus(const fleet::ControllerConfig& config,
                                               const fleet::ServiceBoard& board) {
  if (!config.http_listen) return std::shared_ptr<void>();
  const ListenAddress& listen = *config.http_listen;
  if (!listen.loopback())
    spdlog::warn(
        "status server on {} is reachable beyond this machine: it shows the fleet's "
        "inventory without authentication",
        listen.ToString());
  auto server = StatusServer::Start({.listen = listen, .store_path = config.store, .board = &board});
  if (!server.ok()) return Error{server.error()};
  spdlog::info("status server on http://{}/ (/metrics, /healthz, /api/…)", listen.ToString());
  return std::shared_ptr<void>(std::move(*server));
}

}  // namespace narrowscan::http

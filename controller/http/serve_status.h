// ServeStatus: the companion main.cc gives `narrowscan serve` (fleet_commands.h
// ServeCompanion): when the config or --http names a listen address, it starts the
// StatusServer on it for as long as serve runs, and logs where. A listener on an
// address outside 127.0.0.0/8 is allowed but logged as a warning: the pages show an
// inventory of exposed devices and have no authentication.
#ifndef NARROWSCAN_CONTROLLER_HTTP_SERVE_STATUS_H_
#define NARROWSCAN_CONTROLLER_HTTP_SERVE_STATUS_H_

#include <memory>

#include "common/result.h"
#include "controller/fleet/controller_config.h"
#include "controller/fleet/service_board.h"

namespace narrowscan::http {

// nullptr when no listen address is configured.
Result<std::shared_ptr<void>> StartServeStatus(const fleet::ControllerConfig& config,
                                               const fleet::ServiceBoard& board);

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_SERVE_STATUS_H_

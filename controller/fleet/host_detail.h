// HostDetail: everything the store knows about one address, for the status server's
// /api/hosts/IP:
//   {"ip", "host": {first_round, last_round, obs_round, open_ports, devices,
//                   full_open_ports, silent_streak, estimated_ports, deviated} | null,
//    "results": [{round, probe, port, state: open|closed|timeout, service,
//                 banner | banner_b64, tls: {subject, issuer}}…]   (the latest 10 rounds)
//    "estimates": [{rank, device, score, banner_score, port_score, vendor, type,
//                   product, model, version, level, round}…],
//    "plan": {"round", "ports"} | null}   (ports "*" = the standard set)
// nullopt when the address has no host row, no result and no plan. Banners that are not
// UTF-8 are given as base64 ("banner_b64"), as in the hosts JSONL format.
#ifndef NARROWSCAN_CONTROLLER_FLEET_HOST_DETAIL_H_
#define NARROWSCAN_CONTROLLER_FLEET_HOST_DETAIL_H_

#include <nlohmann/json.hpp>
#include <optional>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

Result<std::optional<nlohmann::json>> HostDetail(FleetStore& store, Ipv4 ip);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_HOST_DETAIL_H_

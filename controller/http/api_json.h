// ApiJson: the read-only JSON API of `narrowscan serve --http`. Each function answers
// one route from a FleetStore (the status server's own read-only connection) with a
// status code and a JSON body; errors are {"error": "…"} naming the bad input.
//
//   GET /api/rounds        [round…]  every round as `round status --json` prints it
//                                    (fleet_report.h RoundTraffic), newest first
//   GET /api/rounds/N      round N as above; 400 when N is not a round number, 404 unknown
//   GET /api/probes        [probe…]  as `probes list --json` (fleet/probe_json.h)
//   GET /api/hosts         {"answered","estimated","by_type_vendor":[{type,vendor,hosts}]}
//   GET /api/hosts/IP      fleet/host_detail.h; 400 for a malformed IP, 404 unknown
// A store failure is 500 with the store's message.
#ifndef NARROWSCAN_CONTROLLER_HTTP_API_JSON_H_
#define NARROWSCAN_CONTROLLER_HTTP_API_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/fleet/fleet_store.h"

namespace narrowscan::http {

struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

ApiReply ApiRounds(fleet::FleetStore& store);
ApiReply ApiRound(fleet::FleetStore& store, std::string_view id_text);
ApiReply ApiProbes(fleet::FleetStore& store);
ApiReply ApiHosts(fleet::FleetStore& store);
ApiReply ApiHost(fleet::FleetStore& store, std::string_view ip_text);

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_API_JSON_H_

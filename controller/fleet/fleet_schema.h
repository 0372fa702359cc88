// The fleet's tables in the controller's store (module "fleet").
//
// Addresses are stored as INTEGER (host byte order, as common/ipv4.h) so range
// queries are integer comparisons. Per-IP rows exist only for hosts that answered;
// regions, targets and exclusions are stored as inclusive ranges.
//
// Tables other components may read (stable columns):
//   fleet_results(round_id, probe_id, ip, port, state, service, banner BLOB,
//                 tls_subject, tls_issuer, connect_us, committed_at)
//     one row per (round_id, ip, port) a probe reported; state 0 open, 1 closed,
//     2 timeout; banner holds the raw bytes as grabbed.
//   fleet_hosts(ip, first_round, last_round, open_ports TEXT "80,443", ...)
//   fleet_estimates(ip, rank, device, score, banner_score, port_score, vendor, type,
//                   product, model, version, level, round_id)
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_SCHEMA_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_SCHEMA_H_

#include "common/result.h"
#include "controller/store/store.h"

namespace narrowscan::fleet {

// Applies the fleet's migrations that the store has not applied yet.
Status MigrateFleetSchema(Store& store);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_SCHEMA_H_

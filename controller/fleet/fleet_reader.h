// FleetReader: the fleet's read API for the other controller modules (curate, report).
// They read the fleet's tables (fleet_*, see fleet_schema.cc) only through it and
// RoundHostReader (round_hosts.h), never with SQL of their own, so a change of the
// fleet's schema changes the fleet's sources alone (docs/design.md, "Layers").
//
// Contract: read only — nothing here writes, migrates or opens a transaction; a
// caller that writes its own tables from what it reads holds its own Transaction
// around both. Each call prepares its query, runs it to the end and hands rows to
// `visit` on the caller's thread, in the order the call states; `visit` may throw
// (the statement is finalised on the way out) but must not call the same reader.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_READER_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_READER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/store/store.h"

namespace narrowscan::fleet {

// One open port of a round as a probe reported it. A missing banner or certificate
// name reads as "".
struct OpenResult {
  Ipv4 ip = 0;
  uint16_t port = 0;
  std::string service;
  std::string banner;  // raw bytes
  std::string tls_subject, tls_issuer;
  int64_t committed_at = 0;  // unix seconds the controller stored the result
};

// A host's best estimate (lowest rank): the device's names as the DB gives them
// ("" when the entry has none) and its level.
struct TopEstimate {
  Ipv4 ip = 0;
  std::string vendor, type, product, model;
  int level = 0;
};

class FleetReader {
 public:
  explicit FleetReader(Store& store) : store_(store) {}

  // Whether the store holds the fleet's results table at all (a store only `ingest`
  // and `curate` used has none). Creates nothing.
  Result<bool> HasResults();
  // The latest round with results; 0 when there is none.
  Result<int64_t> LatestResultRound();
  // The results of `round` in every state (open, closed, timeout).
  Result<int64_t> ResultCount(int64_t round);
  // Every open (ip, port) of `round`, in (ip, port) order.
  Status ForEachOpenPort(int64_t round, const std::function<void(Ipv4, uint16_t)>& visit);
  // The same with what the probe grabbed, in (ip, port) order.
  Status ForEachOpenResult(int64_t round, const std::function<void(const OpenResult&)>& visit);
  // Each plan made for `round`: the probe and the plan's summary JSON (design §5).
  Status ForEachPlanSummary(
      int64_t round,
      const std::function<void(const std::string& probe, const std::string& summary)>& visit);
  // Every estimated host's best estimate, once per host, in no stated order.
  Status ForEachTopEstimate(const std::function<void(const TopEstimate&)>& visit);

 private:
  Store& store_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_READER_H_

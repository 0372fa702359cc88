#include "controller/fleet/fleet_schema.h"

namespace narrowscan::fleet {

namespace {

// Version 1. Never edit a step once committed: append a new one.
constexpr std::string_view kStep1 = R"sql(
CREATE TABLE fleet_probes(
  id TEXT PRIMARY KEY,
  pubkey_pem TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER,
  state TEXT NOT NULL DEFAULT 'never-seen',
  status_json TEXT);
CREATE TABLE fleet_probe_regions(
  probe_id TEXT NOT NULL REFERENCES fleet_probes(id) ON DELETE CASCADE,
  first INTEGER NOT NULL, last INTEGER NOT NULL,
  PRIMARY KEY(probe_id, first));
CREATE TABLE fleet_targets(
  first INTEGER NOT NULL, last INTEGER NOT NULL, added_at INTEGER NOT NULL,
  PRIMARY KEY(first, last));
CREATE TABLE fleet_exclusions(
  id INTEGER PRIMARY KEY,
  first INTEGER NOT NULL, last INTEGER NOT NULL,
  reason TEXT NOT NULL, added_at INTEGER NOT NULL, removed_at INTEGER);
CREATE TABLE fleet_rounds(
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL,             -- planned | running | done
  started_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT);
CREATE TABLE fleet_round_probes(
  round_id INTEGER NOT NULL REFERENCES fleet_rounds(id),
  probe_id TEXT NOT NULL,
  plan_version INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  planned_narrowed INTEGER NOT NULL DEFAULT 0,
  planned_standard INTEGER NOT NULL DEFAULT 0,
  planned_discovery INTEGER NOT NULL DEFAULT 0,
  standard_equivalent INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  bytes_sent INTEGER NOT NULL DEFAULT 0,
  bytes_received INTEGER NOT NULL DEFAULT 0,
  results INTEGER NOT NULL DEFAULT 0,
  counters_seq INTEGER NOT NULL DEFAULT 0, -- seq of the batch the counters came from
  acked_seq INTEGER NOT NULL DEFAULT 0,    -- every seq <= this is committed
  done_seq INTEGER NOT NULL DEFAULT 0,     -- seq of the batch flagged done (0: none yet)
  PRIMARY KEY(round_id, probe_id));
CREATE TABLE fleet_batches(
  probe_id TEXT NOT NULL, round_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  results INTEGER NOT NULL, committed_at INTEGER NOT NULL,
  PRIMARY KEY(probe_id, round_id, seq));
CREATE TABLE fleet_results(
  round_id INTEGER NOT NULL, probe_id TEXT NOT NULL,
  ip INTEGER NOT NULL, port INTEGER NOT NULL, state INTEGER NOT NULL,
  service TEXT NOT NULL DEFAULT '', banner BLOB,
  tls_subject TEXT, tls_issuer TEXT,
  connect_us INTEGER, committed_at INTEGER NOT NULL,
  PRIMARY KEY(round_id, ip, port));
CREATE INDEX fleet_results_ip ON fleet_results(ip);
CREATE TABLE fleet_hosts(
  ip INTEGER PRIMARY KEY,
  first_round INTEGER NOT NULL,
  last_round INTEGER NOT NULL,
  obs_round INTEGER NOT NULL DEFAULT 0,   -- round of open_ports/devices
  open_ports TEXT NOT NULL DEFAULT '',    -- open ports seen in obs_round, "22,80"
  devices TEXT NOT NULL DEFAULT '',       -- matched device ids, sorted, "a,b"
  prev_open_ports TEXT,                   -- the observation of the round before (NULL: none)
  prev_devices TEXT,
  planned_round INTEGER NOT NULL DEFAULT 0,
  scanned_ports TEXT NOT NULL DEFAULT '', -- ports the plan of planned_round gave this host
  estimated_ports TEXT NOT NULL DEFAULT '',-- union of the estimated devices' ports
  deviated INTEGER NOT NULL DEFAULT 0,
  dirty INTEGER NOT NULL DEFAULT 1        -- results not yet estimated
);
CREATE INDEX fleet_hosts_dirty ON fleet_hosts(dirty) WHERE dirty = 1;
CREATE TABLE fleet_estimates(
  ip INTEGER NOT NULL, rank INTEGER NOT NULL,
  device TEXT NOT NULL, score REAL NOT NULL, banner_score REAL NOT NULL, port_score REAL NOT NULL,
  vendor TEXT, type TEXT, product TEXT, model TEXT, version TEXT,
  level INTEGER NOT NULL, round_id INTEGER NOT NULL,
  PRIMARY KEY(ip, rank));
CREATE TABLE fleet_plans(
  probe_id TEXT NOT NULL, version INTEGER NOT NULL, round_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  summary_json TEXT NOT NULL,
  chunks BLOB NOT NULL,            -- signed chunks, each prefixed by its u32 length
  PRIMARY KEY(probe_id, version));
CREATE TABLE fleet_refusals(
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, probe_id TEXT, reason TEXT NOT NULL);
CREATE TABLE fleet_audit(
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE fleet_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// Version 2. Every query on fleet_results names the round, which the primary key
// (round_id, ip, port) serves; the ip-only index was one more B-tree insert per
// result at ingest that nothing read.
constexpr std::string_view kStep2 = R"sql(
DROP INDEX IF EXISTS fleet_results_ip;
)sql";

// Version 3. Honest round metrics (design §4 "Round metrics"): the probes' attempt
// outcomes (for bytes on the wire, headers included), the planned refresh attempts
// (known hosts given the full standard set on their refresh turn) and what a
// standard-set scan of the addresses that answered before would cost (the baseline of
// responsive_reduction).
constexpr std::string_view kStep3 = R"sql(
ALTER TABLE fleet_round_probes ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_round_probes ADD COLUMN closed_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_round_probes ADD COLUMN timeout_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_round_probes ADD COLUMN planned_refresh INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_round_probes ADD COLUMN responsive_equivalent INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 4. Learned port profiles (design §4): each host's banner signature (its
// entry and open-port profile keys are its `devices` and `open_ports`) and its latest
// full standard-set observation, the silent streak that returns a vanished host to
// the silent space, what each observation scanned ('*' = the standard set, '' =
// unknown), the learned profiles, and the liveness probes of a round (ranges of silent
// addresses given only a few ports, so a host found there is known to be partly seen).
// What a round's plan gave each host moves to a narrow table of its own: planning
// rewrites it for every known host every round, and a narrow row is a fraction of the
// pages (and WAL) that rewriting the wide fleet_hosts row cost.
constexpr std::string_view kStep4 = R"sql(
ALTER TABLE fleet_hosts ADD COLUMN banner_key TEXT NOT NULL DEFAULT '';
ALTER TABLE fleet_hosts ADD COLUMN full_open_ports TEXT;      -- NULL: never fully scanned
ALTER TABLE fleet_hosts ADD COLUMN full_round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_hosts ADD COLUMN silent_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fleet_hosts ADD COLUMN obs_scanned_ports TEXT NOT NULL DEFAULT '';  -- scanned in obs_round
ALTER TABLE fleet_hosts ADD COLUMN prev_scanned_ports TEXT NOT NULL DEFAULT ''; -- and the one before
CREATE TABLE fleet_host_plans(
  ip INTEGER PRIMARY KEY,
  planned_round INTEGER NOT NULL,         -- the latest round whose plan listed the host
  scanned_ports TEXT NOT NULL);           -- the ports it gave ('*' = the standard set)
INSERT INTO fleet_host_plans(ip, planned_round, scanned_ports)
  SELECT ip, planned_round, scanned_ports FROM fleet_hosts WHERE planned_round > 0;
ALTER TABLE fleet_hosts DROP COLUMN planned_round;
ALTER TABLE fleet_hosts DROP COLUMN scanned_ports;
CREATE TABLE fleet_profiles(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,                   -- entry | banner | ports
  hosts INTEGER NOT NULL,
  support INTEGER NOT NULL,               -- hosts with a full standard-set observation
  port_counts TEXT NOT NULL,              -- "80:25,443:3": port, fully scanned hosts open
  sample_ip INTEGER NOT NULL,
  learned_round INTEGER NOT NULL,
  planned_round INTEGER NOT NULL DEFAULT 0,
  planned_hosts INTEGER NOT NULL DEFAULT 0, -- hosts narrowed through it in planned_round
  saved_attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE fleet_liveness(
  round_id INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
  ports TEXT NOT NULL,
  PRIMARY KEY(round_id, first));
)sql";

}  // namespace

Status MigrateFleetSchema(Store& store) {
  return store.Migrate("fleet", {kStep1, kStep2, kStep3, kStep4});
}

}  // namespace narrowscan::fleet

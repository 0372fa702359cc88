#include "controller/http/fleet_metrics.h"

#include "controller/fleet/probe_json.h"
#include "controller/http/metrics_text.h"

namespace narrowscan::http {

bool ProbeOnline(const fleet::ProbeRecord& p) {
  return p.last_seen > 0 && p.state != "offline" && p.state != "never-seen";
}

std::string RenderFleetMetrics(const FleetMetricsInput& in) {
  MetricsText m;
  m.Family("narrowscan_rounds_total", "Scan rounds created (requested, running or done).",
           MetricsText::kCounter);
  m.Sample(static_cast<double>(in.rounds));
  m.Family("narrowscan_round_current_id", "Id of the latest round (0: none yet).",
           MetricsText::kGauge);
  m.Sample(in.current_round ? static_cast<double>(in.current_round->id) : 0);
  m.Family("narrowscan_round_current_state",
           "State of the latest round: 1 for its state, 0 for the others.", MetricsText::kGauge);
  for (const char* state : {"requested", "running", "done"})
    m.Sample(in.current_round && in.current_round->state == state ? 1 : 0, {{"state", state}});

  m.Family("narrowscan_probe_attempts_total",
           "Connection attempts a probe reported, summed over every round.",
           MetricsText::kCounter);
  for (const fleet::ProbeTotals& p : in.stats.probes)
    m.Sample(static_cast<double>(p.attempts), {{"probe", p.probe}});
  m.Family("narrowscan_probe_results_total",
           "Results (ip, port) a probe stored, summed over every round.", MetricsText::kCounter);
  for (const fleet::ProbeTotals& p : in.stats.probes)
    m.Sample(static_cast<double>(p.results), {{"probe", p.probe}});
  m.Family("narrowscan_fleet_refusals_total",
           "Report batches refused (fleet_refusals), by probe and kind of refusal.",
           MetricsText::kCounter);
  for (const fleet::RefusalTotal& r : in.stats.refusals)
    m.Sample(static_cast<double>(r.count), {{"probe", r.probe}, {"reason", r.kind}});

  int64_t online = 0;
  for (const fleet::ProbeRecord& p : in.probes) online += ProbeOnline(p) ? 1 : 0;
  m.Family("narrowscan_probes_registered", "Registered probes.", MetricsText::kGauge);
  m.Sample(static_cast<double>(in.probes.size()));
  m.Family("narrowscan_probes_online", "Probes whose last status says they are up.",
           MetricsText::kGauge);
  m.Sample(static_cast<double>(online));
  m.Family("narrowscan_probe_online", "1 when the probe's last status says it is up.",
           MetricsText::kGauge);
  for (const fleet::ProbeRecord& p : in.probes) m.Sample(ProbeOnline(p) ? 1 : 0, {{"probe", p.id}});
  m.Family("narrowscan_probe_spool_depth",
           "Report batches waiting in the probe's spool (from its last status).",
           MetricsText::kGauge);
  for (const fleet::ProbeRecord& p : in.probes) {
    const nlohmann::json status = fleet::ProbeStatusJson(p);
    if (status.contains("spool_depth") && status["spool_depth"].is_number())
      m.Sample(status["spool_depth"].get<double>(), {{"probe", p.id}});
  }
  m.Family("narrowscan_probe_round_progress_ratio",
           "Share of its current plan the probe has done (from its last status).",
           MetricsText::kGauge);
  for (const fleet::ProbeRecord& p : in.probes) {
    const nlohmann::json status = fleet::ProbeStatusJson(p);
    if (status.contains("total") && status["total"].is_number() &&
        status["total"].get<double>() > 0 && status.contains("done") &&
        status["done"].is_number())
      m.Sample(status["done"].get<double>() / status["total"].get<double>(), {{"probe", p.id}});
  }

  const fleet::ServiceCounters& c = in.service.counters;
  m.Family("narrowscan_batches_total",
           "Report batches the service handled since it started, by outcome.",
           MetricsText::kCounter);
  m.Sample(static_cast<double>(c.batches_committed), {{"outcome", "committed"}});
  m.Sample(static_cast<double>(c.batches_duplicate), {{"outcome", "duplicate"}});
  m.Sample(static_cast<double>(c.batches_refused), {{"outcome", "refused"}});
  m.Family("narrowscan_results_committed_total", "Results committed since the service started.",
           MetricsText::kCounter);
  m.Sample(static_cast<double>(c.results_committed));
  m.Family("narrowscan_statuses_total", "Probe status messages since the service started.",
           MetricsText::kCounter);
  m.Sample(static_cast<double>(c.statuses));
  m.Family("narrowscan_hosts_estimated_total",
           "Host estimations run since the service started.", MetricsText::kCounter);
  m.Sample(static_cast<double>(c.hosts_estimated));
  m.Family("narrowscan_broker_connected", "1 while the service is connected to the broker.",
           MetricsText::kGauge);
  m.Sample(in.service.broker_connected ? 1 : 0);
  m.Family("narrowscan_last_round_planning_seconds",
           "How long planning the latest round took (since the service started).",
           MetricsText::kGauge);
  if (in.service.planned_round > 0) {
    const std::string round = std::to_string(in.service.planned_round);
    m.Sample(in.service.planning_seconds, {{"round", round}});
  }
  m.Family("narrowscan_last_round_estimation_seconds",
           "How long closing the latest round took: estimation, silent hosts, profiles.",
           MetricsText::kGauge);
  if (in.service.closed_round > 0) {
    const std::string round = std::to_string(in.service.closed_round);
    m.Sample(in.service.estimation_seconds, {{"round", round}});
  }

  m.Family("narrowscan_store_size_bytes", "Size of the store file and its write-ahead log.",
           MetricsText::kGauge);
  m.Sample(static_cast<double>(in.store_bytes));
  m.Family("narrowscan_learned_profiles", "Learned port profiles.", MetricsText::kGauge);
  m.Sample(static_cast<double>(in.stats.profiles));
  m.Family("narrowscan_hosts_answered", "Addresses that answered in some round.",
           MetricsText::kGauge);
  m.Sample(static_cast<double>(in.stats.hosts_answered));
  m.Family("narrowscan_hosts_estimated", "Addresses with a device estimate.", MetricsText::kGauge);
  m.Sample(static_cast<double>(in.stats.hosts_estimated));
  m.Family("narrowscan_hosts_by_type", "Estimated hosts by the type and vendor of their best match.",
           MetricsText::kGauge);
  for (const fleet::HostGroup& g : in.stats.hosts_by_type_vendor)
    m.Sample(static_cast<double>(g.hosts), {{"type", g.type}, {"vendor", g.vendor}});
  return m.text();
}

}  // namespace narrowscan::http

#include "controller/fleet/fleet_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/printable.h"
#include "common/wire/ack_codec.h"
#include "common/wire/exclusions_codec.h"
#include "common/wire/status_codec.h"
#include "controller/fleet/host_update.h"
#include "controller/fleet/profile_store.h"
#include "controller/fleet/round_planning.h"

namespace narrowscan::fleet {

namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string AsString(const wire::Bytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

FleetService::FleetService(const ControllerConfig& config, FleetStore& store, MqttLink& link,
                           SigningKey key, const Estimator& estimator)
    : config_(config),
      store_(store),
      link_(link),
      key_(std::move(key)),
      estimator_(estimator),
      ingest_(store, key_),
      refusals_(
          [](const std::string& line) { spdlog::warn("{}", Printable(line)); }) {}

std::string FleetService::Topic(const std::string& probe_id, const std::string& leaf) const {
  return fmt::format("{}probe/{}/{}", config_.mqtt.prefix, probe_id, leaf);
}

Status FleetService::Run(const std::atomic<bool>& stop) {
  link_.Subscribe({config_.mqtt.prefix + "probe/+/report", config_.mqtt.prefix + "probe/+/status"});
  int64_t last_advance = 0;
  while (!stop) {
    // Drain what arrived, but advance rounds at least every 200 ms under load.
    const int64_t turn_start = MonotonicNs();
    while (auto msg = link_.Receive(std::chrono::milliseconds(50))) {
      Handle(*msg);
      if (MonotonicNs() - turn_start > 200'000'000 || stop) break;
    }
    refusals_.Flush();
    if (MonotonicNs() - last_advance >= 200'000'000) {
      if (Status s = Advance(); !s.ok()) return s;
      last_advance = MonotonicNs();
      if (board_) {
        shown_.counters = counters_;
        shown_.broker_connected = link_.Connected();
        shown_.last_turn_unix = UnixNow();
        board_->Publish(shown_);
      }
    }
  }
  return Status::Ok();
}

void FleetService::Handle(const MqttMessage& m) {
  // <prefix>probe/<id>/<leaf>
  const std::string& prefix = config_.mqtt.prefix;
  if (m.topic.rfind(prefix + "probe/", 0) != 0) return;
  const std::string rest = m.topic.substr(prefix.size() + 6);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return;
  const std::string id = rest.substr(0, slash), leaf = rest.substr(slash + 1);

  if (leaf == "report") {
    const IngestOutcome out = ingest_.Ingest(id, AsBytes(m.payload));
    switch (out.kind) {
      case IngestOutcome::kRefused:
        ++counters_.batches_refused;
        refusals_.Note("refused report: " + out.reason);
        if (!out.ack) return;
        break;
      case IngestOutcome::kDuplicate:
        ++counters_.batches_duplicate;
        break;
      case IngestOutcome::kCommitted:
        ++counters_.batches_committed;
        counters_.results_committed += out.new_results;
        break;
    }
    // Ack only after the commit (or for a batch committed before).
    auto ack = wire::EncodeAck({id, out.round_id, out.acked_seq});
    if (!ack.ok()) {
      spdlog::warn("ack to {}: {}", id, ack.error());
      return;
    }
    if (Status s = link_.Publish(Topic(id, "ack"), AsString(*ack), false); !s.ok())
      spdlog::warn("ack to {}: {}", id, s.error());
  } else if (leaf == "status") {
    ++counters_.statuses;
    if (m.payload.empty()) return;  // a cleared retained status
    if (m.payload == "offline") {
      (void)store_.SetProbeStatus(id, "offline", "");
      return;
    }
    auto status = wire::DecodeStatus(AsBytes(m.payload));
    if (!status.ok() || status->probe_id != id) {
      refusals_.Note(fmt::format("refused status from {}: {}", id,
                                 status.ok() ? "names another probe" : status.error()));
      return;
    }
    const std::string state(wire::ProbeStateName(status->state));
    nlohmann::json j = {{"software", status->software_version},
                        {"state", state},
                        {"round", status->round_id},
                        {"done", status->progress_done},
                        {"total", status->progress_total},
                        {"rate", status->rate},
                        {"spool_depth", status->spool_depth},
                        {"attempts", status->counters.attempts},
                        {"bytes_sent", status->counters.bytes_sent},
                        {"refused_plans", status->refused_plans},
                        {"plan_version", status->plan_version},
                        {"timestamp", status->timestamp_ms / 1000}};
    (void)store_.SetProbeStatus(id, state, j.dump());
  }
}

Status FleetService::PublishPlan(const std::string& probe_id,
                                 const std::vector<wire::Bytes>& chunks) {
  for (size_t i = 0; i < chunks.size(); ++i)
    if (Status s =
            link_.Publish(Topic(probe_id, fmt::format("plan/{}", i)), AsString(chunks[i]), true);
        !s.ok())
      return s;
  // Clear retained chunks an older, longer plan left behind.
  const std::string key = "plan_chunks_published/" + probe_id;
  auto before = store_.Meta(key);
  const size_t old_count = before.ok() && *before ? std::stoul(**before) : 0;
  for (size_t i = chunks.size(); i < old_count; ++i)
    (void)link_.Publish(Topic(probe_id, fmt::format("plan/{}", i)), "", true);
  return store_.SetMeta(key, std::to_string(chunks.size()));
}

Status FleetService::PublishLatestPlans() {
  auto probes = store_.Probes();
  if (!probes.ok()) return Error{probes.error()};
  for (const ProbeRecord& p : *probes) {
    auto plan = LatestPlan(store_, p.id);
    if (!plan.ok()) return Error{plan.error()};
    if (*plan) {
      if (Status s = PublishPlan(p.id, (*plan)->chunks); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status FleetService::PublishExclusions() {
  const int64_t version = store_.ExclusionVersion();
  auto list = store_.Exclusions();
  if (!list.ok()) return Error{list.error()};
  wire::ExclusionList message;
  message.version = static_cast<uint64_t>(version);
  for (const ExclusionRecord& e : *list) message.entries.push_back({e.range, e.reason});
  auto bytes = wire::EncodeExclusions(message, key_);
  if (!bytes.ok()) return Error{bytes.error()};
  if (Status s = link_.Publish(config_.mqtt.prefix + "control/exclusions", AsString(*bytes), true);
      !s.ok())
    return s;
  published_exclusion_version_ = version;
  spdlog::info("published exclusion list version {} ({} entries)", version, message.entries.size());
  return Status::Ok();
}

HostUpdateOptions FleetService::UpdateOptions() const {
  HostUpdateOptions o;
  o.max_deviation = config_.max_deviation;
  o.standard_ports = config_.plan.planner.standard_ports;
  return o;
}

Status FleetService::CloseRound(int64_t round_id, const std::string& reason) {
  const int64_t begin_ns = MonotonicNs();
  auto estimated = EstimateDirtyHosts(store_, estimator_, UpdateOptions());
  if (!estimated.ok()) return Error{estimated.error()};
  counters_.hosts_estimated += *estimated;
  auto silent = MarkSilentHosts(store_, round_id);
  if (!silent.ok()) return Error{silent.error()};
  auto profiles = LearnProfiles(store_, round_id, config_.plan.planner.silent_rechecks);
  if (!profiles.ok()) return Error{profiles.error()};
  shown_.closed_round = round_id;
  shown_.estimation_seconds = static_cast<double>(MonotonicNs() - begin_ns) / 1e9;
  if (Status s = store_.EndRound(round_id, reason); !s.ok()) return s;
  (void)store_.Audit("round.end", fmt::format("round {}: {}", round_id, reason));
  spdlog::info("round {} ended ({}): {} hosts estimated, {} planned hosts silent, {} profiles",
               round_id, reason, *estimated, *silent, *profiles);
  return Status::Ok();
}

Status FleetService::Advance() {
  if (link_.Connected() && link_.ConnectCount() != seen_connects_) {
    // A (re)connect: the broker may have lost retained messages.
    bool published = true;
    for (const auto& [topic, payload] : retain_on_connect_)
      published = link_.Publish(topic, payload, true).ok() && published;
    if (published && PublishLatestPlans().ok() && PublishExclusions().ok())
      seen_connects_ = link_.ConnectCount();
  }
  if (link_.Connected() && store_.ExclusionVersion() != published_exclusion_version_)
    (void)PublishExclusions();

  auto round = store_.Round(0);
  if (!round.ok()) return Error{round.error()};
  const int64_t now = UnixNow();
  if (*round && (*round)->state == "requested") {
    const int64_t id = (*round)->id;
    const int64_t begin_ns = MonotonicNs();
    auto plans = PlanRound(store_, id, config_.plan, key_);
    if (!plans.ok()) return Error{fmt::format("planning round {}: {}", id, plans.error())};
    shown_.planned_round = id;
    shown_.planning_seconds = static_cast<double>(MonotonicNs() - begin_ns) / 1e9;
    auto st = store_.store().Prepare(
        "UPDATE fleet_rounds SET state = 'running', started_at = ?, deadline = ? WHERE id = ?");
    if (!st.ok()) return Error{st.error()};
    st->Bind(1, now).Bind(2, now + ((*round)->deadline - (*round)->started_at)).Bind(3, id);
    if (Status s = st->Run(); !s.ok()) return s;
    for (const StoredPlan& p : *plans)
      if (Status s = PublishPlan(p.probe_id, p.chunks); !s.ok())
        spdlog::warn("plan for {}: {} (republished after reconnect)", p.probe_id, s.error());
    spdlog::info("round {} started: {} probe plans", id, plans->size());
    if (plans->empty()) return CloseRound(id, "no probes");
  } else if (*round && (*round)->state == "running") {
    auto probes = store_.RoundProbes((*round)->id);
    if (!probes.ok()) return Error{probes.error()};
    bool all_done = true;
    for (const RoundProbeRecord& r : *probes) all_done = all_done && r.done;
    if (all_done) return CloseRound((*round)->id, "all probes done");
    if (now >= (*round)->deadline) return CloseRound((*round)->id, "deadline");
  } else if (config_.interval_seconds > 0 &&
             (!*round || now >= (*round)->started_at + config_.interval_seconds)) {
    auto id = store_.CreateRound(config_.deadline_seconds);
    if (!id.ok()) return Error{id.error()};
    (void)store_.Audit("round.request", fmt::format("round {} (schedule)", *id));
  }

  // Between rounds, keep estimates fresh for `report` (batches that came late). During
  // a round hosts wait for its end, so each is estimated once per round however many
  // batches its ports arrive in.
  const bool round_running = *round && (*round)->state == "running";
  if (!round_running && MonotonicNs() - last_estimate_ns_ > 5'000'000'000LL) {
    auto n = EstimateDirtyHosts(store_, estimator_, UpdateOptions());
    if (!n.ok()) return Error{n.error()};
    counters_.hosts_estimated += *n;
    last_estimate_ns_ = MonotonicNs();
  }
  return Status::Ok();
}

}  // namespace narrowscan::fleet

#include "probe/agent/probe_agent.h"

#include <fmt/format.h>

#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "common/atomic_file.h"
#include "common/printable.h"
#include "common/refusal_log.h"
#include "common/target_permutation.h"
#include "common/wire/ack_codec.h"
#include "common/wire/exclusions_codec.h"
#include "common/wire/plan_codec.h"
#include "common/wire/report_codec.h"
#include "common/wire/status_codec.h"
#include "probe/agent/plan_scope.h"
#include "probe/agent/wire_result.h"
#include "probe/engine/scan_engine.h"

namespace narrowscan {

namespace fs = std::filesystem;
using wire::Bytes;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Log(const std::string& line) { std::fprintf(stderr, "narrowscan-probe: %s\n", line.c_str()); }

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string AsString(const Bytes& b) { return std::string(b.begin(), b.end()); }

Status WriteFileAtomic(const std::string& path, const std::string& data) {
  return WriteFileAtomically(path, data);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read '{}'", path)};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What survives a restart (state_dir/state.json).
struct Checkpoint {
  uint64_t plan_version = 0;        // highest accepted plan version
  uint64_t exclusions_version = 0;  // highest accepted exclusion list version
  uint64_t round = 0, round_plan_version = 0, position = 0, next_seq = 1;
  bool done_sent = true;    // nothing to resume
  wire::Counters counters;  // of the round, up to `position`
  uint64_t refused_plans = 0;
};

nlohmann::json ToJson(const Checkpoint& c) {
  return {{"plan_version", c.plan_version},
          {"exclusions_version", c.exclusions_version},
          {"round", c.round},
          {"round_plan_version", c.round_plan_version},
          {"position", c.position},
          {"next_seq", c.next_seq},
          {"done_sent", c.done_sent},
          {"refused_plans", c.refused_plans},
          {"counters",
           {c.counters.attempts, c.counters.bytes_sent, c.counters.bytes_received, c.counters.open,
            c.counters.closed, c.counters.timeout}}};
}

Checkpoint FromJson(const nlohmann::json& j) {
  Checkpoint c;
  c.plan_version = j.value("plan_version", uint64_t{0});
  c.exclusions_version = j.value("exclusions_version", uint64_t{0});
  c.round = j.value("round", uint64_t{0});
  c.round_plan_version = j.value("round_plan_version", uint64_t{0});
  c.position = j.value("position", uint64_t{0});
  c.next_seq = j.value("next_seq", uint64_t{1});
  c.done_sent = j.value("done_sent", true);
  c.refused_plans = j.value("refused_plans", uint64_t{0});
  if (j.contains("counters") && j["counters"].is_array() && j["counters"].size() == 6) {
    const auto& a = j["counters"];
    c.counters = {a[0].get<uint64_t>(), a[1].get<uint64_t>(), a[2].get<uint64_t>(),
                  a[3].get<uint64_t>(), a[4].get<uint64_t>(), a[5].get<uint64_t>()};
  }
  return c;
}

}  // namespace

class ProbeAgent::Impl {
 public:
  Impl(ProbeConfig config, SigningKey key, VerifyingKey controller_key, MqttLink& link, Spool spool)
      : config_(std::move(config)),
        key_(std::move(key)),
        controller_key_(std::move(controller_key)),
        link_(link),
        spool_(std::move(spool)),
        timer_(io_) {}

  Status Run(const std::atomic<bool>& stop) {
    if (Status s = LoadState(); !s.ok()) return s;
    assembler_.emplace(config_.id, state_.plan_version);
    const std::string p = config_.mqtt.prefix + "probe/" + config_.id + "/";
    link_.Subscribe({p + "plan/#", p + "ack", config_.mqtt.prefix + "control/exclusions"});
    auto guard = asio::make_work_guard(io_);
    std::thread io_thread([this] { io_.run(); });
    asio::post(io_, [this] {
      ResumeIfPending();
      Tick();
    });
    while (!stop) {
      if (auto m = link_.Receive(std::chrono::milliseconds(100)))
        asio::post(io_, [this, msg = std::move(*m)] { OnMessage(msg); });
    }
    std::promise<void> stopped;
    asio::post(io_, [this, &stopped] {
      stopping_ = true;
      timer_.cancel();
      if (engine_) engine_->Stop();
      Flush();
      PublishStatus();
      stopped.set_value();
    });
    stopped.get_future().wait();
    guard.reset();
    io_.stop();
    io_thread.join();
    engines_.clear();
    return Status::Ok();
  }

 private:
  std::string StatePath() const { return config_.state_dir + "/state.json"; }
  std::string PlanDir() const { return config_.state_dir + "/plan"; }
  std::string ExclusionsPath() const { return config_.state_dir + "/exclusions.bin"; }
  std::string Topic(const std::string& leaf) const {
    return fmt::format("{}probe/{}/{}", config_.mqtt.prefix, config_.id, leaf);
  }

  Status SaveState() { return WriteFileAtomic(StatePath(), ToJson(state_).dump()); }

  Status LoadState() {
    std::error_code ec;
    fs::create_directories(PlanDir(), ec);
    if (ec) return Error{fmt::format("state_dir '{}': {}", config_.state_dir, ec.message())};
    if (fs::exists(StatePath())) {
      auto text = ReadFile(StatePath());
      if (!text.ok()) return Error{text.error()};
      auto j = nlohmann::json::parse(*text, nullptr, false);
      if (j.is_discarded()) return Error{fmt::format("'{}' is corrupt", StatePath())};
      state_ = FromJson(j);
    }
    // The controller's exclusions held before the restart apply before any connect.
    if (fs::exists(ExclusionsPath())) {
      auto bytes = ReadFile(ExclusionsPath());
      if (bytes.ok()) {
        auto list = wire::DecodeExclusions(AsBytes(*bytes), controller_key_);
        if (list.ok()) SetRemoteExclusions(*list);
      }
    }
    return Status::Ok();
  }

  RangeSet AllExclusions() const { return config_.local_exclusions.Union(remote_exclusions_); }

  void SetRemoteExclusions(const wire::ExclusionList& list) {
    std::vector<Ipv4Range> ranges;
    for (const auto& e : list.entries) ranges.push_back(e.range);
    remote_exclusions_ = RangeSet(std::move(ranges));
    if (engine_) engine_->UpdateExclusions(AllExclusions());
  }

  // ---- messages -------------------------------------------------------------------

  void OnMessage(const MqttMessage& m) {
    const std::string plan_prefix = Topic("plan/");
    if (m.topic.rfind(plan_prefix, 0) == 0) {
      if (m.payload.empty()) return;  // a cleared retained chunk
      OnPlanChunk(m.payload);
    } else if (m.topic == Topic("ack")) {
      auto ack = wire::DecodeAck(AsBytes(m.payload));
      if (!ack.ok() || ack->probe_id != config_.id) return;
      const size_t n = spool_.Ack(ack->round_id, ack->highest_seq);
      if (n > 0)
        for (auto it = sent_.begin(); it != sent_.end();)
          it = (it->first.first == ack->round_id && it->first.second <= ack->highest_seq)
                   ? sent_.erase(it)
                   : std::next(it);
    } else if (m.topic == config_.mqtt.prefix + "control/exclusions") {
      if (m.payload.empty()) return;
      auto list = wire::DecodeExclusions(AsBytes(m.payload), controller_key_);
      if (!list.ok()) {
        refusals_.Note("refused exclusion list: " + list.error());
        return;
      }
      if (list->version < state_.exclusions_version) {
        refusals_.Note(fmt::format("refused exclusion list v{}: older than v{}", list->version,
                                   state_.exclusions_version));
        return;
      }
      SetRemoteExclusions(*list);
      state_.exclusions_version = list->version;
      (void)WriteFileAtomic(ExclusionsPath(), m.payload);
      (void)SaveState();
    }
  }

  void RefusePlan(const std::string& why) {
    ++state_.refused_plans;
    (void)SaveState();
    refusals_.Note("refused plan: " + why);
  }

  void OnPlanChunk(const std::string& payload) {
    auto chunk = wire::DecodePlanChunk(AsBytes(payload), controller_key_);
    if (!chunk.ok()) return RefusePlan(chunk.error());
    if (chunk->part.probe_id != config_.id)
      return RefusePlan(fmt::format("chunk of plan v{} is bound to probe '{}'", chunk->part.version,
                                    chunk->part.probe_id));
    if (chunk->part.version < state_.plan_version)
      return RefusePlan(fmt::format("plan v{} is older than the accepted v{}", chunk->part.version,
                                    state_.plan_version));
    if (chunk->part.version == state_.plan_version) return;  // the plan we hold
    // A chunk of a plan older than the one being collected is a leftover of a replaced
    // plan (retained messages race with the new ones): the newer plan supersedes it.
    if (!pending_chunks_.empty() && chunk->part.version < pending_version_) return;
    const uint64_t version = chunk->part.version;
    const uint32_t index = chunk->index;
    auto added = assembler_->Add(std::move(*chunk));
    if (!added.ok()) {
      if (assembler_->missing() == 0) pending_chunks_.clear();  // the assembler holds none
      return RefusePlan(added.error());
    }
    // The bytes of the chunks the assembler holds, to persist the plan once complete.
    if (version != pending_version_) {
      pending_version_ = version;
      pending_chunks_.clear();
    }
    pending_chunks_[index] = payload;
    std::optional<wire::Plan>& whole = *added;
    if (!whole) return;
    const PlanCheck check = CheckPlan(*whole, config_.id, state_.plan_version);
    if (check.verdict == PlanVerdict::kRefused) return RefusePlan(check.reason);
    if (check.verdict == PlanVerdict::kCurrent) return;
    // Persist the plan before acting on it so a restart resumes the same one.
    std::error_code ec;
    fs::remove_all(PlanDir(), ec);
    fs::create_directories(PlanDir(), ec);
    for (const auto& [i, bytes] : pending_chunks_)
      (void)WriteFileAtomic(fmt::format("{}/{}.chunk", PlanDir(), i), bytes);
    pending_chunks_.clear();
    StartPlan(*whole, /*resume=*/false);
  }

  // ---- scanning -------------------------------------------------------------------

  void ResumeIfPending() {
    if (state_.done_sent || state_.round_plan_version == 0) return;
    // The saved chunks must rebuild exactly the round's plan (checked below).
    wire::PlanAssembler assembler(config_.id, state_.round_plan_version - 1);
    std::optional<wire::Plan> plan;
    for (const auto& e : fs::directory_iterator(PlanDir())) {
      auto bytes = ReadFile(e.path().string());
      if (!bytes.ok()) continue;
      auto chunk = wire::DecodePlanChunk(AsBytes(*bytes), controller_key_);
      if (!chunk.ok()) continue;
      auto whole = assembler.Add(std::move(*chunk));
      if (whole.ok() && *whole) plan = std::move(*whole);
    }
    if (!plan || plan->version != state_.round_plan_version || plan->probe_id != config_.id) {
      Log("saved plan is missing or does not verify; waiting for the controller's");
      return;
    }
    Log(fmt::format("resuming round {} (plan v{}) at position {}", state_.round, plan->version,
                    state_.position));
    StartPlan(*plan, /*resume=*/true);
  }

  void StartPlan(const wire::Plan& plan, bool resume) {
    if (engine_) {
      engine_->Stop();
      Flush();
      engines_.push_back(std::move(engine_));  // destroyed after io_context stops
    }
    if (!resume) {
      if (plan.round_id != state_.round) {
        state_.next_seq = 1;  // seq restarts only with a new round
        state_.counters = {};
      }
      state_.plan_version = plan.version;
      state_.round = plan.round_id;
      state_.round_plan_version = plan.version;
      state_.position = 0;
      state_.done_sent = false;
      (void)SaveState();
    }
    const RangeSet allowed = config_.scope.Subtract(AllExclusions());
    ClippedPlan clipped = ClipPlan(plan, allowed);
    if (clipped.dropped_addresses > 0)
      Log(
          fmt::format("plan v{}: {} planned addresses are outside the local scope or excluded; "
                      "they are not scanned",
                      plan.version, clipped.dropped_addresses));
    ScanConfig sc = config_.scan;
    sc.rate = std::min(plan.rate > 0 ? plan.rate : config_.rate_cap, config_.rate_cap);
    sc.rate_per_24 = plan.per24_rate;
    sc.seed = plan.version * 1000003ULL + plan.round_id;  // same order after a restart
    sc.start_position = state_.position;
    sc.scope = config_.scope;
    sc.exclusions = AllExclusions();
    base_counters_ = state_.counters;
    finished_ = false;
    ++generation_;
    total_pairs_ = clipped.space.Size();
    if (clipped.space.Empty()) {
      finished_ = true;
      return;
    }
    if (resume && total_pairs_ <= (uint64_t{1} << 48) &&
        state_.position > TargetPermutation(total_pairs_, sc.seed, sc.shard, sc.shards).steps()) {
      // A saved position past the end of the walk is not one this round can have: redo
      // the round rather than silently skip (or clamp) an unknown part of it.
      Log(fmt::format("state: position {} is past the end of round {}; scanning it from the start",
                      state_.position, state_.round));
      state_.position = 0;
      sc.start_position = 0;
    }
    // Callbacks of a replaced engine (still draining) must not touch the new round.
    const uint64_t generation = ++generation_;
    engine_ = std::make_unique<ScanEngine>(io_, sc, std::move(clipped.space),
                                           [this, generation](ScanResult&& r) {
                                             if (generation == generation_) OnResult(std::move(r));
                                           });
    Status s = engine_->Start([this, generation] {
      if (generation == generation_) finished_ = true;
    });
    if (!s.ok()) {
      Log("cannot start the scan: " + s.error());
      finished_ = true;
    }
    Log(fmt::format("round {} plan v{}: {} pairs, rate {}/s", plan.round_id, plan.version,
                    total_pairs_, sc.rate));
  }

  void OnResult(ScanResult&& r) {
    if (r.state != PortState::kOpen) return;  // attempts are in the counters
    buffer_.push_back(WireResultOf(std::move(r)));
  }

  wire::Counters CurrentCounters() const {
    wire::Counters c = base_counters_;
    if (engine_) {
      const ScanCounters& e = engine_->counters();
      c.attempts += e.attempts.load();
      c.bytes_sent += e.bytes_sent.load();
      c.bytes_received += e.bytes_received.load();
      c.open += e.open.load();
      c.closed += e.closed.load();
      c.timeout += e.timeout.load();
    }
    return c;
  }

  // Spools what the engine reported; the last batch of a round carries done.
  void Flush() {
    if (state_.done_sent) return;
    const bool final = finished_ && !stopping_;
    if (buffer_.empty() && !final) return;
    const uint64_t position = engine_ ? engine_->CheckpointPosition() : state_.position;
    const wire::Counters counters = CurrentCounters();
    size_t at = 0;
    do {
      wire::ReportBatch b;
      b.probe_id = config_.id;
      b.round_id = state_.round;
      b.seq = state_.next_seq;
      b.plan_version = state_.round_plan_version;
      const size_t n = std::min(config_.batch_results, buffer_.size() - at);
      b.results.assign(
          std::make_move_iterator(buffer_.begin() + static_cast<std::ptrdiff_t>(at)),
          std::make_move_iterator(buffer_.begin() + static_cast<std::ptrdiff_t>(at + n)));
      at += n;
      b.counters = counters;
      b.done = final && at == buffer_.size();
      auto bytes = wire::EncodeReport(b, key_);
      if (!bytes.ok()) {
        Log("cannot sign a report batch: " + bytes.error());
        return;
      }
      if (Status s = spool_.Put(b.round_id, b.seq, *bytes); !s.ok()) {
        Log("spool: " + s.error());
        return;  // results stay unspooled: the checkpoint does not move past them
      }
      ++state_.next_seq;
      if (b.done) state_.done_sent = true;
      Send(b.round_id, b.seq, *bytes);
    } while (at < buffer_.size());
    buffer_.clear();
    state_.position = position;
    state_.counters = counters;
    (void)SaveState();
  }

  void Send(uint64_t round, uint64_t seq, const Bytes& bytes) {
    if (!link_.Connected()) return;
    if (link_.Publish(Topic("report"), AsString(bytes), false).ok()) sent_[{round, seq}] = NowMs();
  }

  void Resend() {
    if (!link_.Connected()) return;
    if (link_.ConnectCount() != seen_connects_) {
      seen_connects_ = link_.ConnectCount();
      sent_.clear();  // a new connection: everything unacked goes again
    }
    const int64_t now = NowMs();
    int budget = 256;
    for (const auto& key : spool_.Pending()) {
      auto it = sent_.find(key);
      if (it != sent_.end() && now - it->second < config_.resend_after_ms) continue;
      auto bytes = spool_.Read(key.first, key.second);
      if (!bytes.ok()) continue;
      if (!link_.Publish(Topic("report"), AsString(*bytes), false).ok()) return;
      sent_[key] = now;
      if (--budget == 0) return;
    }
  }

  void PublishStatus() {
    if (!link_.Connected()) return;
    wire::ProbeStatus s;
    s.probe_id = config_.id;
    s.software_version = "narrowscan-probe " NARROWSCAN_AGENT_VERSION;
    s.state = state_.done_sent
                  ? wire::ProbeState::kIdle
                  : (paused_ ? wire::ProbeState::kPausedSpoolFull : wire::ProbeState::kScanning);
    s.round_id = state_.round;
    s.progress_total = total_pairs_;
    if (engine_) {
      const ScanCounters& e = engine_->counters();
      s.progress_done = std::min<uint64_t>(total_pairs_, state_.position + e.done.load());
      // Two attempts a few ns apart can measure above the wire's bound.
      s.rate = std::min(e.Read().AttemptRate(), wire::kMaxRate);
    } else if (state_.done_sent) {
      s.progress_done = total_pairs_;
    }
    s.spool_depth = spool_.Depth();
    s.counters = CurrentCounters();
    s.refused_plans = state_.refused_plans;
    s.plan_version = state_.plan_version;
    s.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto bytes = wire::EncodeStatus(s);
    if (!bytes.ok()) return Log("cannot encode the status: " + bytes.error());
    (void)link_.Publish(Topic("status"), AsString(*bytes), true);
  }

  void Tick() {
    if (stopping_) return;
    refusals_.Flush();
    Flush();
    if (engine_) {
      if (!paused_ && spool_.Full()) {
        paused_ = true;
        engine_->Pause();
        Log("spool full: scanning paused until the controller acks");
      } else if (paused_ && spool_.Drained()) {
        paused_ = false;
        engine_->Resume();
      }
    }
    Resend();
    if (NowMs() - last_status_ms_ >= config_.status_interval_ms) {
      PublishStatus();
      last_status_ms_ = NowMs();
    }
    timer_.expires_after(std::chrono::milliseconds(config_.batch_interval_ms));
    timer_.async_wait([this](const asio::error_code& ec) {
      if (!ec) Tick();
    });
  }

  ProbeConfig config_;
  SigningKey key_;
  VerifyingKey controller_key_;
  MqttLink& link_;
  Spool spool_;
  asio::io_context io_;
  asio::steady_timer timer_;

  Checkpoint state_;
  // Refused plans and exclusion lists (io thread): once per reason a minute, then counted.
  RefusalLog refusals_{[](const std::string& line) { Log(Printable(line)); }};
  RangeSet remote_exclusions_;
  std::optional<wire::PlanAssembler> assembler_;  // bound to the id and plan once loaded
  uint64_t pending_version_ = 0;
  std::map<uint32_t, std::string> pending_chunks_;
  std::unique_ptr<ScanEngine> engine_;
  std::vector<std::unique_ptr<ScanEngine>> engines_;
  std::vector<wire::PortResult> buffer_;
  wire::Counters base_counters_;
  uint64_t total_pairs_ = 0, generation_ = 0;
  bool finished_ = false, paused_ = false, stopping_ = false;
  std::map<std::pair<uint64_t, uint64_t>, int64_t> sent_;  // (round, seq) -> last publish
  uint64_t seen_connects_ = 0;
  int64_t last_status_ms_ = 0;
};

ProbeAgent::ProbeAgent(ProbeConfig config, SigningKey key, VerifyingKey controller_key,
                       MqttLink& link, Spool spool)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(key), std::move(controller_key),
                                   link, std::move(spool))) {}
ProbeAgent::~ProbeAgent() = default;
Status ProbeAgent::Run(const std::atomic<bool>& stop) { return impl_->Run(stop); }

}  // namespace narrowscan

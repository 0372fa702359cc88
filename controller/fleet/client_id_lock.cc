#include "controller/fleet/client_id_lock.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>
#include <nlohmann/json.hpp>

namespace narrowscan::fleet {

namespace {

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "?";
  return name;
}

bool PidRuns(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::string Describe(const nlohmann::json& j) {
  return fmt::format("pid {} on host '{}', store '{}', since {}", j.value("pid", 0),
                     j.value("host", std::string("?")), j.value("store", std::string("?")),
                     j.value("since", int64_t{0}));
}

}  // namespace

HolderVerdict JudgeHolder(std::string_view record, const HolderIdentity& self,
                          const std::function<bool(int)>& pid_runs) {
  if (record.empty()) return HolderVerdict::kFree;
  const auto j = nlohmann::json::parse(record, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() ||
      !j.contains("host") || !j["host"].is_string())
    return HolderVerdict::kHeld;
  if (j["host"].get<std::string>() != self.host) return HolderVerdict::kHeld;
  const int pid = j["pid"].get<int>();
  if (pid == self.pid) return HolderVerdict::kStale;  // our own, from this very process
  if (j.value("store", std::string()) == self.store) return HolderVerdict::kStale;
  return pid_runs(pid) ? HolderVerdict::kHeld : HolderVerdict::kStale;
}

Result<ClientIdLock> ClientIdLock::Acquire(const MqttConfig& mqtt, const std::string& store_path,
                                           const std::atomic<bool>& stop) {
  HolderIdentity self{static_cast<int>(::getpid()), HostName(), store_path};
  std::error_code ec;
  if (auto abs = std::filesystem::absolute(store_path, ec); !ec) self.store = abs.string();
  const std::string topic = fmt::format("{}controller/{}/holder", mqtt.prefix, mqtt.client_id);
  const std::string marker_topic =
      fmt::format("{}controller/{}/check/{}", mqtt.prefix, mqtt.client_id, self.pid);

  MqttConfig check = mqtt;
  check.client_id = fmt::format("{}.check.{}", mqtt.client_id, self.pid);
  check.persistent_session = false;
  check.will_topic.clear();
  auto link = MqttLink::Create(check);
  if (!link.ok()) return Error{link.error()};
  (*link)->Subscribe({topic, marker_topic});
  if (Status s = (*link)->Start(std::chrono::seconds(5)); !s.ok()) return Error{s.error()};

  std::string record;
  bool logged_wait = false;
  for (uint64_t n = 0;; ++n) {
    if (stop) return Error{"stopped while checking the MQTT client id"};
    if (!(*link)->Connected()) {
      if (!logged_wait) {
        spdlog::info("connecting to the broker {} to check that no other controller uses "
                     "MQTT client id '{}' (waiting for it)",
                     mqtt.uri, mqtt.client_id);
        logged_wait = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    (void)(*link)->Publish(marker_topic, std::to_string(n), false);
    bool marker_back = false;
    while (auto m = (*link)->Receive(std::chrono::milliseconds(100))) {
      if (m->topic == topic) record = m->payload;
      if (m->topic == marker_topic) {
        marker_back = true;
        break;
      }
    }
    if (marker_back) break;
  }
  (*link)->Stop();

  switch (JudgeHolder(record, self, PidRuns)) {
    case HolderVerdict::kHeld: {
      const auto j = nlohmann::json::parse(record, nullptr, false);
      return Error{fmt::format(
          "MQTT client id '{}' is in use by another controller ({}) on broker {}; one "
          "`narrowscan serve` per client id: give this one its own mqtt.client_id",
          mqtt.client_id,
          j.is_object() ? Describe(j) : fmt::format("retained record on '{}' is not a holder record", topic),
          mqtt.uri)};
    }
    case HolderVerdict::kStale:
      spdlog::info("MQTT client id '{}': the last holder is gone; taking over", mqtt.client_id);
      break;
    case HolderVerdict::kFree:
      break;
  }
  nlohmann::json holder = {{"pid", self.pid},
                           {"host", self.host},
                           {"store", self.store},
                           {"since", static_cast<int64_t>(std::time(nullptr))}};
  return ClientIdLock(topic, holder.dump());
}

void ClientIdLock::SetWillOf(MqttConfig& mqtt) const {
  mqtt.will_topic = topic_;
  mqtt.will_payload.clear();
  mqtt.will_retained = true;
}

void ClientIdLock::Release(MqttLink& link) const {
  if (link.Connected()) (void)link.Publish(topic_, "", true, std::chrono::seconds(2));
}

}  // namespace narrowscan::fleet

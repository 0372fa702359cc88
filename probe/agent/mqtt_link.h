// MqttLink: one MQTT connection (Paho C++ async client) as the probe agent and the
// controller service use it.
//
// Contract: persistent session (clean session/start off; MQTT 5 sessions never expire
// by themselves) unless `persistent_session` is off, QoS 1 everywhere, automatic reconnect with backoff (1 s .. 30 s),
// subscriptions renewed on every (re)connect, optional last will, TLS and
// username/password from the config. Incoming messages are queued and handed out by
// Receive() on the caller's thread, so all the application's state stays
// single-threaded. Publish() fails fast when disconnected: callers keep their own
// copy (spool, store) and publish again after a reconnect.
#ifndef NARROWSCAN_PROBE_AGENT_MQTT_LINK_H_
#define NARROWSCAN_PROBE_AGENT_MQTT_LINK_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace narrowscan {

struct MqttConfig {
  std::string uri = "tcp://127.0.0.1:1883";  // ssl://host:8883 for TLS
  std::string client_id;
  std::string username, password;
  int version = 4;                           // 4 = MQTT 3.1.1, 5 = MQTT 5
  std::string ca_file, cert_file, key_file;  // TLS: trust store, client cert and key
  bool tls_verify = true;
  int keepalive_seconds = 20;
  std::string prefix = "narrowscan/";  // topic prefix (design §5)
  // Last will: published by the broker when the connection drops without DISCONNECT.
  std::string will_topic, will_payload;
  bool will_retained = true;
  // false: a throwaway connection (clean session / clean start, session expiry 0), so
  // the broker keeps nothing of it after it disconnects.
  bool persistent_session = true;
};

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

class MqttLink {
 public:
  // Creates the client; no connection yet. Errors name the URI.
  static Result<std::unique_ptr<MqttLink>> Create(const MqttConfig& config);
  ~MqttLink();

  // Topics (filters) to (re)subscribe on every connect, QoS 1.
  void Subscribe(std::vector<std::string> filters);

  // Starts connecting in the background; waits up to `wait` for the first connect.
  // Returns an error only when the first attempt fails within `wait` for a reason
  // that retrying cannot fix (bad credentials, TLS setup).
  Status Start(std::chrono::milliseconds wait);
  bool Connected() const;

  // QoS 1 publish; waits up to `wait` for the broker's PUBACK when wait > 0.
  Status Publish(const std::string& topic, const std::string& payload, bool retained,
                 std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  // Next incoming message, waiting up to `wait`.
  std::optional<MqttMessage> Receive(std::chrono::milliseconds wait);

  // Sends DISCONNECT (no last will) and stops reconnecting.
  void Stop();

  // Number of (re)connects so far; callers republish retained state when it changes.
  uint64_t ConnectCount() const;

 private:
  struct Impl;
  explicit MqttLink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_MQTT_LINK_H_

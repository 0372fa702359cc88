#include "probe/agent/mqtt_link.h"

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace narrowscan {

struct MqttLink::Impl : public virtual mqtt::callback {
  MqttConfig config;
  std::unique_ptr<mqtt::async_client> client;
  mqtt::connect_options options;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<MqttMessage> inbox;
  std::vector<std::string> filters;
  std::atomic<uint64_t> connects{0};
  std::atomic<bool> is_connected{false};
  std::string last_error;

  void connected_cb() {
    std::vector<std::string> topics;
    {
      std::lock_guard lock(mu);
      topics = filters;
    }
    for (const std::string& t : topics) {
      try {
        client->subscribe(t, 1);
      } catch (const mqtt::exception&) {
        // Reconnect will retry the subscription.
      }
    }
    is_connected = true;
    ++connects;
    cv.notify_all();
  }
  void connected(const std::string&) override { connected_cb(); }
  void connection_lost(const std::string&) override { is_connected = false; }
  void message_arrived(mqtt::const_message_ptr msg) override {
    std::lock_guard lock(mu);
    inbox.push_back({msg->get_topic(), msg->get_payload_str(), msg->is_retained()});
    cv.notify_all();
  }
  void delivery_complete(mqtt::delivery_token_ptr) override {}
};

MqttLink::MqttLink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MqttLink::~MqttLink() { Stop(); }

Result<std::unique_ptr<MqttLink>> MqttLink::Create(const MqttConfig& config) {
  if (config.version != 4 && config.version != 5)
    return Error{
        fmt::format("mqtt version {} is not supported (4 = 3.1.1, 5 = 5)", config.version)};
  if (config.client_id.empty()) return Error{"mqtt client id is empty"};
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  try {
    mqtt::create_options create(config.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    impl->client =
        std::make_unique<mqtt::async_client>(config.uri, config.client_id, create, nullptr);
  } catch (const std::exception& e) {
    return Error{fmt::format("mqtt '{}': {}", config.uri, e.what())};
  }
  mqtt::connect_options_builder builder;
  if (config.version == 5) builder.mqtt_version(MQTTVERSION_5);
  builder.keep_alive_interval(std::chrono::seconds(config.keepalive_seconds))
      .connect_timeout(std::chrono::seconds(5))
      .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(30))
      .max_inflight(256);
  // Session expiry 0xFFFFFFFF (Paho takes it as int32 -1): the broker keeps the
  // session until we come back. Set on the final options below, not on the builder.
  mqtt::properties props;
  if (config.version == 5) {
    builder.clean_start(!config.persistent_session);
    if (config.persistent_session)
      props.add(mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, int32_t{-1}));
  } else {
    builder.clean_session(!config.persistent_session);
  }
  if (!config.username.empty()) builder.user_name(config.username);
  if (!config.password.empty()) builder.password(config.password);
  if (!config.will_topic.empty())
    builder.will(mqtt::message(config.will_topic, config.will_payload, 1, config.will_retained));
  if (config.uri.rfind("ssl://", 0) == 0 || config.uri.rfind("mqtts://", 0) == 0 ||
      !config.ca_file.empty()) {
    mqtt::ssl_options ssl;
    if (!config.ca_file.empty()) ssl.set_trust_store(config.ca_file);
    if (!config.cert_file.empty()) ssl.set_key_store(config.cert_file);
    if (!config.key_file.empty()) ssl.set_private_key(config.key_file);
    ssl.set_enable_server_cert_auth(config.tls_verify);
    ssl.set_verify(config.tls_verify);
    builder.ssl(std::move(ssl));
  }
  impl->options = builder.finalize();
  // Paho C++ 1.2.0 copies connect_options without re-pointing the C struct's
  // connectProperties at the copy's own properties (upstream issue 444), so properties
  // given to the builder dangle after the copy above; armhf crashed on it in connect.
  if (config.version == 5) impl->options.set_properties(props);
  impl->client->set_callback(*impl);
  return std::unique_ptr<MqttLink>(new MqttLink(std::move(impl)));
}

void MqttLink::Subscribe(std::vector<std::string> filters) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->filters = filters;
  }
  if (impl_->is_connected) {
    for (const std::string& t : filters) {
      try {
        impl_->client->subscribe(t, 1);
      } catch (const mqtt::exception&) {
      }
    }
  }
}

Status MqttLink::Start(std::chrono::milliseconds wait) {
  try {
    // With automatic reconnect, a failed first attempt keeps retrying in the
    // background; the token only tells us about the first attempt.
    auto token = impl_->client->connect(impl_->options);
    if (!token->wait_for(wait)) return Status::Ok();  // still trying
  } catch (const mqtt::exception& e) {
    const int rc = e.get_reason_code();
    // Not authorized / bad credentials cannot be fixed by retrying.
    if (rc == 4 || rc == 5 || rc == 0x86 || rc == 0x87)
      return Error{fmt::format("mqtt '{}': connection refused: {}", impl_->config.uri, e.what())};
    // Anything else (broker not up yet): Paho's automatic reconnect keeps retrying a
    // failed first connect with its own backoff (tests/fleet starts the broker last to
    // check it). No connect() of ours on top: it would race Paho's retry on the same
    // client and could outlive this link.
    return Status::Ok();
  }
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, wait, [&] { return impl_->is_connected.load(); });
  return Status::Ok();
}

bool MqttLink::Connected() const { return impl_->is_connected && impl_->client->is_connected(); }
uint64_t MqttLink::ConnectCount() const { return impl_->connects; }

Status MqttLink::Publish(const std::string& topic, const std::string& payload, bool retained,
                         std::chrono::milliseconds wait) {
  if (!Connected()) return Error{fmt::format("publish to '{}': not connected", topic)};
  try {
    auto msg = mqtt::make_message(topic, payload, 1, retained);
    auto token = impl_->client->publish(msg);
    if (wait.count() > 0 && !token->wait_for(wait))
      return Error{fmt::format("publish to '{}': no PUBACK within {} ms", topic, wait.count())};
  } catch (const mqtt::exception& e) {
    return Error{fmt::format("publish to '{}': {}", topic, e.what())};
  }
  return Status::Ok();
}

std::optional<MqttMessage> MqttLink::Receive(std::chrono::milliseconds wait) {
  std::unique_lock lock(impl_->mu);
  if (!impl_->cv.wait_for(lock, wait, [&] { return !impl_->inbox.empty(); })) return std::nullopt;
  MqttMessage m = std::move(impl_->inbox.front());
  impl_->inbox.pop_front();
  return m;
}

void MqttLink::Stop() {
  if (!impl_ || !impl_->client) return;
  try {
    if (impl_->client->is_connected())
      impl_->client->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
  impl_->is_connected = false;
}

}  // namespace narrowscan

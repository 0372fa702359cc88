// broker-check: connects to an MQTT broker by URI through the same static Paho build
// as the probe, publishes one QoS 1 message and disconnects.
//
// cross/test runs it as an ARM binary under qemu-user to show that a static probe
// resolves the broker's host name (glibc's built-in "files" and "dns" sources, no
// NSS modules) and, in the TLS variant, verifies the broker's certificate.
//
//   broker-check URI TOPIC [CA_FILE]     exit 0 delivered, 1 failed, 2 bad usage
#include <mqtt/async_client.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: broker-check URI TOPIC [CA_FILE]\n");
    return 2;
  }
  const std::string uri = argv[1];
  const std::string topic = argv[2];
  try {
    mqtt::async_client client(uri, "narrowscan-broker-check",
                              mqtt::create_options(MQTTVERSION_3_1_1));
    auto options = mqtt::connect_options_builder().clean_session(true).connect_timeout(
        std::chrono::seconds(10));
    if (argc == 4) {
      // The broker's certificate must chain to CA_FILE and name the host of URI.
      options.ssl(mqtt::ssl_options_builder()
                      .trust_store(argv[3])
                      .enable_server_cert_auth(true)
                      .verify(true)
                      .finalize());
    }
    client.connect(options.finalize())->wait();
    client.publish(topic, std::string("reached ") + uri, 1, false)->wait();
    client.disconnect()->wait();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "broker-check: %s: %s\n", uri.c_str(), e.what());
    return 1;
  }
  std::printf("broker-check: delivered to %s\n", uri.c_str());
  return 0;
}

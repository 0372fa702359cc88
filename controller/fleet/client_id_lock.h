// ClientIdLock: one controller per MQTT client id on a broker (design §6).
//
// Two controllers with one client id (two stores, one copied config) would take the
// broker session from each other on every reconnect. So the controller holding an id
// keeps a retained holder record on `<prefix>controller/<client id>/holder`
// ({"pid","host","store","since"}): published on every (re)connect, cleared by the
// connection's last will when it drops and by Release() when it stops.
//
// Acquire() reads that topic before the id is used, through a throwaway connection of
// another client id (`<id>.check.<pid>`, clean session: it takes nobody's session and
// leaves nothing on the broker), waiting for the broker as long as it takes unless
// `stop` is set. The read is exact, not timed: the checker subscribes to the record
// and then to a marker topic of its own, and publishes markers until one comes back;
// the broker sends a subscription's retained message before anything published after
// the subscription, so once a marker is back the record, if any, has arrived.
//
// JudgeHolder() (pure) decides on the record: none or empty is free; one of this host
// whose pid no longer runs, or of this host and this store (the store's flock, which
// the caller holds by then, proves its writer gone), is stale and taken over; any
// other record means the id is held, and Acquire() fails naming the holder.
#ifndef NARROWSCAN_CONTROLLER_FLEET_CLIENT_ID_LOCK_H_
#define NARROWSCAN_CONTROLLER_FLEET_CLIENT_ID_LOCK_H_

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "probe/agent/mqtt_link.h"

namespace narrowscan::fleet {

struct HolderIdentity {
  int pid = 0;
  std::string host, store;  // store: absolute path
};

enum class HolderVerdict { kFree, kStale, kHeld };

// `record`: the retained payload ("" when none). `pid_runs` tells whether a pid of this
// host is a running process. A record that is not the JSON Acquire() writes is held:
// something else uses the topic, and taking it over could break it.
HolderVerdict JudgeHolder(std::string_view record, const HolderIdentity& self,
                          const std::function<bool(int)>& pid_runs);

class ClientIdLock {
 public:
  // `mqtt`: the controller's connection settings (uri, credentials, TLS, prefix, id).
  // Fails when another controller holds the id, or when the checker cannot connect for
  // a reason retrying cannot fix; returns early with an error when `stop` is set.
  static Result<ClientIdLock> Acquire(const MqttConfig& mqtt, const std::string& store_path,
                                      const std::atomic<bool>& stop);

  // The holder record and its topic: publish retained on every (re)connect, and set
  // the connection's last will to an empty retained message on the topic.
  const std::string& topic() const { return topic_; }
  const std::string& record() const { return record_; }
  void SetWillOf(MqttConfig& mqtt) const;

  // Clears the record (empty retained message) before the controller disconnects.
  void Release(MqttLink& link) const;

 private:
  ClientIdLock(std::string topic, std::string record)
      : topic_(std::move(topic)), record_(std::move(record)) {}
  std::string topic_, record_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_CLIENT_ID_LOCK_H_

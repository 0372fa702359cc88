// CheckMqttUri: is a broker URI one the MQTT client can connect to?
//
// Accepted: SCHEME://HOST[:PORT][/PATH] with SCHEME tcp | mqtt | ssl | mqtts | ws | wss,
// HOST a name, an IPv4 address or a [bracketed] IPv6 address, PORT 1..65535, a path
// only for ws/wss. Refused, with the reason: anything else, and credentials in the URI
// (user:password@host) — they would end up in every log line that names the broker;
// they belong in [mqtt] username / password_file. Errors quote the URI with any
// user-info replaced by "***". Pure.
#ifndef NARROWSCAN_COMMON_MQTT_URI_H_
#define NARROWSCAN_COMMON_MQTT_URI_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

Status CheckMqttUri(std::string_view uri);

// `uri` with the user-info part (before '@' in the authority) replaced by "***".
std::string MaskMqttUri(std::string_view uri);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_MQTT_URI_H_

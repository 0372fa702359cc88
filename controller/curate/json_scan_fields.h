// Readers for the fields the JSON scan formats share (ip, port, time, banner, tls).
// Each returns an error that names the key and what is wrong with its value.
#ifndef NARROWSCAN_CONTROLLER_CURATE_JSON_SCAN_FIELDS_H_
#define NARROWSCAN_CONTROLLER_CURATE_JSON_SCAN_FIELDS_H_

#include <nlohmann/json.hpp>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

Result<Ipv4> JsonIp(const nlohmann::json& object);  // "ip": "a.b.c.d"
Result<uint16_t> JsonPort(const nlohmann::json& object, const char* key = "port");
// First of "timestamp", "time", "seen" as unix seconds (number or decimal string); 0 if absent.
Result<int64_t> JsonSeen(const nlohmann::json& object);
// Fills service, banner ("banner" or "banner_b64"), tls subject/issuer and has_banner
// (true when a banner or certificate name is present and not empty).
Status JsonBanner(const nlohmann::json& object, ScanRecord* record);

// masscan writes every byte outside printable ASCII as \u00XX, so a decoded string
// whose code points are all <= U+00FF stands for those bytes: map it back to them.
// Text with higher code points is real UTF-8 and is returned unchanged.
std::string Latin1BytesOf(const std::string& utf8);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_JSON_SCAN_FIELDS_H_

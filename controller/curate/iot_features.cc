#include "controller/curate/iot_features.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>

namespace narrowscan {

namespace {

constexpr std::string_view kNames[kFeatureCount] = {
    "embedded-server", "auth-realm",       "device-word",    "vendor-word",
    "telnet",          "device-port",      "web-ports-only", "no-server-header",
    "generic-server",  "self-signed-cert", "hosting-words",  "dropbear"};

RE2::Options Latin1() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

struct Patterns {
  RE2 embedded{
      R"((?i)(?:\bServer:[^\r\n]*\b(?:GoAhead|Boa|RomPager|mini_httpd|micro_httpd|uhttpd|lighttpd|thttpd|Allegro|Virata-EmWeb|EmWeb|Hikvision-Webs|DNVRS-Webs|DVRDVS-Webs|App-webs|Webs|uc-httpd|JAWS|Cross Web Server|NetBox|Embedthis|Mbedthis|Appweb|httpd|IPCamera|Camera Web Server|Router Webserver|WebServer|ZyXEL|Linux/[0-9.]+ UPnP)\b|\AServer: [^\r\n]*UPnP))",
      Latin1()};
  RE2 realm{R"((?mi)^WWW-Authenticate:)", Latin1()};
  RE2 device{
      R"((?i)\b(?:camera|ip ?cam|webcam|network video|nvr|dvr|router|gateway|modem|onu|ont|nas|diskstation|printer|laserjet|officejet|mfp|access point|wireless|wlan|switch|firewall|utm|ups|plc|scada|hmi|voip|ip phone|sip|set-?top|media ?server|smart|thermostat|doorbell|intercom|web ?viewer|surveillance|broadband|adsl|vdsl|gpon|cpe)\b)",
      Latin1()};
  RE2 vendor{
      R"((?i)\b(?:hikvision|dahua|axis|avtech|foscam|vivotek|geovision|reolink|amcrest|uniview|hanwha|panasonic|sony|canon|epson|brother|ricoh|sharp|kyocera|xerox|lexmark|konica|fuji ?xerox|aterm|nec|buffalo|i-o data|iodata|yamaha|planex|elecom|logitec|corega|synology|qnap|zyxel|tp-?link|d-?link|netgear|linksys|asus|mikrotik|routeros|ubiquiti|unifi|huawei|zte|fortinet|fortigate|sonicwall|juniper|allied telesis|omron|mitsubishi|siemens|schneider|moxa|ruckus|aruba|tenda|mercusys|arcadyan|sercomm|technicolor|sagemcom|fritz!?box|avm|hp|jetdirect|seiko|apc|eaton|cisco)\b)",
      Latin1()};
  RE2 generic_server{
      R"((?i)(?:\bServer:[ \t]*(?:Apache|nginx|Microsoft-IIS|Jetty|Tomcat|openresty|LiteSpeed|cloudflare|Caddy|gunicorn|Werkzeug|Kestrel)|X-Powered-By:[ \t]*(?:PHP|ASP\.NET|Express)))",
      Latin1()};
  RE2 hosting{
      R"((?i)\b(?:hosting|wordpress|wp-content|joomla|drupal|mail|smtp|cdn|cloud|domain|parked|shop|blog)\b)",
      Latin1()};
  RE2 http{R"(\AHTTP/[0-9.]+ [0-9]{3})", Latin1()};
  RE2 server_header{R"((?mi)^Server:)", Latin1()};
  RE2 dropbear{R"((?i)\ASSH-[0-9.]+-dropbear)", Latin1()};
};

const Patterns& P() {
  static const Patterns* p = new Patterns();
  return *p;
}

bool IsDevicePort(uint16_t p) {
  static constexpr uint16_t kPorts[] = {23,    554,  1900, 2323, 5000,  7547,  8000,
                                        8291,  8554, 8899, 9000, 9100,  34567, 37777,
                                        49152, 515,  631,  502,  47808, 20000, 4567};
  return std::find(std::begin(kPorts), std::end(kPorts), p) != std::end(kPorts);
}

}  // namespace

IotFeatureSet ExtractIotFeatures(const NormalizedBanner& b, const std::vector<uint16_t>& ports) {
  const Patterns& p = P();
  IotFeatureSet f = 0;
  auto set = [&f](IotFeature x) { f |= IotFeatureSet{1} << x; };
  std::string text = b.banner + "\n" + b.tls_subject + "\n" + b.tls_issuer;
  if (RE2::PartialMatch(b.banner, p.embedded)) set(kEmbeddedServer);
  if (RE2::PartialMatch(b.banner, p.realm)) set(kAuthRealm);
  if (RE2::PartialMatch(text, p.device)) set(kDeviceWord);
  if (RE2::PartialMatch(text, p.vendor)) set(kVendorWord);
  if (b.service == "telnet" || std::find(ports.begin(), ports.end(), uint16_t{23}) != ports.end())
    set(kTelnet);
  if (std::any_of(ports.begin(), ports.end(), IsDevicePort)) set(kDevicePort);
  if (!ports.empty() && std::all_of(ports.begin(), ports.end(), [](uint16_t x) {
        return x == 80 || x == 443 || x == 8080 || x == 8443;
      }))
    set(kWebPortsOnly);
  if (RE2::PartialMatch(b.banner, p.http) && !RE2::PartialMatch(b.banner, p.server_header))
    set(kNoServerHeader);
  if (RE2::PartialMatch(b.banner, p.generic_server)) set(kGenericServer);
  if (!b.tls_subject.empty() && b.tls_subject == b.tls_issuer) set(kSelfSignedCert);
  if (RE2::PartialMatch(text, p.hosting)) set(kHostingWords);
  if (RE2::PartialMatch(b.banner, p.dropbear)) set(kDropbear);
  return f;
}

std::string_view IotFeatureName(int feature) {
  return feature >= 0 && feature < kFeatureCount ? kNames[feature] : "?";
}

std::string FormatIotFeatures(IotFeatureSet features) {
  std::string out;
  for (int i = 0; i < kFeatureCount; ++i) {
    if (!(features >> i & 1)) continue;
    if (!out.empty()) out += ',';
    out += kNames[i];
  }
  return out;
}

IotFeatureSet ParseIotFeatures(std::string_view text) {
  IotFeatureSet f = 0;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    for (int i = 0; i < kFeatureCount; ++i)
      if (kNames[i] == name) f |= IotFeatureSet{1} << i;
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return f;
}

}  // namespace narrowscan

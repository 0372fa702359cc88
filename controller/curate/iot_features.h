// The features the IoT-likelihood score is computed from: what a reviewer looks at
// to tell a device from a generic server (embedded web servers, authentication
// realms, device and vendor words, port profiles, self-signed certificates, …).
// Pure. Feature names are stable: decisions store them to train the score.
#ifndef NARROWSCAN_CONTROLLER_CURATE_IOT_FEATURES_H_
#define NARROWSCAN_CONTROLLER_CURATE_IOT_FEATURES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "controller/curate/cluster_aggregator.h"

namespace narrowscan {

enum IotFeature : int {
  kEmbeddedServer = 0,  // GoAhead, Boa, RomPager, mini_httpd, uhttpd, lighttpd, …
  kAuthRealm,           // WWW-Authenticate present
  kDeviceWord,          // camera, router, NVR, printer, NAS, ONU, …
  kVendorWord,          // vendors of network devices
  kTelnet,              // telnet service or port 23
  kDevicePort,          // RTSP, TR-069, DVR and printer ports, UPnP, …
  kWebPortsOnly,        // ports only among 80/443/8080/8443
  kNoServerHeader,      // an HTTP reply without Server header
  kGenericServer,       // Apache, nginx, IIS, Jetty, PHP, …
  kSelfSignedCert,      // subject == issuer
  kHostingWords,        // hosting, mail, WordPress, CDN, cloud words
  kDropbear,            // Dropbear SSH (embedded Linux)
  kFeatureCount
};

using IotFeatureSet = uint32_t;  // bit f set when feature f is present

IotFeatureSet ExtractIotFeatures(const NormalizedBanner& banner,
                                 const std::vector<uint16_t>& ports);
std::string_view IotFeatureName(int feature);
// "embedded-server,auth-realm"; unknown names in Parse are ignored (older stores).
std::string FormatIotFeatures(IotFeatureSet features);
IotFeatureSet ParseIotFeatures(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_IOT_FEATURES_H_

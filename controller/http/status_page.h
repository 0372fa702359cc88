// StatusPage: the page `narrowscan serve --http` serves at `/` — one HTML document with
// its CSS and JavaScript inline (no other asset, no CDN), embedded in the binary at
// build time from status_page.html. It polls the JSON API (api_json.h) every two
// seconds and redraws in place: probes with their live round progress, rounds with
// attempts, reduction and results, hosts by type and vendor, and a host lookup.
#ifndef NARROWSCAN_CONTROLLER_HTTP_STATUS_PAGE_H_
#define NARROWSCAN_CONTROLLER_HTTP_STATUS_PAGE_H_

#include <string_view>

namespace narrowscan::http {

std::string_view StatusPageHtml();

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_STATUS_PAGE_H_

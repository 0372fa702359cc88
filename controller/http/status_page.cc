#include "controller/http/status_page.h"

namespace narrowscan::http {

namespace {
#include "controller/http/status_page.inc"
}  // namespace

std::string_view StatusPageHtml() { return kStatusPageHtml; }

}  // namespace narrowscan::http

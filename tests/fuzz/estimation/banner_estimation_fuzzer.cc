// Field extraction + estimation on arbitrary bytes. Input: byte 0 picks the service
// hint, bytes 1-2 the port, the rest is the banner (and, after a NUL, a TLS subject).
// Every entry's banner score must equal the one from running each keyword's own regex
// on its field (the prefilter and the sets only save work).
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "controller/estimation/banner_fields.h"
#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/hosts_jsonl.h"

namespace narrowscan {
namespace {

// Keywords on every field, with captures and templates, so the fuzzer reaches the
// capture and resolution code as well as the sets.
constexpr char kDb[] = R"(
[[device]]
id = "web"
vendor = "V{1}"
attributes = { a = "{name}" }
[[device.keyword]]
field = "http.server"
regex = '^(\w+)/(?P<version>[\d.]+)'
weight = 0.5
[[device.keyword]]
field = "http.title"
regex = '(?i)(?P<name>router|camera)'
weight = 0.5
[[device]]
id = "many"
model = "{model}"
[[device.keyword]]
field = "http.realm"
regex = '(?P<model>[A-Z]+\d+)'
weight = 0.2
[[device.keyword]]
field = "http.header.x-powered-by"
regex = 'PHP'
weight = 0.2
[[device.keyword]]
field = "http.body"
regex = 'login'
weight = 0.2
[[device.keyword]]
field = "http.status"
regex = '^HTTP/1\.[01] 401'
weight = 0.2
[[device.keyword]]
regex = '\xff\xfb.'
weight = 0.2
[[device]]
id = "text"
[[device.keyword]]
field = "ssh.banner"
regex = 'dropbear_(?P<version>.*)'
weight = 0.2
[[device.keyword]]
field = "ftp.banner"
regex = '(?s)ready.*'
weight = 0.2
[[device.keyword]]
field = "telnet.banner"
regex = '(?m)^login:'
weight = 0.2
[[device.keyword]]
field = "smtp.banner"
regex = 'ESMTP'
weight = 0.1
[[device.keyword]]
field = "pop3.banner"
regex = 'POP'
weight = 0.1
[[device.keyword]]
field = "imap.banner"
regex = 'IMAP'
weight = 0.1
[[device.keyword]]
field = "rtsp.server"
regex = 'RTSP'
weight = 0.05
[[device.keyword]]
field = "tls.subject"
regex = 'CN=(?P<cn>[^,]*)'
weight = 0.05
)";

const Estimator& TheEstimator() {
  static const Estimator* e = [] {
    DeviceDbLoader loader;
    if (!loader.AddText(kDb, "fuzz.toml").ok()) std::abort();
    auto created = Estimator::Create(loader.TakeDb(), {.alpha = 0.9, .threshold = 0.1});
    if (!created.ok()) std::abort();
    return new Estimator(std::move(created.value()));
  }();
  return *e;
}

}  // namespace
}  // namespace narrowscan

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narrowscan;
  if (size < 3) return 0;
  static const char* const kServices[] = {"",       "http", "tls",  "ssh",  "ftp",
                                          "telnet", "smtp", "pop3", "imap", "rtsp"};
  Host host;
  host.ip = "127.0.0.1";
  BannerRecord record;
  record.service = kServices[data[0] % std::size(kServices)];
  record.port = static_cast<uint16_t>(data[1] | (data[2] << 8));
  std::string rest(reinterpret_cast<const char*>(data + 3), size - 3);
  if (size_t nul = rest.find('\0'); nul != std::string::npos && (data[0] & 0x80)) {
    record.tls_subject = rest.substr(nul + 1);
    rest.resize(nul);
  }
  record.banner = rest;
  host.open_ports.push_back(80);
  host.banners.push_back(record);

  BannerFields fields;
  fields.Extract(host.banners[0]);
  for (size_t i = 0; i < kFieldIdCount; ++i) {
    if (const std::string_view* v = fields.Get(static_cast<FieldId>(i))) {
      // Every view must stay inside its storage (ASan checks the read).
      volatile char sink = v->empty() ? 0 : (*v)[v->size() - 1];
      (void)sink;
    }
  }
  const Estimator& estimator = TheEstimator();
  for (size_t e = 0; e < estimator.db().entries.size(); ++e) {
    double naive = 0;
    for (const Keyword& k : estimator.db().entries[e].keywords) {
      bool hit = false;
      if (k.field.rfind("http.header.", 0) == 0) {
        const std::string_view name = std::string_view(k.field).substr(12);
        for (const BannerFields::Header& h : fields.headers()) {
          bool same = h.name.size() == name.size();
          for (size_t i = 0; i < name.size() && same; ++i) {
            same = (h.name[i] >= 'A' && h.name[i] <= 'Z' ? h.name[i] + 32 : h.name[i]) == name[i];
          }
          hit = hit || (same && re2::RE2::PartialMatch(h.value, *k.compiled));
        }
      } else if (const auto value = fields.Find(k.field)) {
        hit = re2::RE2::PartialMatch(*value, *k.compiled);
      }
      if (hit) naive += k.weight;
    }
    if (estimator.Evaluate(host, e).banner_score != naive) std::abort();
  }
  const auto matches = estimator.Estimate(host);
  const std::string line = FormatEstimateLine(host.ip, matches);
  if (line.empty()) std::abort();
  return 0;
}

// PopulationSpec: what a testbed population file (TOML) declares — device profiles
// with their label, ports and reply templates, how many hosts of each, and the address
// ranges they are placed in. Format: tests/testbed/README.md.
//
// Loading validates everything (unknown keys, bad templates, ranges outside
// 127.0.0.0/8, a TLS port without a certificate name, …) and names FILE:LINE.
#ifndef NARROWSCAN_TESTS_TESTBED_POPULATION_SPEC_H_
#define NARROWSCAN_TESTS_TESTBED_POPULATION_SPEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "tests/testbed/response_template.h"

namespace narrowscan::testbed {

// What a listener speaks. Server-first kinds send `greeting` on connect; the others
// wait for a request first.
enum class Protocol : uint8_t {
  kHttp,
  kHttps,
  kRtsp,
  kSsh,
  kFtp,
  kTelnet,
  kSmtp,
  kPop3,
  kImap,
  kBanner,
  kOpen
};

bool IsServerFirst(Protocol p);
// The service name a grabber reports (hosts JSONL `service`): "http", "tls", "rtsp", …
const char* ServiceName(Protocol p);

struct PortSpec {
  uint16_t port = 0;
  Protocol protocol = Protocol::kOpen;
  bool open = true;  // false: closed at start; a host change may open it
  // Client-first (http/https/rtsp): status line, headers (one template each), body.
  ResponseTemplate status;
  std::vector<ResponseTemplate> headers;
  ResponseTemplate body;
  // Server-first: sent on connect; `reply` answers each line the client sends.
  ResponseTemplate greeting;
  ResponseTemplate reply;
};

struct Label {
  std::string vendor, type, product, model, firmware;
};

struct Profile {
  std::string id;
  Label label;
  std::vector<std::string> firmware_updates;  // successive firmware a change moves to
  bool noise = false;                         // not IoT: web hosting, mail, bare FTP
  uint64_t count = 0;
  std::string oui;                      // "00:0D:02": MAC prefix for ${mac}
  std::string tls_subject, tls_issuer;  // RFC 4514; issuer empty = self-signed
  std::vector<PortSpec> ports;          // sorted by port, unique
  int line = 0;                         // where the profile starts, for errors
};

// Churn per change round (`churn` command), as fractions of the current host count:
// hosts that move to another free address, vanish, and new hosts that appear.
struct ChurnMix {
  double move = 0, vanish = 0, appear = 0;  // each in [0, 1]
};

struct PopulationSpec {
  std::string name;
  std::string source;             // the file it was loaded from
  std::vector<Ipv4Range> ranges;  // hosts are placed here; the rest is silent space
  std::vector<Ipv4Range> silent;  // extra in-scope space with nobody home
  uint64_t seed = 1;
  uint64_t change_count = 1;  // hosts changed per SIGUSR1 / `change`
  ChurnMix churn;             // [population] churn = { move, vanish, appear }
  std::vector<Profile> profiles;
};

Result<PopulationSpec> LoadPopulationSpec(const std::string& path);
Result<PopulationSpec> ParsePopulationSpec(std::string_view toml_text, const std::string& source);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_POPULATION_SPEC_H_

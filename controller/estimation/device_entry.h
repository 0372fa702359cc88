// A device entry of the device DB (docs/device-db.md) after loading: what the loader
// produces, the estimator consumes and the importers write back out.
//
// Values (vendor, product, model, version, attribute values) may be templates:
// `{N}` or `{name}` stands for capture group N or group `name` of the entry's
// keywords (see value_template.h). A plain value is a template without braces.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_ENTRY_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_ENTRY_H_

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

struct Keyword {
  std::string field = "raw";  // a name accepted by IsKnownField()
  std::string regex;          // RE2 syntax, compiled with KeywordRegexOptions()
  double weight = 0;          // > 0
  int line = 0;               // 1-based line in the source file, 0 when not from a file
  // Set by the loader; shared so copies of an entry share one compiled program.
  std::shared_ptr<const re2::RE2> compiled;
};

// An example the entry must (or, for a negative one, must not) match.
struct DeviceExample {
  std::optional<uint16_t> port;
  std::string service;
  // The banner bytes; or, when `field` is set, the value of that one field as given.
  std::string banner;
  std::string field;
  std::optional<std::string> tls_subject;
  std::optional<std::string> tls_issuer;
  // name → expected value. Names: vendor, product, model, version, type, level, or an
  // extra attribute; level is compared as its decimal text.
  std::map<std::string, std::string> expect;
  bool expect_match = true;
  int line = 0;
};

struct DeviceEntry {
  std::string id;
  std::string vendor, product, model, version, type;  // templates; type is fixed
  std::string description;
  std::vector<uint16_t> ports;  // sorted, unique
  std::vector<Keyword> keywords;
  std::vector<DeviceExample> examples;
  // Extra attributes (name → template), e.g. "os.family" = "Linux", "cpe" = "…".
  std::map<std::string, std::string> attributes;
  std::string file;  // source file, "" when built in memory
  int line = 0;      // line of the [[device]] header
};

// The DB: entries in DB order (file-name order, then order inside each file).
struct DeviceDb {
  std::vector<DeviceEntry> entries;
};

// The device types of docs/device-db.md.
const std::vector<std::string_view>& KnownDeviceTypes();
bool IsKnownDeviceType(std::string_view type);

// raw, http.status, …, tls.issuer, or http.header.NAME with NAME in [a-z0-9-]+ (lower case).
bool IsKnownField(std::string_view field);

// Entry ids: [a-z0-9][a-z0-9._-]*
bool IsValidDeviceId(std::string_view id);

// Paper Table 2 from resolved values: 4 model known; 3 vendor and type; 2 vendor only;
// 1 type only; 0 otherwise. `embedded-server` counts as no type ("IoT-likely").
int DeriveLevel(std::string_view vendor, std::string_view model, std::string_view type);

// The options every keyword regex is compiled with: bytes as Latin-1 (so `\xff` is the
// byte 0xff and UTF-8 text in a pattern matches the same UTF-8 bytes in a banner),
// no logging, a memory budget large enough for long alternations.
const re2::RE2::Options& KeywordRegexOptions();

// Caps on one keyword regex, so a hostile DB or nmap file cannot make `db test`, an
// import or loading take minutes: the pattern's length (checked before compiling) and
// the size of RE2's compiled program.
inline constexpr size_t kMaxKeywordRegexBytes = 16 << 10;
inline constexpr int kMaxKeywordProgramSize = 100000;

// Compiles `regex` with KeywordRegexOptions() within the caps. The error is RE2's, or
// names the cap that was passed ("regex of 20000 bytes is over the 16384-byte cap").
Result<std::shared_ptr<const re2::RE2>> CompileKeywordRegex(const std::string& regex);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_ENTRY_H_

// Imports Rapid7 Recog XML fingerprints as device DB entries.
//
// Semantics (Recog's, on Ruby regexes): unanchored search; `^`/`$` are line anchors;
// REG_ICASE → i; REG_DOT_NEWLINE, REG_MULTILINE and an inline (?m) → dot matches
// newline. `matches` names the field: http_header.server → http.server, html_title →
// http.title, http_header.wwwauth → http.header.www-authenticate, ssh.banner,
// ftp.banner, smtp.banner, pop3.banner, imap4.banner → imap.banner,
// rtsp_header.server → rtsp.server, x509.subject/x509.issuer → tls.subject/tls.issuer,
// none → raw. A file whose `matches` is none of these is not a banner file and is
// skipped whole (counted).
//
// Each <fingerprint> becomes one entry with one keyword of weight 1.0. Params: pos 0
// values are fixed, pos N the template {N}; `{name}` interpolation inside a value is
// resolved against the other params; `_tmp.*` params are dropped. Every other param is
// kept as an attribute under its own name; vendor, product and version come from the
// first layer of hw.*, os.*, service.* that names a vendor or product, model from
// hw.model, type from hw.device or os.device. Every <example> (base64 ones decoded)
// becomes an example giving the field value directly, expecting its attributes.
// Pure: the caller reads the files.
#ifndef NARROWSCAN_CONTROLLER_IMPORTERS_RECOG_FINGERPRINTS_H_
#define NARROWSCAN_CONTROLLER_IMPORTERS_RECOG_FINGERPRINTS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "controller/estimation/device_entry.h"

namespace narrowscan {

struct RecogImport {
  std::vector<DeviceEntry> entries;
  size_t fingerprints = 0;
  size_t examples = 0;
  size_t rewritten = 0;
  std::map<std::string, size_t> skipped;   // reason → count (fingerprints or examples)
  std::vector<std::string> skipped_items;  // "FILE:LINE: reason"
};

// Maps Recog's `matches` to a DB field; "" when it is not a banner field.
std::string RecogMatchesToField(std::string_view matches);
// Recog's hw.device / os.device → a DB type, "" when none fits.
std::string RecogDeviceToDbType(std::string_view device);

// Parses one XML document and appends to *into. `source_name` names it in messages
// and ids (its file stem). Fails only when the XML itself is malformed.
Status ImportRecogXml(std::string_view xml, std::string_view source_name, RecogImport* into);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_IMPORTERS_RECOG_FINGERPRINTS_H_

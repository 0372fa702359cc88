// Writes device entries as a TOML device DB (docs/device-db.md) that DeviceDbLoader
// reads back to equal entries (ids, values, keywords, examples, attributes).
//
// Strings that are not UTF-8 cannot be TOML: example banners then go to banner_b64;
// any other such value is written as its Latin-1 reading. Importers escape non-UTF-8
// bytes in regexes themselves (as \xNN, which means the same byte in Latin-1 mode).
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_WRITER_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

#include "controller/estimation/device_entry.h"

namespace narrowscan {

// `comment` (may be multi-line) is written at the top as TOML comments.
std::string FormatDeviceDbToml(const std::vector<DeviceEntry>& entries, std::string_view comment);

// A TOML string literal for `text` (literal '…' when possible, else basic "…").
std::string TomlString(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_DEVICE_DB_WRITER_H_

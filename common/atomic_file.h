// WriteFileAtomically: replace a file so that a crash at any moment leaves either the
// old content or the new one, never a mix or an empty file.
//
// Writes `<path>.tmp` (created with `mode`, which is forced even if the file existed,
// whatever the umask), fsyncs it, renames it over `path` and fsyncs the folder so the
// rename itself survives a power cut. On failure the temporary file is removed and
// the error names the file and the system's reason. The one way checkpoints, the
// probe's spool and state, plan chunks and keys are written.
#ifndef NARROWSCAN_COMMON_ATOMIC_FILE_H_
#define NARROWSCAN_COMMON_ATOMIC_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode = 0600);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_ATOMIC_FILE_H_

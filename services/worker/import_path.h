// Resolves a backup file name inside the import directory, refusing every way out of it.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::worker {

// The canonical path of `file_name` under `import_dir`. FAILED_PRECONDITION when the import
// directory does not exist; INVALID_ARGUMENT when the name is absolute, contains "..", or
// resolves (through symlinks) outside the directory; NOT_FOUND when the file does not exist or
// is not a regular file.
absl::StatusOr<std::string> ResolveImportFile(absl::string_view import_dir,
                                              absl::string_view file_name);

}  // namespace rms::worker

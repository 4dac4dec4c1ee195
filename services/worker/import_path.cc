// Resolves a backup file name inside the import directory, refusing every way out of it.
#include "services/worker/import_path.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace rms::worker {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ResolveImportFile(absl::string_view import_dir,
                                              absl::string_view file_name) {
  std::error_code ec;
  const fs::path root = fs::canonical(fs::path(std::string(import_dir)), ec);
  if (ec || !fs::is_directory(root)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the import directory ", import_dir, " does not exist"));
  }
  if (file_name.empty() || absl::StartsWith(file_name, "/") ||
      file_name.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup file '", file_name, "' must be a path relative to the import directory"));
  }
  for (absl::string_view part : absl::StrSplit(file_name, '/')) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("backup file '", file_name, "' may not contain '..'"));
    }
  }
  const fs::path resolved = fs::weakly_canonical(root / std::string(file_name), ec);
  const std::string root_text = root.string() + "/";
  if (ec || !absl::StartsWith(resolved.string(), root_text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup file '", file_name, "' resolves outside the import directory"));
  }
  if (!fs::is_regular_file(resolved, ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup file '", file_name, "' is not in the import directory"));
  }
  return resolved.string();
}

}  // namespace rms::worker

// Field rules shared by every entry point (REST and gRPC).
#include "services/api/request_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/api/addrs.h"
#include "services/api/instance_access.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

std::string Child(absl::string_view parent, absl::string_view field) {
  return absl::StrCat(parent, ".", field);
}

bool HasControlChar(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; });
}

absl::Status ValidateFileName(absl::string_view field, absl::string_view name) {
  if (name.empty()) return errors::MissingField(field);
  if (name.size() > 255 || name.find('\0') != absl::string_view::npos || HasControlChar(name)) {
    return errors::BadValue(field, "a file name of at most 255 printable bytes");
  }
  if (absl::StartsWith(name, "/") || absl::StartsWith(name, "\\")) {
    return errors::BadValue(field, "a path relative to the import directory");
  }
  for (absl::string_view part : absl::StrSplit(name, absl::ByAnyChar("/\\"))) {
    if (part == "..") return errors::BadValue(field, "a path without '..' components");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTaskName(absl::string_view field, absl::string_view name) {
  if (name.empty()) return errors::MissingField(field);
  bool shape_ok = name.size() >= 4 && name.size() <= 64 && absl::ascii_isalpha(name[0]) &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return absl::ascii_isalnum(c) || c == '-' || c == '_';
                  });
  if (!shape_ok) {
    return errors::BadValue(field,
                            "4 to 64 characters, starting with a letter, then letters, digits, "
                            "'-' or '_'");
  }
  return absl::OkStatus();
}

absl::Status ValidateDescription(absl::string_view field, absl::string_view description) {
  if (description.size() > 1024 || HasControlChar(description)) {
    return errors::BadValue(field, "at most 1024 characters without control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateMigrationMethod(absl::string_view field, absl::string_view method) {
  if (method.empty()) return errors::MissingField(field);
  if (method != "full_amount_migration" && method != "incremental_migration") {
    return errors::BadValue(field, "full_amount_migration, incremental_migration");
  }
  return absl::OkStatus();
}

absl::Status ValidateResumeMode(absl::string_view field, absl::string_view mode) {
  if (mode.empty()) return errors::MissingField(field);
  if (mode != "auto" && mode != "manual") return errors::BadValue(field, "auto, manual");
  return absl::OkStatus();
}

absl::Status ValidateFullResyncPolicy(absl::string_view field, absl::string_view policy) {
  if (policy.empty() || policy == "flush" || policy == "fail") return absl::OkStatus();
  return errors::BadValue(field, "flush, fail");
}

absl::Status ValidateDbMapping(absl::string_view field,
                               const google::protobuf::Map<int32_t, int32_t>& mapping) {
  constexpr int32_t kMaxDb = 65535;
  if (mapping.size() > 1024) return errors::BadValue(field, "at most 1024 databases");
  for (const auto& [from, to] : mapping) {
    if (from < 0 || from > kMaxDb || to < 0 || to > kMaxDb) {
      return errors::BadValue(field, "source and target databases 0..65535");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateBandwidth(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  bool digits = std::all_of(value.begin(), value.end(), absl::ascii_isdigit);
  if (!digits) {
    if (value.size() > 1 && value[0] == '-' &&
        std::all_of(value.begin() + 1, value.end(), absl::ascii_isdigit)) {
      return errors::BandwidthOutOfRange(value);
    }
    return errors::WrongType(field, "an integer (or a string of digits) between 1 and 10240");
  }
  int64_t mb = 0;
  if (value.size() > 12 || !absl::SimpleAtoi(value, &mb) || mb < 1 || mb > kMaxBandwidthMb) {
    return errors::BandwidthOutOfRange(value);
  }
  return absl::OkStatus();
}

absl::Status ValidateInstanceBody(absl::string_view field, bool present,
                                  const v1::InstanceBody& body) {
  if (!present) return errors::MissingField(field);
  if (body.id().empty() && body.addrs().empty()) {
    return errors::BadInstance(field, "needs 'id' (a registered instance) or 'addrs'");
  }
  // A registered instance's stored password must only ever go to its own address.
  if (!body.id().empty() && (!body.addrs().empty() || !body.password().empty())) {
    return errors::BadInstance(Child(field, body.addrs().empty() ? "password" : "addrs"),
                               "give either 'id' (a registered instance: its stored address and "
                               "password are used) or 'addrs' with 'password', not both");
  }
  if (!body.addrs().empty()) {
    auto nodes = ParseAddrs(Child(field, "addrs"), body.addrs());
    if (!nodes.ok()) return nodes.status();
  }
  if (body.password().size() > 512) {
    return errors::BadValue(Child(field, "password"), "at most 512 bytes");
  }
  return ValidateInstanceAccess(field, body);
}

absl::Status ValidateBackupFiles(absl::string_view field, bool present,
                                 const v1::BackupFiles& files) {
  if (!present) return errors::MissingField(field);
  const std::string source_field = Child(field, "file_source");
  if (files.file_source().empty()) return errors::MissingField(source_field);
  if (files.file_source() != "self_build_obs" && files.file_source() != "local") {
    return errors::BadValue(source_field, "self_build_obs, local (both read the import directory)");
  }
  if (files.files().empty()) return errors::MissingField(Child(field, "files"));
  for (int i = 0; i < files.files_size(); ++i) {
    const std::string item = absl::StrCat(field, ".files[", i, "]");
    if (absl::Status s = ValidateFileName(Child(item, "file_name"), files.files(i).file_name());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateVerificationBody(const v1::StartVerificationBody& body) {
  const bool sample = body.mode() == "sample";
  if (!body.mode().empty() && body.mode() != "full" && !sample) {
    return errors::BadValue("mode", "full, sample");
  }
  if (sample && body.sample_keys() == 0) return errors::MissingField("sample_keys");
  if (!sample && body.sample_keys() != 0) {
    return errors::BadValue("sample_keys", "only with mode 'sample'");
  }
  if (sample && (body.sample_keys() < 1 || body.sample_keys() > kMaxSampleKeys)) {
    return errors::BadValue("sample_keys", "an integer between 1 and 1000000");
  }
  if (body.has_ttl_tolerance_s() &&
      (body.ttl_tolerance_s() < 0 || body.ttl_tolerance_s() > kMaxTtlToleranceS)) {
    return errors::BadValue("ttl_tolerance_s", "an integer between 0 and 3600 (seconds)");
  }
  if (body.has_max_source_ops() &&
      (body.max_source_ops() < kMinSourceOps || body.max_source_ops() > kMaxSourceOps)) {
    return errors::BadValue("max_source_ops", "an integer between 10 and 1000000 (commands/s)");
  }
  return absl::OkStatus();
}

absl::Status ValidatePaging(int offset, int limit) {
  if (offset < 0) return errors::BadQuery("offset", "must be a non-negative integer");
  if (limit < 0 || limit > 1000)
    return errors::BadQuery("limit", "must be an integer between 0 and 1000");
  return absl::OkStatus();
}

absl::Status ValidateLogLevel(absl::string_view level) {
  if (level.empty() || level == "info" || level == "warning" || level == "error") {
    return absl::OkStatus();
  }
  return errors::BadQuery("log_level", "allowed: info, warning, error");
}

}  // namespace rms::api

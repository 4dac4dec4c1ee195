// Field rules shared by every entry point (REST and gRPC): names, enums, bandwidth, files.
// Each function returns OK or a catalogue error naming the field.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rms/v1/migration.pb.h"

namespace rms::api {

inline constexpr int kMaxBandwidthMb = 10240;
// Verification limits (our extension of the API).
inline constexpr int kMaxSampleKeys = 1000000;
inline constexpr int kMaxTtlToleranceS = 3600;
inline constexpr int kDefaultTtlToleranceS = 1;
inline constexpr int kMinSourceOps = 10;
inline constexpr int kMaxSourceOps = 1000000;
inline constexpr int kDefaultSourceOps = 2000;

// Mandatory; 4..64 characters, starts with a letter, then letters, digits, '-' or '_'.
absl::Status ValidateTaskName(absl::string_view field, absl::string_view name);
// Optional; at most 1024 characters, no control characters.
absl::Status ValidateDescription(absl::string_view field, absl::string_view description);
// Mandatory; full_amount_migration | incremental_migration.
absl::Status ValidateMigrationMethod(absl::string_view field, absl::string_view method);
// Mandatory; auto | manual.
absl::Status ValidateResumeMode(absl::string_view field, absl::string_view mode);
// "", "flush" or "fail" (our extension); 400 naming `field` otherwise.
absl::Status ValidateFullResyncPolicy(absl::string_view field, absl::string_view policy);
// db_mapping (ours): databases 0..65535 on both sides, at most 1024 entries.
absl::Status ValidateDbMapping(absl::string_view field,
                               const google::protobuf::Map<int32_t, int32_t>& mapping);
// Optional ("" = unlimited); decimal digits with a value in 1..10240 (DCS.4002 if not digits,
// DCS.4004 if out of range).
absl::Status ValidateBandwidth(absl::string_view field, absl::string_view value);
// Checks the shape of an instance body: `id` or `addrs` (DCS.4005 if neither, or if `id` comes
// with `addrs` or `password`, naming that field; addrs parsed), password at most 512 bytes,
// username and tls as ValidateInstanceAccess says. `present` is false when the body was absent
// (DCS.4001).
absl::Status ValidateInstanceBody(absl::string_view field, bool present,
                                  const v1::InstanceBody& body);
// The import part of a backup-file task: file_source, at least one file, file names that
// stay inside the import directory (relative, no "..", no NUL, at most 255 bytes each).
absl::Status ValidateBackupFiles(absl::string_view field, bool present,
                                 const v1::BackupFiles& files);
// A verify body: mode "" (= full), full or sample; sample_keys 1..1000000 with sample only;
// ttl_tolerance_s 0..3600 and max_source_ops 10..1000000 when given.
absl::Status ValidateVerificationBody(const v1::StartVerificationBody& body);
// offset >= 0, 0 <= limit <= 1000 (0 = default).
absl::Status ValidatePaging(int offset, int limit);
// "", info, warning or error.
absl::Status ValidateLogLevel(absl::string_view level);

}  // namespace rms::api

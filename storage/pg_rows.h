// Conversions between records and SQL parameters/rows, in the column orders of sql_queries.h.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/row>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/records.h"

namespace rms::storage {

// Microseconds since the epoch; nullopt for nullopt.
std::optional<int64_t> MicrosOrNull(const std::optional<absl::Time>& time);
// Microseconds since the epoch; nullopt for the default absl::Time{} ("not set": the store
// fills in now()).
std::optional<int64_t> MicrosOrNow(absl::Time time);

// A JSON array of strings, e.g. ["a","b"].
std::string KeywordsToJson(const std::vector<std::string>& keywords);

// "%<text>%" with LIKE's wildcards (%, _) and the escape character (\) in `text` escaped.
std::string ContainsPattern(absl::string_view text);

// INVALID_ARGUMENT (no DCS payload) for a negative offset or a limit < 0.
absl::Status CheckPaging(int offset, int limit);

// Number of columns in RMS_SQL_TASK_COLUMNS; a query may return more after them.
inline constexpr int kTaskColumnCount = 19;

// RMS_SQL_TASK_COLUMNS; INTERNAL when the status column holds no TaskStatus spelling.
absl::StatusOr<TaskRecord> TaskFromRow(const pqxx::row& row);
TaskEvent EventFromRow(const pqxx::row& row);  // RMS_SQL_EVENT_COLUMNS
InstanceRecord InstanceFromRow(const pqxx::row& row);
CredentialRecord CredentialFromRow(const pqxx::row& row);
VerificationRecord VerificationFromRow(const pqxx::row& row);  // RMS_SQL_VERIFICATION_COLUMNS

// The examples as the JSON array stored in verifications.examples.
std::string ExamplesToJson(const std::vector<VerificationExample>& examples);

}  // namespace rms::storage

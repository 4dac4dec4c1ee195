// Limits on every string of every request, checked at the API edge (REST and gRPC) before any
// other rule, so that no request can carry a NUL, control characters or oversized text into the
// database or a log line.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rms::api {

// Longest string accepted in any field (names and descriptions have stricter rules of their own).
inline constexpr size_t kMaxStringBytes = 4096;
// Longest PEM text (tls.ca_cert, our extension), which may hold a few CA certificates.
inline constexpr size_t kMaxPemBytes = 64 * 1024;
// Most ids one batch request (batch-stop, batch-restart, delete) may name.
inline constexpr int kMaxBatchIds = 100;

// Walks every string field of `request` (nested messages and repeated fields included):
// - ids (project_id, task_id, instance_id, job_id, id, verification_id, and the ids of batch
//   lists): at most 64 of A-Z a-z 0-9 '-' '_' '.', the first a letter or digit;
// - password: no NUL, at most kMaxStringBytes;
// - description: no control characters but tab, CR and LF;
// - ca_cert (PEM): the same, and at most kMaxPemBytes;
// - everything else: no control characters, at most kMaxStringBytes;
// - batch lists (migration_tasks, task_id_list): at most kMaxBatchIds entries.
// DCS.4002 naming the field as the REST body names it (no "body." prefix) otherwise.
absl::Status ValidateRequestStrings(const google::protobuf::Message& request);

// An id as above: 1..64 of A-Z a-z 0-9 '-' '_' '.', the first a letter or digit.
bool IsValidId(absl::string_view id);

}  // namespace rms::api

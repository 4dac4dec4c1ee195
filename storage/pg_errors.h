// The one place that turns libpqxx exceptions into absl::Status; messages never carry secrets.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rms::storage {

// Converts the exception being handled; call only inside a `catch` block. `operation` names what
// failed ("UpdateTask") and appears in the message. Mapping:
//   pqxx::broken_connection           -> errors::DatabaseUnavailable() (UNAVAILABLE, DCS.5030)
//   serialization failure, deadlock   -> ABORTED (retry the transaction)
//   unique_violation (23505)          -> ALREADY_EXISTS
//   any other SQL error               -> INTERNAL with the SQLSTATE
//   anything else                     -> INTERNAL
// The SQL error's DETAIL (which may quote row values) is never included.
absl::Status StatusFromCurrentException(absl::string_view operation);

// Like StatusFromCurrentException, for a failure while opening a connection: a broken connection
// becomes UNAVAILABLE (DCS.5030) whose message names `redacted_url` and libpq's reason, so an
// operator can tell a typo from an outage. `redacted_url` must already be passed through
// RedactUrl.
absl::Status ConnectStatusFromCurrentException(absl::string_view redacted_url);

}  // namespace rms::storage

// The DCS error catalogue: one table of codes, and the only constructors of statuses that carry
// one.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rms::errors {

// One row of the catalogue (docs/errors.md).
struct CatalogueEntry {
  absl::string_view code;      // "DCS.4133"
  int http_status;             // 404
  absl::StatusCode grpc_code;  // kNotFound
  absl::string_view when;      // for documentation and tests
};

// Every code we can return, each exactly once.
absl::Span<const CatalogueEntry> Catalogue();

// The catalogue row of `code`, or nullptr.
const CatalogueEntry* FindEntry(absl::string_view code);

// The DCS code carried by `status`, if it was made by one of the constructors below.
std::optional<std::string> DcsCodeOf(const absl::Status& status);

// Builds a status for catalogue code `code` with an operator-facing message.
// `code` must be in the catalogue (checked: an unknown code yields Internal()).
absl::Status Make(absl::string_view code, absl::string_view message);

absl::Status TaskNotFound(absl::string_view task_id);                           // DCS.4133
absl::Status BadJson(absl::string_view detail);                                 // DCS.4000
absl::Status MissingField(absl::string_view field);                             // DCS.4001
absl::Status WrongType(absl::string_view field, absl::string_view expected);    // DCS.4002
absl::Status BadValue(absl::string_view field, absl::string_view allowed);      // DCS.4002
absl::Status UnknownField(absl::string_view field);                             // DCS.4003
absl::Status BandwidthOutOfRange(absl::string_view value);                      // DCS.4004
absl::Status BadInstance(absl::string_view field, absl::string_view detail);    // DCS.4005
absl::Status SameInstance();                                                    // DCS.4006
absl::Status UnknownInstanceId(absl::string_view field, absl::string_view id);  // DCS.4007
absl::Status BadQuery(absl::string_view param, absl::string_view detail);       // DCS.4008
absl::Status WrongState(absl::string_view operation, absl::string_view status,
                        absl::string_view allowed);                               // DCS.4134
absl::Status DeleteRunning(absl::string_view task_id, absl::string_view status);  // DCS.4135
absl::Status InstanceNotFound(absl::string_view instance_id);                     // DCS.4136
absl::Status JobNotFound(absl::string_view job_id);                               // DCS.4137
absl::Status VerificationNotFound(absl::string_view verification_id);             // DCS.4138
absl::Status NotVerifiable(absl::string_view task_id, absl::string_view reason);  // DCS.4139
absl::Status NoRoute(absl::string_view method, absl::string_view path);           // DCS.4040
absl::Status Unauthenticated(absl::string_view detail);                           // DCS.4010
absl::Status Forbidden(absl::string_view detail);                                 // DCS.4030
absl::Status MalformedHttp(absl::string_view detail);                             // DCS.4000
absl::Status RequestTimeout(absl::string_view part);                              // DCS.4408
absl::Status BodyTooLarge(absl::string_view detail);                              // DCS.4413
absl::Status UriTooLong();                                                        // DCS.4414
absl::Status UnsupportedEncoding(absl::string_view encoding);                     // DCS.4415
absl::Status HeadersTooLarge(absl::string_view detail);                           // DCS.4431
absl::Status TooManyConnections();                                                // DCS.5032
absl::Status Internal();                                                          // DCS.5000
absl::Status DatabaseUnavailable();                                               // DCS.5030
absl::Status NotReady(absl::string_view reason);                                  // DCS.5031

}  // namespace rms::errors

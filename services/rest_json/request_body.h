// The body of a REST request as the gateway's routes read it: required or optional, then JSON.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rms::rest_json {

enum class BodyPresence {
  kRequired,  // an empty (or all-whitespace) body is DCS.4000 "the body is empty"
  kOptional,  // an empty body leaves `message` as it is: every field keeps its default
};

// Fills `message` from the raw body text of a POST/PUT/DELETE request (see DecodeJsonBody for
// the errors of a non-empty body). Pure: touches nothing but `message`.
absl::Status DecodeRequestBody(absl::string_view body, BodyPresence presence,
                               google::protobuf::Message& message);

}  // namespace rms::rest_json

// JSON <-> API messages for the REST gateway, with DCS errors that name the offending field.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rms::rest_json {

// Fills `message` from a JSON object whose keys are the message's field names.
// Errors: DCS.4000 (not JSON, not an object), DCS.4003 (unknown field, named with its path, e.g.
// "source_instance.foo"), DCS.4002 (wrong JSON type, naming the field and the expected type).
// JSON null counts as absent. String fields named `bandwidth_limit_mb` or `size` also accept a
// JSON integer (the official DCS example sends 123), stored as its decimal text.
absl::Status DecodeJsonBody(absl::string_view body, google::protobuf::Message& message);

// The message as a JSON object with the proto field names, every scalar field printed (so
// clients see "" and 0 rather than missing keys), enums as their names and 64-bit integers as
// JSON numbers (not the strings of the proto3 mapping).
std::string EncodeJson(const google::protobuf::Message& message);

}  // namespace rms::rest_json

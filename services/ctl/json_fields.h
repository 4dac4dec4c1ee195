// Reading API replies leniently: numbers that arrive as strings or numbers, missing fields.
#pragma once

#include <cstdint>
#include <string>

#include "absl/types/optional.h"
#include "services/ctl/api.h"

namespace rms::ctl {

// `object[field]` as a number, whether sent as a number or a numeric string ("12.5");
// nullopt when `object` is not an object, the field is missing, or it is not numeric.
absl::optional<double> NumberField(const Json& object, const std::string& field);
// NumberField truncated to an integer.
absl::optional<int64_t> IntegerField(const Json& object, const std::string& field);
// `object[field]` as text: strings as they are, other scalars as JSON, "" when missing or null.
std::string TextField(const Json& object, const std::string& field);

// The reply as "key: value" lines, nested objects flattened ("source_instance.addrs: ..."),
// arrays of scalars joined with ", ", arrays of objects indexed ("files[0].file_name: ...").
std::string KeyValueLines(const Json& object);

// The reply as --json prints it: indented by 2, with a final newline.
std::string PrettyJson(const Json& value);

}  // namespace rms::ctl

// Reading the flat [name, value, name, value, ...] arrays that RESP2 uses for maps (CLUSTER SHARDS
// nodes, COMMAND key specifications).
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::cluster {

bool IsText(const resp::RespValue& value);
// The value of `name` in `pairs`; nullptr when absent or when `pairs` is not an array.
const resp::RespValue* FieldOf(const resp::RespValue& pairs, absl::string_view name);
// A text field ("" when absent or not text) and an integer field (0 likewise).
std::string TextField(const resp::RespValue& pairs, absl::string_view name);
int IntField(const resp::RespValue& pairs, absl::string_view name);

}  // namespace rms::engine::cluster

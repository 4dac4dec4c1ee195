// Reading RESP2 maps.
#include "services/engine/cluster/reply_fields.h"

namespace rms::engine::cluster {

using resp::RespValue;

bool IsText(const RespValue& v) {
  return v.type == RespValue::Type::kBulkString || v.type == RespValue::Type::kSimpleString;
}

const RespValue* FieldOf(const RespValue& pairs, absl::string_view name) {
  if (pairs.type != RespValue::Type::kArray) return nullptr;
  for (size_t i = 0; i + 1 < pairs.elements.size(); i += 2) {
    if (IsText(pairs.elements[i]) && pairs.elements[i].str == name) return &pairs.elements[i + 1];
  }
  return nullptr;
}

std::string TextField(const RespValue& pairs, absl::string_view name) {
  const RespValue* v = FieldOf(pairs, name);
  return v != nullptr && IsText(*v) ? v->str : "";
}

int IntField(const RespValue& pairs, absl::string_view name) {
  const RespValue* v = FieldOf(pairs, name);
  return v != nullptr && v->type == RespValue::Type::kInteger ? static_cast<int>(v->integer) : 0;
}

}  // namespace rms::engine::cluster

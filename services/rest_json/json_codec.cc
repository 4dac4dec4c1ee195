// JSON <-> API messages for the REST gateway, walking the message descriptor field by field.
#include "services/rest_json/json_codec.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/errors.h"

namespace rms::rest_json {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nlohmann::json;

bool AcceptsInteger(const FieldDescriptor& field) {
  return field.name() == "bandwidth_limit_mb" || field.name() == "size";
}

absl::Status DecodeObject(const json& object, const std::string& path, Message& message);

// Converts one JSON value to the field's scalar or message type and stores it.
absl::Status DecodeValue(const json& value, const std::string& name, const FieldDescriptor& field,
                         Message& message) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text;
      if (value.is_string()) {
        text = value.get<std::string>();
      } else if (value.is_number_integer() && AcceptsInteger(field)) {
        text = value.dump();
      } else {
        return errors::WrongType(name,
                                 AcceptsInteger(field) ? "a string or an integer" : "a string");
      }
      repeated ? reflection.AddString(&message, &field, std::move(text))
               : reflection.SetString(&message, &field, std::move(text));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (!value.is_boolean()) return errors::WrongType(name, "a boolean");
      repeated ? reflection.AddBool(&message, &field, value.get<bool>())
               : reflection.SetBool(&message, &field, value.get<bool>());
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      if (!value.is_number_integer()) return errors::WrongType(name, "an integer");
      constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
      constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
      const bool in_range = value.is_number_unsigned()
                                ? value.get<uint64_t>() <= static_cast<uint64_t>(kMax)
                                : value.get<int64_t>() >= kMin && value.get<int64_t>() <= kMax;
      if (!in_range) return errors::WrongType(name, "a 32-bit integer");
      const int64_t number = value.get<int64_t>();
      repeated ? reflection.AddInt32(&message, &field, static_cast<int32_t>(number))
               : reflection.SetInt32(&message, &field, static_cast<int32_t>(number));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!value.is_object()) return errors::WrongType(name, "an object");
      Message* child = repeated ? reflection.AddMessage(&message, &field)
                                : reflection.MutableMessage(&message, &field);
      return DecodeObject(value, name, *child);
    }
    default:
      return errors::WrongType(name, "a supported type");
  }
}

// A map field given as a JSON object ({"2": 0}): one entry per member; integer keys are written
// as strings, as proto3 JSON does.
absl::Status DecodeMap(const json& object, const std::string& name, const FieldDescriptor& field,
                       Message& message) {
  if (!object.is_object()) return errors::WrongType(name, "an object");
  const FieldDescriptor& key_field = *field.message_type()->map_key();
  const FieldDescriptor& value_field = *field.message_type()->map_value();
  for (const auto& [key, value] : object.items()) {
    const std::string entry_name = absl::StrCat(name, ".", key);
    json typed_key = key;
    if (key_field.cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
      int32_t number = 0;
      if (!absl::SimpleAtoi(key, &number)) {
        return errors::WrongType(name, "an object whose keys are integers");
      }
      typed_key = number;
    }
    Message* entry = message.GetReflection()->AddMessage(&message, &field);
    if (absl::Status s = DecodeValue(typed_key, entry_name, key_field, *entry); !s.ok()) return s;
    if (absl::Status s = DecodeValue(value, entry_name, value_field, *entry); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status DecodeObject(const json& object, const std::string& path, Message& message) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = path.empty() ? key : absl::StrCat(path, ".", key);
    const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(key);
    if (field == nullptr) return errors::UnknownField(name);
    if (value.is_null()) continue;
    if (field->is_map()) {
      if (absl::Status s = DecodeMap(value, name, *field, message); !s.ok()) return s;
      continue;
    }
    if (field->is_repeated()) {
      if (!value.is_array()) return errors::WrongType(name, "an array");
      for (size_t i = 0; i < value.size(); ++i) {
        absl::Status s = DecodeValue(value[i], absl::StrCat(name, "[", i, "]"), *field, message);
        if (!s.ok()) return s;
      }
      continue;
    }
    if (absl::Status s = DecodeValue(value, name, *field, message); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool Is64Bit(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_INT64 ||
         field.cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
}

// True when `descriptor` or a message below it has a 64-bit integer field.
bool Has64BitField(const google::protobuf::Descriptor& descriptor, int depth = 0) {
  if (depth > 8) return false;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (Is64Bit(field)) return true;
    if (field.message_type() != nullptr && Has64BitField(*field.message_type(), depth + 1)) {
      return true;
    }
  }
  return false;
}

// The printer writes 64-bit integers as strings (proto3 JSON); our counters are plain numbers.
void Print64BitAsNumbers(const google::protobuf::Descriptor& descriptor, json& object) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    auto it = object.find(field.name());
    if (it == object.end()) continue;
    std::vector<json*> values;
    if (it->is_array()) {
      for (json& element : *it) values.push_back(&element);
    } else {
      values.push_back(&*it);
    }
    for (json* value : values) {
      if (Is64Bit(field) && value->is_string()) {
        *value = json::parse(value->get<std::string>(), nullptr, /*allow_exceptions=*/false);
      } else if (field.message_type() != nullptr && value->is_object()) {
        Print64BitAsNumbers(*field.message_type(), *value);
      }
    }
  }
}

}  // namespace

absl::Status DecodeJsonBody(absl::string_view body, Message& message) {
  json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return errors::BadJson("the body is not valid JSON");
  if (!parsed.is_object()) return errors::BadJson("the body must be a JSON object");
  message.Clear();
  return DecodeObject(parsed, "", message);
}

std::string EncodeJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail; an empty object is the safe fallback.
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  if (!Has64BitField(*message.GetDescriptor())) return out;
  json parsed = json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return out;
  Print64BitAsNumbers(*message.GetDescriptor(), parsed);
  return parsed.dump();
}

}  // namespace rms::rest_json

// Limits on every string of every request, checked at the API edge.
#include "services/api/string_fields.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsIdField(const std::string& name) {
  static const auto* const kIds = new absl::flat_hash_set<std::string>{
      "project_id", "task_id",         "instance_id",     "job_id",
      "id",         "verification_id", "migration_tasks", "task_id_list"};
  return kIds->contains(name);
}

bool IsBatchList(const std::string& name) {
  return name == "migration_tasks" || name == "task_id_list";
}

bool IsControl(char c, bool allow_line_breaks) {
  const auto byte = static_cast<unsigned char>(c);
  if (allow_line_breaks && (c == '\t' || c == '\n' || c == '\r')) return false;
  return byte < 0x20 || byte == 0x7f;
}

absl::Status CheckString(const std::string& field, const std::string& name,
                         const std::string& value) {
  if (IsIdField(name)) {
    return value.empty() || IsValidId(value)
               ? absl::OkStatus()
               : errors::BadValue(field,
                                  "an id of at most 64 letters, digits, '-', '_' or '.', starting "
                                  "with a letter or digit");
  }
  // A PEM CA bundle (tls.ca_cert) is longer than other text and made of lines.
  const bool pem = name == "ca_cert";
  const size_t max_bytes = pem ? kMaxPemBytes : kMaxStringBytes;
  if (value.size() > max_bytes) {
    return errors::BadValue(field, absl::StrCat("at most ", max_bytes, " bytes"));
  }
  const bool password = name == "password";
  const bool line_breaks = name == "description" || pem;
  for (char c : value) {
    if (c == '\0') return errors::BadValue(field, "text without NUL characters");
    if (!password && IsControl(c, line_breaks)) {
      return errors::BadValue(field, "text without control characters");
    }
  }
  return absl::OkStatus();
}

// "body.source_instance.addrs" -> "source_instance.addrs": the REST body is the message `body`.
std::string FieldPath(const std::string& parent, const FieldDescriptor& field) {
  if (parent.empty()) return field.name() == "body" ? "" : field.name();
  return absl::StrCat(parent, ".", field.name());
}

absl::Status Walk(const Message& message, const std::string& parent);

absl::Status WalkField(const Message& message, const FieldDescriptor& field,
                       const std::string& parent) {
  const auto* reflection = message.GetReflection();
  const std::string path = FieldPath(parent, field);
  const std::string shown = path.empty() ? field.name() : path;
  if (field.is_repeated()) {
    const int size = reflection->FieldSize(message, &field);
    if (IsBatchList(field.name()) && size > kMaxBatchIds) {
      return errors::BadValue(shown, absl::StrCat("at most ", kMaxBatchIds, " ids per request"));
    }
    for (int i = 0; i < size; ++i) {
      const std::string item = absl::StrCat(shown, "[", i, "]");
      absl::Status status =
          field.cpp_type() == FieldDescriptor::CPPTYPE_STRING
              ? CheckString(item, field.name(), reflection->GetRepeatedString(message, &field, i))
          : field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
              ? Walk(reflection->GetRepeatedMessage(message, &field, i), item)
              : absl::OkStatus();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    return CheckString(shown, field.name(), reflection->GetString(message, &field));
  }
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      reflection->HasField(message, &field)) {
    return Walk(reflection->GetMessage(message, &field), path);
  }
  return absl::OkStatus();
}

absl::Status Walk(const Message& message, const std::string& parent) {
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    absl::Status status = WalkField(message, *descriptor->field(i), parent);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidId(absl::string_view id) {
  // Project ids name import folders: no '/', and no leading '.' (no "." or "..").
  return !id.empty() && id.size() <= 64 && absl::ascii_isalnum(id[0]) &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
         });
}

absl::Status ValidateRequestStrings(const Message& request) { return Walk(request, ""); }

}  // namespace rms::api

// Lenient readers of API replies and the key/value rendering of show and stats.
#include "services/ctl/json_fields.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::ctl {
namespace {

bool IsScalarArray(const Json& value) {
  for (const Json& item : value) {
    if (item.is_structured()) return false;
  }
  return true;
}

std::string ScalarText(const Json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void AppendLines(const std::string& prefix, const Json& value, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      AppendLines(prefix.empty() ? key : absl::StrCat(prefix, ".", key), item, out);
    }
    return;
  }
  if (value.is_array() && !IsScalarArray(value)) {
    for (size_t i = 0; i < value.size(); ++i) {
      AppendLines(absl::StrCat(prefix, "[", i, "]"), value[i], out);
    }
    return;
  }
  std::string text;
  if (value.is_array()) {
    for (const Json& item : value) {
      absl::StrAppend(&text, text.empty() ? "" : ", ", ScalarText(item));
    }
  } else {
    text = ScalarText(value);
  }
  absl::StrAppend(&out, prefix, ": ", text, "\n");
}

}  // namespace

absl::optional<double> NumberField(const Json& object, const std::string& field) {
  if (!object.is_object()) return absl::nullopt;
  auto it = object.find(field);
  if (it == object.end()) return absl::nullopt;
  if (it->is_number()) return it->get<double>();
  double value = 0;
  if (it->is_string() && absl::SimpleAtod(it->get<std::string>(), &value) && std::isfinite(value)) {
    return value;
  }
  return absl::nullopt;
}

absl::optional<int64_t> IntegerField(const Json& object, const std::string& field) {
  absl::optional<double> value = NumberField(object, field);
  if (!value) return absl::nullopt;
  return static_cast<int64_t>(*value);
}

std::string TextField(const Json& object, const std::string& field) {
  if (!object.is_object()) return "";
  auto it = object.find(field);
  return it == object.end() ? "" : ScalarText(*it);
}

std::string KeyValueLines(const Json& object) {
  std::string out;
  AppendLines("", object, out);
  return out;
}

std::string PrettyJson(const Json& value) { return value.dump(2) + "\n"; }

}  // namespace rms::ctl

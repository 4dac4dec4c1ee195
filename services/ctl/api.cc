// Paths, request targets and reply decoding of the REST API.
#include "services/ctl/api.h"

#include "absl/strings/str_cat.h"
#include "services/auth/sdk_signing.h"
#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

constexpr size_t kMaxQuotedBody = 200;

std::string JsonText(const Json& object, const char* field) {
  if (!object.is_object() || !object.contains(field)) return "";
  const Json& value = object[field];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string ProjectPath(const std::string& project, const std::string& suffix) {
  return absl::StrCat("/v2/", auth::UriEncode(project), suffix);
}

std::string Segment(const std::string& id) { return auth::UriEncode(id); }

std::string RequestTarget(const ApiRequest& request) {
  std::string target = request.path;
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    absl::StrAppend(&target, std::string(1, separator), auth::UriEncode(name), "=",
                    auth::UriEncode(value));
    separator = '&';
  }
  return target;
}

absl::StatusOr<Json> DecodeReply(int http_status, const std::string& body) {
  Json json = Json::parse(body, nullptr, false);
  if (http_status >= 200 && http_status < 300) {
    if (body.empty()) return Json::object();
    if (json.is_discarded()) {
      return ApiError(http_status, "", "the reply is not JSON: " + body.substr(0, kMaxQuotedBody));
    }
    return json;
  }
  const std::string code = JsonText(json, "error_code");
  if (code.empty()) {
    return ApiError(http_status, "", body.empty() ? "no body" : body.substr(0, kMaxQuotedBody));
  }
  return ApiError(http_status, code, JsonText(json, "error_msg"));
}

}  // namespace rms::ctl

// The body of a REST request: empty-body handling, then the JSON codec.
#include "services/rest_json/request_body.h"

#include "absl/strings/ascii.h"
#include "services/common/errors.h"
#include "services/rest_json/json_codec.h"

namespace rms::rest_json {

absl::Status DecodeRequestBody(absl::string_view body, BodyPresence presence,
                               google::protobuf::Message& message) {
  if (absl::StripAsciiWhitespace(body).empty()) {
    if (presence == BodyPresence::kOptional) return absl::OkStatus();
    return errors::BadJson("the body is empty");
  }
  return DecodeJsonBody(body, message);
}

}  // namespace rms::rest_json

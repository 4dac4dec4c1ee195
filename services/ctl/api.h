// The REST API as migrationctl's commands see it: a request, the paths, the reply decoding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace rms::ctl {

using Json = nlohmann::json;

struct ApiRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string path;            // percent-encoded: "/v2/p/migration-task/t1/stats"
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::string body;  // JSON; "" sends none (a POST then carries Content-Length: 0)
};

// Sends requests to the API. Implemented over HTTP by HttpApi, by fakes in tests.
class Api {
 public:
  virtual ~Api() = default;
  // The reply's JSON for a 2xx answer. Errors: ConnectError when no HTTP reply arrives,
  // ApiError for any other answer ("DCS.4133: ..." from the DCS error body) or a 2xx body that
  // is not JSON.
  virtual absl::StatusOr<Json> Call(const ApiRequest& request) = 0;
};

// "/v2/<project>" + `suffix`, the project percent-encoded.
std::string ProjectPath(const std::string& project, const std::string& suffix);
// One percent-encoded path segment (a task or instance id).
std::string Segment(const std::string& id);
// `request.path` + "?" + the percent-encoded query ("" when there is none).
std::string RequestTarget(const ApiRequest& request);

// Turns an HTTP answer into the reply's JSON or an ApiError (the DCS body's error_code and
// error_msg; the HTTP status and the body's start when it is not a DCS error body).
absl::StatusOr<Json> DecodeReply(int http_status, const std::string& body);

}  // namespace rms::ctl

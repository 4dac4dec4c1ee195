// HttpGateway: the REST server around the routes: ids, auth, errors, log, metrics.
#include "services/gateway/http_gateway.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/log.h"
#include "services/crypto/random.h"
#include "services/status_mapping/status_mapping.h"

namespace rms::gateway {
namespace {

constexpr char kJsonType[] = "application/json;charset=utf-8";

std::string NewRequestId() {
  auto id = crypto::RandomHex(16);
  return id.ok() ? *id : "unknown";
}

// The signer signs the method as sent, the path still percent-encoded and the body as sent.
auth::SignableRequest SignableOf(const http::Request& req) {
  auth::SignableRequest out;
  out.method = req.method;
  out.path = req.raw_path;
  out.query = req.query;
  for (const auto& [name, value] : req.headers) out.headers.emplace(name, value);
  out.body = req.raw_body;
  return out;
}

void WriteError(const absl::Status& status, const std::string& request_id, http::Response& res) {
  status_mapping::MappedError error = status_mapping::MapError(status);
  if (!errors::DcsCodeOf(status)) {
    LogError(absl::StrCat("request ", request_id, " failed internally: ", status.ToString()));
  }
  res.status = error.http_status;
  res.headers.emplace_back("Content-Type", kJsonType);
  res.body = status_mapping::DcsErrorBody(error);
}

http::ServerOptions WithBodyCap(http::ServerOptions options) {
  options.limits.max_body_bytes = kMaxBodyBytes;
  return options;
}

}  // namespace

HttpGateway::HttpGateway(const Router& router, const auth::Authenticator& authenticator,
                         metrics::ApiMetrics& metrics, http::ServerOptions options)
    : router_(router),
      authenticator_(authenticator),
      metrics_(metrics),
      server_(
          WithBodyCap(std::move(options)), [this](const http::Request& req) { return Handle(req); },
          [this](const absl::Status& status) { return Reject(status); }) {}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start(const std::string& host, int port) {
  return server_.Start(host, port);
}

void HttpGateway::Stop() { server_.Stop(); }

// Requests the HTTP layer refuses (oversized, malformed, too slow, too many connections) get
// the DCS error body and a request id like any other error.
http::Response HttpGateway::Reject(const absl::Status& status) {
  const std::string request_id = NewRequestId();
  http::Response res;
  res.headers.emplace_back("X-Request-Id", request_id);
  WriteError(status, request_id, res);
  LogInfo(absl::StrCat("http refused ", res.status, " request_id=", request_id, ": ",
                       status.message()));
  return res;
}

http::Response HttpGateway::Handle(const http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = NewRequestId();
  http::Response res;
  res.headers.emplace_back("X-Request-Id", request_id);
  // HEAD is answered like GET; the transport leaves the body out.
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  RouteMatch match = router_.Match(method, req.path);
  const std::string route = match.route ? match.route->pattern : "unmatched";
  absl::Status status;
  if (match.route == nullptr) {
    status = errors::NoRoute(req.method, req.path);
  } else {
    if (match.route->needs_auth) {
      status = authenticator_.Authenticate(SignableOf(req), match.params["project_id"]).status();
    }
    if (status.ok()) {
      RouteRequest route_request{match.params, req.query, req.body};
      absl::StatusOr<std::string> body = match.route->handler(route_request);
      if (body.ok()) {
        res.status = 200;
        res.headers.emplace_back("Content-Type", kJsonType);
        res.body = std::move(*body);
      }
      status = body.status();
    }
  }
  if (!status.ok()) WriteError(status, request_id, res);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.ObserveRequest("http", route, req.method, std::to_string(res.status), seconds);
  LogInfo(absl::StrCat("http ", req.method, " ", route, " ", res.status, " ",
                       static_cast<int>(seconds * 1000), "ms request_id=", request_id));
  return res;
}

}  // namespace rms::gateway

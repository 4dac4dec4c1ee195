// HttpGateway: the REST server around the routes: ids, size cap, auth, errors, log, metrics.
#include "services/gateway/http_gateway.h"

#include <httplib.h>

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

auth::SignableRequest SignableOf(const httplib::Request& req) {
  auth::SignableRequest out;
  out.method = req.method;
  out.path = req.target.substr(0, req.target.find('?'));
  for (const auto& [key, value] : req.params) out.query.emplace_back(key, value);
  for (const auto& [name, value] : req.headers) out.headers.emplace(name, value);
  out.body = req.body;
  return out;
}

void WriteError(const absl::Status& status, const std::string& request_id, httplib::Response& res) {
  status_mapping::MappedError error = status_mapping::MapError(status);
  if (!errors::DcsCodeOf(status)) {
    LogError(absl::StrCat("request ", request_id, " failed internally: ", status.ToString()));
  }
  res.status = error.http_status;
  res.set_content(status_mapping::DcsErrorBody(error), kJsonType);
}

}  // namespace

HttpGateway::HttpGateway(const Router& router, const auth::Authenticator& authenticator,
                         metrics::ApiMetrics& metrics)
    : router_(router),
      authenticator_(authenticator),
      metrics_(metrics),
      server_(std::make_unique<httplib::Server>()) {}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start(const std::string& host, int port) {
  server_->set_payload_max_length(kMaxBodyBytes);
  server_->set_tcp_nodelay(true);  // headers and body go in two writes: no Nagle delay
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  const std::string any = ".*";
  server_->Get(any, handler).Post(any, handler).Put(any, handler).Delete(any, handler);
  server_->Patch(any, handler).Options(any, handler);
  // Errors raised by the library itself (oversized or malformed requests) get the DCS shape.
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string request_id = NewRequestId();
        absl::Status status =
            res.status == 413
                ? errors::BadJson("the body is larger than 1 MiB")
                : errors::Make("DCS.4000", absl::StrCat("malformed HTTP request (HTTP ",
                                                        res.status, " from the HTTP layer)"));
        WriteError(status, request_id, res);
        res.set_header("X-Request-Id", request_id);
        return httplib::Server::HandlerResponse::Handled;
      }));
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
  } else {
    port_ = server_->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpGateway::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void HttpGateway::Handle(const httplib::Request& req, httplib::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = NewRequestId();
  res.set_header("X-Request-Id", request_id);
  RouteMatch match = router_.Match(req.method, req.path);
  const std::string route = match.route ? match.route->pattern : "unmatched";
  absl::Status status;
  if (match.route == nullptr) {
    status = errors::NoRoute(req.method, req.path);
  } else if (req.body.size() > kMaxBodyBytes) {
    status = errors::BadJson("the body is larger than 1 MiB");
  } else {
    if (match.route->needs_auth) {
      status = authenticator_.Authenticate(SignableOf(req), match.params["project_id"]).status();
    }
    if (status.ok()) {
      RouteRequest route_request{match.params, {}, req.body};
      for (const auto& [key, value] : req.params) route_request.query.emplace_back(key, value);
      absl::StatusOr<std::string> body = match.route->handler(route_request);
      if (body.ok()) {
        res.status = 200;
        res.set_content(*body, kJsonType);
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
}

}  // namespace rms::gateway

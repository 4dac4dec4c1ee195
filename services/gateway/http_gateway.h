// HttpGateway: the REST server (cpp-httplib): request ids, size cap, routing, authentication,
// error bodies, access log and metrics around the routes of api_routes.h.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "services/auth/authenticator.h"
#include "services/gateway/router.h"
#include "services/metrics/api_metrics.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rms::gateway {

inline constexpr size_t kMaxBodyBytes = 1 << 20;  // larger bodies: 400 DCS.4000

class HttpGateway {
 public:
  // All references must outlive the gateway.
  HttpGateway(const Router& router, const auth::Authenticator& authenticator,
              metrics::ApiMetrics& metrics);
  ~HttpGateway();

  // Binds host:port (port 0 = any free port) and serves on a background thread.
  // UNAVAILABLE if the address cannot be bound.
  absl::Status Start(const std::string& host, int port);
  // The bound port (after Start).
  int port() const { return port_; }
  // Stops accepting; requests in flight finish; joins the serving thread. Idempotent.
  void Stop();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);

  const Router& router_;
  const auth::Authenticator& authenticator_;
  metrics::ApiMetrics& metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace rms::gateway

// HttpGateway: the REST server (services/http): request ids, routing, authentication, error
// bodies, access log and metrics around the routes of api_routes.h.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "services/auth/authenticator.h"
#include "services/gateway/router.h"
#include "services/http/http_message.h"
#include "services/http/server.h"
#include "services/metrics/api_metrics.h"

namespace rms::gateway {

inline constexpr size_t kMaxBodyBytes = 1 << 20;  // larger bodies: 413 DCS.4413

class HttpGateway {
 public:
  // All references must outlive the gateway. `options` sets limits, the connection cap and TLS;
  // its body limit is always kMaxBodyBytes.
  HttpGateway(const Router& router, const auth::Authenticator& authenticator,
              metrics::ApiMetrics& metrics, http::ServerOptions options = {});
  ~HttpGateway();

  // Binds host:port (port 0 = any free port) and serves on background threads.
  // UNAVAILABLE if the address cannot be bound; INVALID_ARGUMENT if the TLS files are unusable.
  absl::Status Start(const std::string& host, int port);
  // The bound port (after Start).
  int port() const { return server_.port(); }
  // Stops accepting; requests in flight finish; joins the serving threads. Idempotent.
  void Stop();

 private:
  http::Response Handle(const http::Request& req);
  http::Response Reject(const absl::Status& status);

  const Router& router_;
  const auth::Authenticator& authenticator_;
  metrics::ApiMetrics& metrics_;
  http::Server server_;
};

}  // namespace rms::gateway

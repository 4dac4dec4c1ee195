// HttpApi: the Api over HTTP or HTTPS (cpp-httplib), one connection per request.
#pragma once

#include <memory>

#include "absl/time/time.h"
#include "services/ctl/api.h"
#include "services/ctl/ctl_options.h"

namespace rms::ctl {

class HttpApi : public Api {
 public:
  explicit HttpApi(ConnectionOptions connection, absl::Duration timeout = absl::Seconds(120))
      : connection_(std::move(connection)), timeout_(timeout) {}

  // See Api::Call. ConnectError names the endpoint and the transport error ("Connection").
  // Thread-compatible.
  absl::StatusOr<Json> Call(const ApiRequest& request) override;

 private:
  ConnectionOptions connection_;
  absl::Duration timeout_;
};

}  // namespace rms::ctl

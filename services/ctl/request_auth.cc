// Authenticates API requests by token or AK/SK signature.
#include "services/ctl/request_auth.h"

#include "services/auth/sdk_signing.h"
#include "services/common/status_macros.h"

namespace rms::ctl {

absl::StatusOr<HeaderList> AuthHeaders(const ConnectionOptions& connection,
                                       const ApiRequest& request, absl::Time now) {
  if (!connection.token.empty()) return HeaderList{{"X-Auth-Token", connection.token}};
  HeaderList headers = {
      {"Host", connection.endpoint.authority},
      {"X-Sdk-Date", absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone())}};
  auth::SignableRequest signable;
  signable.method = request.method;
  signable.path = request.path;
  signable.query = request.query;
  for (const auto& [name, value] : headers) signable.headers.emplace(name, value);
  signable.body = request.body;
  ASSIGN_OR_RETURN(std::string authorization,
                   auth::SignAsClient(connection.access_key, connection.secret_key, signable));
  headers.emplace_back("Authorization", std::move(authorization));
  return headers;
}

}  // namespace rms::ctl

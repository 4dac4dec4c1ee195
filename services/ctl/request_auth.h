// The headers that authenticate one API request: a token, or an SDK-HMAC-SHA256 signature.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ctl/api.h"
#include "services/ctl/ctl_options.h"

namespace rms::ctl {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// With a token: X-Auth-Token. With an access key: Host (the endpoint's authority), X-Sdk-Date
// (`now`, UTC) and Authorization signing method, path, query, those two headers and the body,
// as the server verifies it (services/auth/sdk_signing.h). The caller must send these headers
// unchanged and the body byte for byte. Errors: INTERNAL if signing fails.
absl::StatusOr<HeaderList> AuthHeaders(const ConnectionOptions& connection,
                                       const ApiRequest& request, absl::Time now);

}  // namespace rms::ctl

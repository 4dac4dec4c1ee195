// Turns a task's stored endpoint into an engine endpoint (address, credentials, TLS); names
// failures with stable codes.
#include "services/worker/endpoints.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/engine/io/memory_budget.h"

namespace rms::worker {

absl::StatusOr<engine::redis::Endpoint> ToEngineEndpoint(
    const task_config::EndpointConfig& endpoint, const crypto::SecretBox& secrets,
    absl::string_view role) {
  absl::string_view addrs = absl::StripAsciiWhitespace(endpoint.addrs);
  if (addrs.find(',') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", role, " has several nodes (", addrs,
                     "): Redis Cluster is not supported by this engine yet; give one node"));
  }
  engine::redis::Endpoint out;
  size_t colon = addrs.rfind(':');
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(addrs.substr(colon + 1), &out.port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", role, " address '", addrs, "' is not host:port"));
  }
  absl::string_view host = addrs.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.host = std::string(host);
  absl::StatusOr<std::string> password = secrets.Open(endpoint.sealed_password);
  if (!password.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot decrypt the ", role, " password (was the key file replaced?)"));
  }
  out.password = *std::move(password);
  out.username = endpoint.username;
  out.tls.enabled = endpoint.tls.enabled;
  out.tls.ca_cert = endpoint.tls.ca_cert;
  out.tls.server_name = endpoint.tls.server_name;
  out.tls.insecure_skip_verify = endpoint.tls.insecure_skip_verify;
  return out;
}

std::string FailureCode(absl::string_view phase, const absl::Status& status) {
  const absl::StatusCode code = status.code();
  if (phase == "source" || phase == "target") {
    const std::string side = phase == "source" ? "SOURCE" : "TARGET";
    if (code == absl::StatusCode::kUnauthenticated) return side + "_AUTH_FAILED";
    if (code == absl::StatusCode::kFailedPrecondition) {
      return phase == "source" ? "PSYNC_REFUSED" : "TARGET_REJECTED";
    }
    if (code == absl::StatusCode::kInvalidArgument) return "INVALID_TASK_CONFIG";
    return side + "_UNREACHABLE";
  }
  if (code == absl::StatusCode::kDataLoss) return "RDB_CORRUPT";
  if (code == absl::StatusCode::kFailedPrecondition) return "TARGET_REJECTED_KEY";
  if (code == absl::StatusCode::kResourceExhausted) {
    const std::string limit = engine::io::LimitCode(status);
    return limit.empty() ? "LIMIT_EXCEEDED" : limit;
  }
  return phase == "stream" ? "REPLICATION_LINK_LOST" : "SNAPSHOT_TRANSFER_FAILED";
}

}  // namespace rms::worker

// Turns a task's stored endpoint into an engine endpoint (address, credentials, TLS); names
// failures with stable codes.
#include "services/worker/endpoints.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/engine/io/memory_budget.h"

namespace rms::worker {

namespace {

absl::StatusOr<engine::redis::Endpoint> ParseNode(absl::string_view node, absl::string_view role) {
  engine::redis::Endpoint out;
  node = absl::StripAsciiWhitespace(node);
  size_t colon = node.rfind(':');
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(node.substr(colon + 1), &out.port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", role, " address '", node, "' is not host:port"));
  }
  absl::string_view host = node.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.host = std::string(host);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<engine::redis::Endpoint>> ToEngineEndpoints(
    const task_config::EndpointConfig& endpoint, const crypto::SecretBox& secrets,
    absl::string_view role) {
  std::vector<engine::redis::Endpoint> out;
  for (absl::string_view node : absl::StrSplit(endpoint.addrs, ',')) {
    ASSIGN_OR_RETURN(engine::redis::Endpoint parsed, ParseNode(node, role));
    out.push_back(std::move(parsed));
  }
  absl::StatusOr<std::string> password = secrets.Open(endpoint.sealed_password);
  if (!password.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot decrypt the ", role, " password (was the key file replaced?)"));
  }
  for (engine::redis::Endpoint& node : out) {
    node.password = *password;
    node.username = endpoint.username;
    node.tls.enabled = endpoint.tls.enabled;
    node.tls.ca_cert = endpoint.tls.ca_cert;
    node.tls.server_name = endpoint.tls.server_name;
    node.tls.insecure_skip_verify = endpoint.tls.insecure_skip_verify;
  }
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

// migrationctl's connection options: flags, then the RMS_* environment, then defaults.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "services/ctl/arg_parser.h"

namespace rms::ctl {

// Reads an environment variable; nullopt when unset. Empty values count as unset.
using EnvLookup = std::function<absl::optional<std::string>(const std::string& name)>;

// getenv(3).
EnvLookup ProcessEnvironment();

constexpr char kDefaultEndpoint[] = "http://127.0.0.1:8080";

// An http:// or https:// endpoint.
struct Endpoint {
  std::string host;
  int port = 80;
  std::string authority;  // "host:port" ("[::1]:8080"): the Host header
  bool tls = false;       // https://
  std::string Url() const { return (tls ? "https://" : "http://") + authority; }
};

// Parses "http://HOST[:PORT][/]", "https://HOST[:PORT][/]" (port 443 by default) or
// "HOST:PORT" ("[::1]:8080" for IPv6). UsageError for another scheme, a path, or a bad port.
absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text);

// How to reach and authenticate to the API. Exactly one of `token` and `access_key` is set;
// `secret_key` goes with `access_key`.
struct ConnectionOptions {
  Endpoint endpoint;
  std::string project;
  std::string token;
  std::string access_key;
  std::string secret_key;
  std::string ca_file;  // https: PEM file of the CA to trust ("" = the system's)
  // https: the client certificate (PEM chain) and its PEM key for a server that requires mutual
  // TLS; both or neither.
  std::string client_cert_file;
  std::string client_key_file;
};

// The flags every command accepts: --endpoint --project --token --access-key --secret-key-env
// --ca-file --client-cert --client-key, switches --json --help -h.
const FlagSpec& GlobalFlags();

// Resolves each option from its flag, else its variable (RMS_ENDPOINT, RMS_PROJECT, RMS_TOKEN,
// RMS_ACCESS_KEY, RMS_SECRET_KEY or the variable --secret-key-env names, RMS_CA_FILE,
// RMS_CLIENT_CERT, RMS_CLIENT_KEY), else the default.
// A token and an access key from the same level are ambiguous; from different levels the flag
// wins. UsageError: no project, no credentials, an access key without a secret key, an unset
// --secret-key-env variable, a bad endpoint, a client certificate without its key or the reverse.
absl::StatusOr<ConnectionOptions> ResolveConnection(const ParsedArgs& args, const EnvLookup& env);

}  // namespace rms::ctl

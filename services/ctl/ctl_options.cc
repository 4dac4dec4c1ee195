// migrationctl's connection options from flags and the environment.
#include "services/ctl/ctl_options.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"
#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

// A value from `flag`, else from the variable `var`; `from_flag` says which.
struct Resolved {
  std::string value;
  bool from_flag = false;
};

Resolved Resolve(const ParsedArgs& args, const std::string& flag, const EnvLookup& env,
                 const std::string& var) {
  if (absl::optional<std::string> v = args.Value(flag); v && !v->empty()) return {*v, true};
  return {env(var).value_or(""), false};
}

absl::StatusOr<std::string> SecretKey(const ParsedArgs& args, const EnvLookup& env) {
  absl::optional<std::string> var = args.Value("--secret-key-env");
  if (!var) return env("RMS_SECRET_KEY").value_or("");
  absl::optional<std::string> secret = env(*var);
  if (!secret) return UsageError(absl::StrCat("--secret-key-env: $", *var, " is not set"));
  return *secret;
}

absl::Status ResolveCredentials(const ParsedArgs& args, const EnvLookup& env,
                                ConnectionOptions& out) {
  const Resolved token = Resolve(args, "--token", env, "RMS_TOKEN");
  const Resolved access_key = Resolve(args, "--access-key", env, "RMS_ACCESS_KEY");
  bool use_token = !token.value.empty();
  if (use_token && !access_key.value.empty()) {
    if (token.from_flag == access_key.from_flag) {
      return UsageError("both a token and an access key are given: use one of them");
    }
    use_token = token.from_flag;
  }
  if (use_token) {
    out.token = token.value;
    return absl::OkStatus();
  }
  if (access_key.value.empty()) {
    return UsageError(
        "no credentials: set --token (or RMS_TOKEN), or --access-key (or RMS_ACCESS_KEY) with "
        "RMS_SECRET_KEY (or --secret-key-env VAR)");
  }
  ASSIGN_OR_RETURN(out.secret_key, SecretKey(args, env));
  if (out.secret_key.empty()) {
    return UsageError("the access key needs a secret key: RMS_SECRET_KEY or --secret-key-env VAR");
  }
  out.access_key = access_key.value;
  return absl::OkStatus();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> absl::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return absl::nullopt;
    return std::string(value);
  };
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text) {
  absl::string_view rest = text;
  bool tls = false;
  if (size_t scheme = rest.find("://"); scheme != absl::string_view::npos) {
    tls = absl::EqualsIgnoreCase(rest.substr(0, scheme), "https");
    if (!tls && !absl::EqualsIgnoreCase(rest.substr(0, scheme), "http")) {
      return UsageError(
          absl::StrCat("endpoint '", text, "': only http:// and https:// are supported"));
    }
    rest.remove_prefix(scheme + 3);
  }
  absl::ConsumeSuffix(&rest, "/");
  if (rest.empty() || absl::StrContains(rest, "/")) {
    return UsageError(absl::StrCat("endpoint '", text, "': expected http://HOST[:PORT]"));
  }
  Endpoint out;
  out.tls = tls;
  out.port = tls ? 443 : 80;
  const size_t bracket = rest.rfind(']');
  const size_t colon = rest.rfind(':');
  const bool has_port =
      colon != absl::string_view::npos && (bracket == absl::string_view::npos || colon > bracket);
  out.host = std::string(has_port ? rest.substr(0, colon) : rest);
  if (has_port &&
      (!absl::SimpleAtoi(rest.substr(colon + 1), &out.port) || out.port < 1 || out.port > 65535)) {
    return UsageError(absl::StrCat("endpoint '", text, "': bad port"));
  }
  out.authority = absl::StrCat(out.host, ":", out.port);
  if (absl::StartsWith(out.host, "[") && absl::EndsWith(out.host, "]")) {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) return UsageError(absl::StrCat("endpoint '", text, "': no host"));
  return out;
}

const FlagSpec& GlobalFlags() {
  static const FlagSpec* spec =
      new FlagSpec{{"--endpoint", "--project", "--token", "--access-key", "--secret-key-env",
                    "--ca-file", "--client-cert", "--client-key"},
                   {"--json", "--help", "-h"}};
  return *spec;
}

absl::StatusOr<ConnectionOptions> ResolveConnection(const ParsedArgs& args, const EnvLookup& env) {
  ConnectionOptions out;
  Resolved endpoint = Resolve(args, "--endpoint", env, "RMS_ENDPOINT");
  ASSIGN_OR_RETURN(out.endpoint,
                   ParseEndpoint(endpoint.value.empty() ? kDefaultEndpoint : endpoint.value));
  out.project = Resolve(args, "--project", env, "RMS_PROJECT").value;
  if (out.project.empty()) return UsageError("no project: set --project or RMS_PROJECT");
  RETURN_IF_ERROR(ResolveCredentials(args, env, out));
  out.ca_file = Resolve(args, "--ca-file", env, "RMS_CA_FILE").value;
  out.client_cert_file = Resolve(args, "--client-cert", env, "RMS_CLIENT_CERT").value;
  out.client_key_file = Resolve(args, "--client-key", env, "RMS_CLIENT_KEY").value;
  if (out.client_cert_file.empty() != out.client_key_file.empty()) {
    return UsageError(
        "--client-cert and --client-key (RMS_CLIENT_CERT, RMS_CLIENT_KEY) go together");
  }
  return out;
}

}  // namespace rms::ctl

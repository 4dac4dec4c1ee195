// Request bodies from files, stdin, flags and environment variables.
#include "services/ctl/body_inputs.h"

#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/ctl/exit_codes.h"

namespace rms::ctl {
namespace {

// The whole of file `path`, or of `in` when path is "-"; a usage error when it cannot be read.
absl::StatusOr<std::string> ReadText(const std::string& path, std::istream& in) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return text;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return UsageError(absl::StrCat("cannot read ", path));
  text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return text;
}

absl::StatusOr<std::string> MethodName(const std::string& method) {
  if (method == "full" || method == "full_amount_migration") return "full_amount_migration";
  if (method == "incremental" || method == "incremental_migration") return "incremental_migration";
  return UsageError(absl::StrCat("--method must be full or incremental, not '", method, "'"));
}

// Sets body[field] ("source_instance") from --<side>, --<side>-id, --<side>-password-env.
absl::Status ApplyInstance(const ParsedArgs& args, const std::string& side,
                           const std::string& field, const EnvLookup& env, bool required,
                           Json& body) {
  absl::optional<std::string> addrs = args.Value("--" + side);
  absl::optional<std::string> id = args.Value("--" + side + "-id");
  if (addrs && id)
    return UsageError(absl::StrCat("give --", side, " or --", side, "-id, not both"));
  if (required && !addrs && !id) {
    return UsageError(absl::StrCat("configure needs --", side, " ADDRS or --", side, "-id ID"));
  }
  ASSIGN_OR_RETURN(absl::optional<std::string> password,
                   PasswordFromEnv(args, "--" + side + "-password-env", env));
  if (!addrs && !id && !password) return absl::OkStatus();
  Json& instance = body[field];
  if (!instance.is_object()) instance = Json::object();
  if (addrs || id) instance = Json::object();
  if (addrs) instance["addrs"] = *addrs;
  if (id) instance["id"] = *id;
  if (password) instance["password"] = *password;
  return absl::OkStatus();
}

// Adds `username` and `tls` (our extension) to body[field] from --<side>-username,
// --<side>-tls, --<side>-tls-ca FILE, --<side>-tls-server-name NAME and --<side>-tls-insecure;
// any of the tls flags turns TLS on.
absl::Status ApplyAccess(const ParsedArgs& args, const std::string& side, const std::string& field,
                         std::istream& in, Json& body) {
  const std::string flag = "--" + side;
  absl::optional<std::string> user = args.Value(flag + "-username");
  absl::optional<std::string> ca = args.Value(flag + "-tls-ca");
  absl::optional<std::string> name = args.Value(flag + "-tls-server-name");
  const bool insecure = args.Switch(flag + "-tls-insecure");
  const bool tls = args.Switch(flag + "-tls") || ca || name || insecure;
  if (!user && !tls) return absl::OkStatus();
  Json& instance = body[field];
  if (!instance.is_object()) instance = Json::object();
  if (user) instance["username"] = *user;
  if (!tls) return absl::OkStatus();
  Json settings{{"enabled", true}};
  if (ca) {
    ASSIGN_OR_RETURN(settings["ca_cert"], ReadText(*ca, in));
  }
  if (name) settings["server_name"] = *name;
  if (insecure) settings["insecure_skip_verify"] = true;
  instance["tls"] = settings;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> ReadJsonObject(const std::string& path, std::istream& in) {
  ASSIGN_OR_RETURN(std::string text, ReadText(path, in));
  Json json = Json::parse(text, nullptr, false);
  if (!json.is_object()) {
    return UsageError(absl::StrCat(path == "-" ? "stdin" : path, " is not a JSON object"));
  }
  return json;
}

absl::StatusOr<absl::optional<std::string>> PasswordFromEnv(const ParsedArgs& args,
                                                            const std::string& flag,
                                                            const EnvLookup& env) {
  absl::optional<std::string> var = args.Value(flag);
  if (!var) return absl::optional<std::string>();
  absl::optional<std::string> password = env(*var);
  if (!password) return UsageError(absl::StrCat(flag, ": $", *var, " is not set"));
  return password;
}

absl::StatusOr<Json> ConfigureBody(const ParsedArgs& args, std::istream& in, const EnvLookup& env) {
  Json body = Json::object();
  const absl::optional<std::string> file = args.Value("--body");
  if (file) {
    ASSIGN_OR_RETURN(body, ReadJsonObject(*file, in));
  }
  const bool required = !file;
  RETURN_IF_ERROR(ApplyInstance(args, "source", "source_instance", env, required, body));
  RETURN_IF_ERROR(ApplyInstance(args, "target", "target_instance", env, required, body));
  RETURN_IF_ERROR(ApplyAccess(args, "source", "source_instance", in, body));
  RETURN_IF_ERROR(ApplyAccess(args, "target", "target_instance", in, body));
  if (absl::optional<std::string> method = args.Value("--method")) {
    ASSIGN_OR_RETURN(body["migration_method"], MethodName(*method));
  } else if (required) {
    return UsageError("configure needs --method full|incremental");
  }
  if (auto mode = args.Value("--resume-mode")) {
    body["resume_mode"] = *mode;
  } else if (required) {
    body["resume_mode"] = "auto";  // the API requires it; a --body is sent as written
  }
  if (auto bandwidth = args.Value("--bandwidth")) body["bandwidth_limit_mb"] = *bandwidth;
  if (auto mapping = args.Value("--db-mapping")) {
    // "2:0,5:0" -> {"2": 0, "5": 0}; the service checks the ranges.
    Json dbs = Json::object();
    for (absl::string_view pair : absl::StrSplit(*mapping, ',', absl::SkipWhitespace())) {
      std::vector<absl::string_view> sides = absl::StrSplit(pair, ':');
      int from = 0, to = 0;
      if (sides.size() != 2 || !absl::SimpleAtoi(sides[0], &from) ||
          !absl::SimpleAtoi(sides[1], &to)) {
        return UsageError(
            absl::StrCat("--db-mapping takes SRC:DST[,SRC:DST...], not '", pair, "'"));
      }
      dbs[std::to_string(from)] = to;
    }
    body["db_mapping"] = dbs;
  }
  return body;
}

absl::StatusOr<Json> VerifyBody(const ParsedArgs& args) {
  ASSIGN_OR_RETURN(absl::optional<int64_t> sample_keys,
                   IntFlag(args, "--sample-keys", 1, 1000000000));
  ASSIGN_OR_RETURN(absl::optional<int64_t> tolerance,
                   IntFlag(args, "--ttl-tolerance", 0, 365 * 86400));
  const std::string mode = args.Value("--mode").value_or(sample_keys ? "sample" : "full");
  if (mode != "full" && mode != "sample") {
    return UsageError(absl::StrCat("--mode must be full or sample, not '", mode, "'"));
  }
  Json body{{"mode", mode}};
  if (sample_keys) body["sample_keys"] = *sample_keys;
  if (tolerance) body["ttl_tolerance_s"] = *tolerance;
  return body;
}

}  // namespace rms::ctl

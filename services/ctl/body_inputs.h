// Request bodies from the command line: a --body file (or stdin), passwords from environment
// variables (never from arguments, which `ps` shows), and the configure body.
#pragma once

#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "services/ctl/api.h"
#include "services/ctl/arg_parser.h"
#include "services/ctl/ctl_options.h"

namespace rms::ctl {

// A JSON object from the file `path`, or from `in` when `path` is "-". UsageError when it
// cannot be read or is not a JSON object (the message never quotes the contents).
absl::StatusOr<Json> ReadJsonObject(const std::string& path, std::istream& in);

// The variable named by `flag` ("--source-password-env VAR"): nullopt without the flag,
// UsageError when the variable is unset.
absl::StatusOr<absl::optional<std::string>> PasswordFromEnv(const ParsedArgs& args,
                                                            const std::string& flag,
                                                            const EnvLookup& env);

// The body of POST /migration/{task}/task: the --body object if given, then the flags on top:
// --method full|incremental (or the API's full_amount_migration|incremental_migration),
// --resume-mode (default auto without --body), --bandwidth, and for source and target: --source
// ADDRS or --source-id ID,
// --source-password-env VAR (likewise --target*). Without --body, --source/--source-id,
// --target/--target-id and --method are required. UsageError for a missing or conflicting flag.
absl::StatusOr<Json> ConfigureBody(const ParsedArgs& args, std::istream& in, const EnvLookup& env);

// The body of POST /migration-task/{task}/verify: {"mode", "sample_keys", "ttl_tolerance_s"}
// from --mode full|sample (default full, or sample when --sample-keys is given), --sample-keys N
// and --ttl-tolerance S (integers; left out when not given). UsageError when malformed.
absl::StatusOr<Json> VerifyBody(const ParsedArgs& args);

}  // namespace rms::ctl

// The migrationd command line: flags of the server and of `credentials create`.
#include "services/server/command_line.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/api/string_fields.h"
#include "services/common/status_macros.h"
#include "services/server/duration_flag.h"

namespace rms::server {
namespace {

using Setter = std::function<absl::Status(const std::string& value)>;

absl::Status ParseInt(const std::string& flag, const std::string& value, int min, int max,
                      int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < min || *out > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " needs an integer between ", min, " and ", max));
  }
  return absl::OkStatus();
}

absl::Status ParseRoles(const std::string& value, ServerOptions& options) {
  options.api_role = options.worker_role = false;
  for (absl::string_view role : absl::StrSplit(value, ',')) {
    if (role == "api") {
      options.api_role = true;
    } else if (role == "worker") {
      options.worker_role = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--roles: unknown role '", role, "' (allowed: api, worker)"));
    }
  }
  return absl::OkStatus();
}

// The database URL kept in a file (a mounted secret), so it is in neither `ps` nor the
// environment: its first line, without surrounding blanks.
absl::Status ReadDatabaseUrlFile(const std::string& path, std::string* url) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--database-url-file: cannot read a line from ", path));
  }
  *url = std::string(absl::StripAsciiWhitespace(line));
  if (url->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--database-url-file: ", path, " is empty"));
  }
  return absl::OkStatus();
}

std::map<std::string, Setter> DatabaseFlags(DatabaseOptions& db) {
  return {
      {"--data-dir",
       [&db](const std::string& v) {
         db.data_dir = v;
         return absl::OkStatus();
       }},
      {"--database-url",
       [&db](const std::string& v) {
         db.database_url = v;
         return absl::OkStatus();
       }},
      {"--database-url-file",
       [&db](const std::string& v) { return ReadDatabaseUrlFile(v, &db.database_url); }},
      {"--key-file",
       [&db](const std::string& v) {
         db.key_file = v;
         return absl::OkStatus();
       }},
      {"--pool-size",
       [&db](const std::string& v) { return ParseInt("--pool-size", v, 1, 256, &db.pool_size); }},
  };
}

// Applies every "--flag value" / "--flag=value" of args[first..] through `flags`.
absl::Status ApplyFlags(const std::vector<std::string>& args, size_t first,
                        const std::map<std::string, Setter>& flags,
                        const std::map<std::string, std::function<void()>>& switches) {
  for (size_t i = first; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos && absl::StartsWith(name, "--")) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (auto sw = switches.find(name); sw != switches.end() && !inline_value) {
      sw->second();
      continue;
    }
    auto flag = flags.find(name);
    if (flag == flags.end()) return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name));
    if (!inline_value) {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError(absl::StrCat(name, " needs a value"));
      value = args[++i];
    }
    if (absl::Status s = flag->second(value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckListen(const std::string& flag, const std::string& value) {
  std::string host;
  int port = 0;
  return SplitHostPort(flag, value, &host, &port);
}

constexpr char kCredentialsUsage[] =
    "usage: migrationd credentials create --project P [--aksk] [--expires-in DURATION] | "
    "list --project P | revoke --project P CREDENTIAL_ID";

// `credentials create|list|revoke ...` into command.kind and command.credentials.
absl::Status ParseCredentialsCommand(const std::vector<std::string>& args, Command& command) {
  const std::string verb = args.size() < 2 ? "" : args[1];
  CredentialsOptions& c = command.credentials;
  auto flags = DatabaseFlags(c.database);
  flags["--project"] = [&c](const std::string& v) {
    c.project_id = v;
    return absl::OkStatus();
  };
  std::map<std::string, std::function<void()>> switches;
  std::vector<std::string> rest(args.begin() + std::min<size_t>(args.size(), 2), args.end());
  if (verb == "create") {
    command.kind = Command::Kind::kCreateCredentials;
    switches["--aksk"] = [&c] { c.aksk = true; };
    flags["--expires-in"] = [&c](const std::string& v) -> absl::Status {
      ASSIGN_OR_RETURN(c.expires_in, ParseDurationFlag("--expires-in", v, kMaxCredentialLifetime));
      return absl::OkStatus();
    };
  } else if (verb == "list") {
    command.kind = Command::Kind::kListCredentials;
  } else if (verb == "revoke") {
    command.kind = Command::Kind::kRevokeCredentials;
    // The one positional argument: the credential id (anywhere among the flags).
    for (size_t i = 0; i < rest.size(); ++i) {
      const bool takes_value = flags.count(rest[i]) > 0;
      if (absl::StartsWith(rest[i], "--")) {
        i += takes_value ? 1 : 0;
        continue;
      }
      if (!c.credential_id.empty()) return absl::InvalidArgumentError(kCredentialsUsage);
      c.credential_id = rest[i];
      rest.erase(rest.begin() + i);
      --i;
    }
    if (!api::IsValidId(c.credential_id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "revoke needs the credential_id that create or list printed; ", kCredentialsUsage));
    }
  } else {
    return absl::InvalidArgumentError(kCredentialsUsage);
  }
  RETURN_IF_ERROR(ApplyFlags(rest, 0, flags, switches));
  if (c.project_id.empty()) return absl::InvalidArgumentError("--project is required");
  if (!api::IsValidId(c.project_id)) {
    return absl::InvalidArgumentError(
        "--project needs 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or "
        "digit");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SplitHostPort(const std::string& flag, const std::string& value, std::string* host,
                           int* port) {
  size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " needs HOST:PORT, got '", value, "'"));
  }
  *host = value.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return ParseInt(flag, value.substr(colon + 1), 0, 65535, port);
}

absl::StatusOr<Command> ParseCommandLine(const std::vector<std::string>& args,
                                         const std::string& database_url_env) {
  Command command;
  command.serve.database.database_url = database_url_env;
  command.credentials.database.database_url = database_url_env;
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    command.kind = Command::Kind::kHelp;
    return command;
  }
  if (!args.empty() && args[0] == "credentials") {
    RETURN_IF_ERROR(ParseCredentialsCommand(args, command));
    return command;
  }
  ServerOptions& o = command.serve;
  auto flags = DatabaseFlags(o.database);
  auto listen = [](const char* flag, std::string& field) -> Setter {
    return [flag, &field](const std::string& v) {
      field = v;
      return CheckListen(flag, v);
    };
  };
  flags["--http-listen"] = listen("--http-listen", o.http_listen);
  flags["--grpc-listen"] = listen("--grpc-listen", o.grpc_listen);
  flags["--metrics-listen"] = listen("--metrics-listen", o.metrics_listen);
  flags["--roles"] = [&o](const std::string& v) { return ParseRoles(v, o); };
  flags["--workers"] = [&o](const std::string& v) {
    return ParseInt("--workers", v, 0, 256, &o.workers);
  };
  flags["--max-command-mb"] = [&o](const std::string& v) {
    return ParseInt("--max-command-mb", v, 1, 1 << 20, &o.max_command_mb);
  };
  flags["--max-transaction-mb"] = [&o](const std::string& v) {
    return ParseInt("--max-transaction-mb", v, 1, 1 << 20, &o.max_transaction_mb);
  };
  flags["--worker-memory-mb"] = [&o](const std::string& v) {
    return ParseInt("--worker-memory-mb", v, 16, 1 << 24, &o.worker_memory_mb);
  };
  flags["--snapshot-threads"] = [&o](const std::string& v) {
    if (v == "auto") {
      o.snapshot_threads = 0;
      return absl::OkStatus();
    }
    return ParseInt("--snapshot-threads", v, 1, 2, &o.snapshot_threads);
  };
  flags["--import-dir"] = [&o](const std::string& v) {
    o.import_dir = v;
    return absl::OkStatus();
  };
  flags["--max-running-per-project"] = [&o](const std::string& v) {
    return ParseInt("--max-running-per-project", v, 0, 1 << 20, &o.max_running_per_project);
  };
  flags["--ready-file"] = [&o](const std::string& v) {
    o.ready_file = v;
    return absl::OkStatus();
  };
  flags["--http-max-connections"] = [&o](const std::string& v) {
    return ParseInt("--http-max-connections", v, 1, 65536, &o.http_max_connections);
  };
  flags["--tls-cert-file"] = [&o](const std::string& v) {
    o.tls_cert_file = v;
    return absl::OkStatus();
  };
  flags["--tls-key-file"] = [&o](const std::string& v) {
    o.tls_key_file = v;
    return absl::OkStatus();
  };
  flags["--tls-client-ca"] = [&o](const std::string& v) {
    o.tls_client_ca_file = v;
    return absl::OkStatus();
  };
  flags["--tls-cert"] = flags["--tls-cert-file"];  // the shorter spellings, same meaning
  flags["--tls-key"] = flags["--tls-key-file"];
  if (absl::Status s = ApplyFlags(args, 0, flags, {}); !s.ok()) return s;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert-file and --tls-key-file go together");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca needs --tls-cert-file and --tls-key-file (mutual TLS is TLS first)");
  }
  return command;
}

const char* Usage() {
  return R"(usage:
  migrationd [--data-dir DIR] [--database-url URL] [--key-file PATH]
             [--http-listen HOST:PORT] [--grpc-listen HOST:PORT] [--metrics-listen HOST:PORT]
             [--roles api,worker] [--workers N] [--import-dir DIR] [--ready-file PATH]
             [--max-command-mb N] [--max-transaction-mb N] [--worker-memory-mb N]
             [--snapshot-threads auto|1|2] [--max-running-per-project N] [--http-max-connections N]
             [--tls-cert-file PEM --tls-key-file PEM [--tls-client-ca PEM]]
  migrationd credentials create --project P [--aksk] [--expires-in DURATION]
  migrationd credentials list --project P
  migrationd credentials revoke --project P CREDENTIAL_ID
             (each credentials command also takes [--data-dir DIR] [--database-url URL]
             [--key-file PATH])

defaults: --data-dir ./var (embedded PostgreSQL under it when --database-url is not given;
          the environment variable RMS_DATABASE_URL, when set, is the default --database-url;
          --database-url-file FILE reads it from the first line of FILE instead),
          --tls-cert and --tls-key are the same as --tls-cert-file and --tls-key-file,
          --key-file <data-dir>/secret.key, --http-listen 127.0.0.1:8080,
          --grpc-listen 127.0.0.1:9090, --metrics-listen 127.0.0.1:9464, --roles api,worker,
          --workers 2, --import-dir <data-dir>/import, --max-command-mb 1024,
          --max-transaction-mb 1024, --worker-memory-mb 2048 (shared by all --workers),
          --snapshot-threads auto (a snapshot is parsed on one thread and written to the
          target on another when migrationd may use 4 CPUs or more, else one thread does both),
          --max-running-per-project 0 (no cap). --expires-in takes N followed by s, m, h or d
          (30m, 12h, 90d; at most 3650d); without it a credential never expires.
          --http-max-connections 256; no TLS (with both TLS files, REST is HTTPS only and gRPC
          uses TLS, with the same certificate chain and key; with --tls-client-ca, a PEM bundle
          of CAs, both also require a client certificate signed by one of them, mutual TLS;
          see docs/tls.md).
          Port 0 picks a free port (see --ready-file).
)";
}

}  // namespace rms::server

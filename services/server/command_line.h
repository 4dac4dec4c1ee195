// The migrationd command line (a stable interface operators script against; see README.md).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rms::server {

// Where the state lives; shared by the server and the credentials command.
struct DatabaseOptions {
  std::string data_dir = "./var";  // embedded PostgreSQL, key file, lock
  std::string database_url;        // "" = embedded PostgreSQL under data_dir
  std::string key_file;            // "" = <data_dir>/secret.key
  int pool_size = 8;
};

struct ServerOptions {
  DatabaseOptions database;
  std::string http_listen = "127.0.0.1:8080";
  std::string grpc_listen = "127.0.0.1:9090";
  std::string metrics_listen = "127.0.0.1:9464";
  bool api_role = true;
  bool worker_role = true;
  int workers = 2;
  // Memory bounds of the worker role (MiB): one buffered replicated command, one open
  // transaction, and everything the engine buffers across all --workers slots.
  int max_command_mb = 1024;
  int max_transaction_mb = 1024;
  int worker_memory_mb = 2048;
  // 2: a snapshot is parsed and written on two threads; 1: on one; 0 (auto): 2 with 4 CPUs or more
  int snapshot_threads = 0;
  std::string import_dir;           // "" = <data_dir>/import; backup files are read only from here
  std::string ready_file;           // written (JSON with the bound ports) once everything listens
  int max_running_per_project = 0;  // leased tasks a project may hold at once; 0 = no cap
  int http_max_connections = 256;   // REST connections served at once; more get 503
  // Both set: REST over HTTPS and gRPC over TLS with this PEM certificate chain and key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // With the TLS files: a PEM bundle of CAs; REST and gRPC clients must present a certificate
  // signed by one of them (mutual TLS). "" = no client certificates.
  std::string tls_client_ca_file;
};

struct CredentialsOptions {
  DatabaseOptions database;
  std::string project_id;
  bool aksk = false;                                     // create
  absl::Duration expires_in = absl::InfiniteDuration();  // create: --expires-in
  std::string credential_id;                             // revoke
};

struct Command {
  enum class Kind {
    kServe,
    kCreateCredentials,
    kListCredentials,
    kRevokeCredentials,
    kHelp
  } kind = Kind::kServe;
  ServerOptions serve;
  CredentialsOptions credentials;
};

// The environment variable that supplies --database-url when the flag is absent, so that the
// URL (and its password) stays out of the process list.
inline constexpr char kDatabaseUrlEnv[] = "RMS_DATABASE_URL";

// Parses argv (without argv[0]). `--flag value` and `--flag=value` both work.
// `database_url_env` is the value of RMS_DATABASE_URL ("" when unset): the default of
// --database-url. INVALID_ARGUMENT naming the flag for unknown flags, missing values, bad numbers
// or roles, one TLS file without the other, or --tls-client-ca without them.
absl::StatusOr<Command> ParseCommandLine(const std::vector<std::string>& args,
                                         const std::string& database_url_env = "");

// The usage text printed by --help and after a command-line error.
const char* Usage();

// Splits "host:port" ("[::1]:80" for IPv6); INVALID_ARGUMENT naming `flag` otherwise.
absl::Status SplitHostPort(const std::string& flag, const std::string& value, std::string* host,
                           int* port);

}  // namespace rms::server

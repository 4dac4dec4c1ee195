// The --help text of migrationctl.
#include "services/ctl/migrationctl.h"

namespace rms::ctl {

const char* Usage() {
  return R"(usage: migrationctl [GLOBAL FLAGS] COMMAND [ARGS] [FLAGS]

A client of the migrationd REST API (docs/cli.md).

tasks:
  create NAME [--description D]                 create an online migration task
  configure TASK --source ADDRS|--source-id ID [--source-password-env VAR]
                 --target ADDRS|--target-id ID [--target-password-env VAR]
                 --method full|incremental [--resume-mode auto|manual] [--bandwidth MB]
                 [--source-username U] [--source-tls] [--source-tls-ca PEM_FILE]
                 [--source-tls-server-name NAME] [--source-tls-insecure] (same for --target-)
                 [--db-mapping SRC:DST[,SRC:DST...]]   e.g. 2:0 into a cluster's db 0
  configure TASK --body FILE                    raw JSON body ('-' = stdin); flags add to it
  list [--name N] [--offset N] [--limit N]      tasks of the project
  show TASK                                     task details
  stats TASK                                    progress counters
  logs TASK [--level info|warning|error] [--offset N] [--limit N]
  update TASK [--resume-mode auto|manual] [--bandwidth MB]
  stop TASK [--sync]                            --sync: return once really stopped
  restart TASK...                               batch restart
  delete TASK...                                delete stopped or finished tasks
  watch TASK [--interval S] [--follow]          progress until the task ends or streams
                                                (--follow: keep watching while it streams)
  verify TASK [--mode full|sample] [--sample-keys N] [--ttl-tolerance S] [--wait]
  verify TASK --id VERIFICATION [--wait]        look up a verification
                                                [--interval S]: poll interval of --wait
instances (registered Redis instances):
  instances create NAME --addrs HOST:PORT [--password-env VAR] [--description D]
  instances list [--offset N] [--limit N]
  instances show ID
  instances delete ID

global flags (each overrides its environment variable):
  --endpoint URL       RMS_ENDPOINT     http://HOST:PORT or https://HOST:PORT
                                        (default http://127.0.0.1:8080)
  --ca-file PEM        RMS_CA_FILE      https: the CA certificate to trust (default: the system's)
  --client-cert PEM    RMS_CLIENT_CERT  https: the client certificate for a server that requires
  --client-key PEM     RMS_CLIENT_KEY   mutual TLS, and its private key (both or neither)
  --project ID         RMS_PROJECT
  --token TOKEN        RMS_TOKEN        (prefer the variable: arguments show in `ps`)
  --access-key AK      RMS_ACCESS_KEY   AK/SK signing (SDK-HMAC-SHA256)
  --secret-key-env VAR RMS_SECRET_KEY   the variable holding the secret key
  --json               print the API's JSON reply (watch: one JSON object per line)
  --help, -h

Passwords are read only from environment variables (--*-password-env) or a --body file,
never from arguments, and never printed.

exit codes:
  0  ok (watch: SUCCESS, or streaming without --follow, or TERMINATED after --follow;
     verify --wait: no differences)
  1  the task failed (watch) or the verification found differences or failed
  2  usage error
  3  cannot connect to the endpoint
  4  the API answered an error (printed as error_code: error_msg)
)";
}

}  // namespace rms::ctl

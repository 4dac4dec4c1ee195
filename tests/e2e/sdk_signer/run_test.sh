#!/usr/bin/env bash
# End-to-end test: requests signed by the official Huawei Cloud Node.js SDK signer
# (@huaweicloud/huaweicloud-sdk-core) against a throwaway migrationd.
#
# usage: run_test.sh /path/to/migrationd
# Starts migrationd (embedded PostgreSQL in a temp dir under /tmp, every port 0, loopback only),
# issues an AK/SK with `migrationd credentials create --aksk`, runs sign_requests.js, then stops
# migrationd with SIGTERM and removes the temp dirs. Exit 77 (ctest SKIP) when node or the npm
# dependencies are missing (run `npm ci` in this folder).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
readonly here
readonly skip=77
readonly ready_deadline_s=120 stop_deadline_s=60

log() { echo "run_test.sh: $*" >&2; }

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  log "usage: $0 /path/to/migrationd (got: ${1:-nothing})"
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
readonly bin

if ! command -v node >/dev/null 2>&1; then
  log "SKIP: node is not installed"
  exit "$skip"
fi
if [ ! -f "$here/node_modules/@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js" ] ||
   [ ! -f "$here/node_modules/uuid/package.json" ]; then
  log "SKIP: $here/node_modules is missing; run 'npm ci' in $here"
  exit "$skip"
fi

data_dir=""
scratch=""
pid=""
server_status=0

stop_server() {
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + stop_deadline_s))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "migrationd (pid $pid) did not stop within ${stop_deadline_s}s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  if [ "$rc" -ne 0 ]; then log "migrationd (pid $pid) exited with status $rc"; fi
  server_status=$rc
  pid=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  if [ "$rc" -ne 0 ] && [ -n "$scratch" ] && [ -f "$scratch/migrationd.log" ]; then
    log "test failed (status $rc); last lines of the migrationd log:"
    tail -n 40 "$scratch/migrationd.log" >&2 || true
  fi
  [ -n "$data_dir" ] && rm -rf "$data_dir"
  [ -n "$scratch" ] && rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The data dir must be traversable by the postgres user when we run as root.
data_dir=$(mktemp -d /tmp/sdk_signer_e2e_data.XXXXXX)
chmod 755 "$data_dir"
scratch=$(mktemp -d /tmp/sdk_signer_e2e_run.XXXXXX)
ready="$scratch/ready.json"

# --roles api: this test is about request signing; no worker should connect to the Redis
# addresses of the configure body (127.0.0.1:6379/6380).
"$bin" --data-dir "$data_dir" \
  --http-listen 127.0.0.1:0 --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --roles api --ready-file "$ready" >"$scratch/migrationd.log" 2>&1 &
pid=$!
log "started migrationd (pid $pid), data dir $data_dir"

# json_field FILE KEY: prints a top-level field of a JSON file (fails if absent).
json_field() {
  node -e '
    const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]];
    if (v === undefined || v === null || v === "") process.exit(1);
    console.log(v);' "$1" "$2"
}

http_port=""
deadline=$((SECONDS + ready_deadline_s))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "migrationd exited before it was ready"
    exit 1
  fi
  if [ -s "$ready" ] && http_port=$(json_field "$ready" http_port 2>/dev/null); then
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "migrationd did not write $ready within ${ready_deadline_s}s"
    exit 1
  fi
  sleep 0.2
done
log "migrationd ready: $(cat "$ready")"

project_id=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
"$bin" credentials create --project "$project_id" --aksk --data-dir "$data_dir" \
  >"$scratch/credentials.json" 2>"$scratch/credentials.err" || {
  log "credentials create failed:"; cat "$scratch/credentials.err" >&2; exit 1; }
ak=$(json_field "$scratch/credentials.json" access_key) || { log "no access_key in credentials output"; exit 1; }
sk=$(json_field "$scratch/credentials.json" secret_key) || { log "no secret_key in credentials output"; exit 1; }
log "issued AK $ak for project $project_id"

(cd "$here" && SDK_E2E_ENDPOINT="http://127.0.0.1:$http_port" SDK_E2E_PROJECT_ID="$project_id" \
  SDK_E2E_AK="$ak" SDK_E2E_SK="$sk" node sign_requests.js)

stop_server
if [ "$server_status" -ne 0 ]; then
  log "FAIL: migrationd did not exit cleanly on SIGTERM (status $server_status)"
  exit 1
fi
log "PASS"

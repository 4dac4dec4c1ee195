#!/usr/bin/env bash
# Quick start: installs what is missing, builds migrationd and migrationctl, starts two
# password-protected redis-servers and migrationd (embedded PostgreSQL), then creates
# credentials, registers both Redis servers, creates and configures a full migration task with
# migrationctl (a client of the REST gateway), watches it to the end, shows the task, its stats
# and log, verifies the target key by key, and compares DEBUG DIGESTs.
# Leaves everything running until Ctrl-C (or exits at once with --exit), then stops what it
# started, by PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wait_at_end=1
[ "${1:-}" = "--exit" ] && wait_at_end=0

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" migrationd migrationctl  # only what the quick start runs, not the tests
bin="${RMS_BUILD_DIR:-$root/build}/bin"

work=$(mktemp -d /tmp/rms-quickstart.XXXXXX)
chmod 755 "$work"
data_dir="${RMS_DATA_DIR:-$root/var}"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$(dirname "$data_dir")" 2>/dev/null; then
  data_dir="$work/var"  # the embedded PostgreSQL runs as 'postgres', which cannot reach $root
  echo "note: $root is not reachable by user postgres; using data directory $data_dir"
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {  # wait_for SECONDS COMMAND...: polls COMMAND until it succeeds or time runs out
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 0.1
  done
}
start_redis() {  # start_redis PORT PASSWORD: config on stdin keeps the password out of `ps`
  printf 'port %s\nbind 127.0.0.1\nrequirepass %s\nsave ""\ndir %s\nenable-debug-command local\n' \
    "$1" "$2" "$work" | redis-server - >"$work/redis-$1.log" 2>&1 &
  pids+=($!)
  wait_for 10 env REDISCLI_AUTH="$2" redis-cli -p "$1" ping
}

src_port=$(free_port); tgt_port=$(free_port)
src_pass="src-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
tgt_pass="tgt-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_redis "$src_port" "$src_pass"
start_redis "$tgt_port" "$tgt_pass"
for i in $(seq 1 1000); do echo "SET key:$i value-$i"; done |
  REDISCLI_AUTH="$src_pass" redis-cli -p "$src_port" >/dev/null
echo "source redis 127.0.0.1:$src_port (1000 keys), target redis 127.0.0.1:$tgt_port"

"$bin/migrationd" --data-dir "$data_dir" \
  --http-listen "127.0.0.1:${RMS_HTTP_PORT:-8080}" --grpc-listen "127.0.0.1:${RMS_GRPC_PORT:-9090}" \
  --metrics-listen "127.0.0.1:${RMS_METRICS_PORT:-9464}" --ready-file "$work/ready.json" \
  2>"$work/migrationd.log" &
pids+=($!)
wait_for 60 test -s "$work/ready.json" || { cat "$work/migrationd.log"; exit 1; }
http_port=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' "$work/ready.json")
echo "migrationd is up: REST on 127.0.0.1:$http_port (log: $work/migrationd.log)"

project=quickstart
token=$("$bin/migrationd" credentials create --project "$project" --data-dir "$data_dir" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# migrationctl reads its connection from the environment (flags work too, see docs/cli.md).
export RMS_ENDPOINT="http://127.0.0.1:$http_port" RMS_PROJECT="$project" RMS_TOKEN="$token"
ctl() { echo "+ migrationctl $*" >&2; "$bin/migrationctl" "$@"; }
value() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# Passwords travel through the environment, never on a command line.
export SRC_PASS="$src_pass" TGT_PASS="$tgt_pass"
source_id=$(ctl --json instances create source --addrs "127.0.0.1:$src_port" --password-env SRC_PASS | value id)
target_id=$(ctl --json instances create target --addrs "127.0.0.1:$tgt_port" --password-env TGT_PASS | value id)
task_id=$(ctl --json create quickstart-task --description "quick start" | value id)
ctl configure "$task_id" --source-id "$source_id" --target-id "$target_id" --method full \
  --resume-mode auto --bandwidth 100
status=0
ctl watch "$task_id" || status=$?            # a live progress line until the task ends
ctl show "$task_id"
ctl stats "$task_id"
ctl logs "$task_id"
[ "$status" -eq 0 ] || { echo "the migration did not succeed (exit $status)" >&2; exit 1; }
ctl verify "$task_id" --wait                # compares every key: type, value, TTL
src_digest=$(REDISCLI_AUTH="$src_pass" redis-cli -p "$src_port" DEBUG DIGEST)
tgt_digest=$(REDISCLI_AUTH="$tgt_pass" redis-cli -p "$tgt_port" DEBUG DIGEST)
echo "DEBUG DIGEST source $src_digest"
echo "DEBUG DIGEST target $tgt_digest"
[ "$src_digest" = "$tgt_digest" ] || { echo "target differs from source" >&2; exit 1; }
cat <<EOF

The target now equals the source. Try an online migration (snapshot, then every write forwarded
until you stop it) with --method incremental, or:
  export RMS_ENDPOINT=$RMS_ENDPOINT RMS_PROJECT=$project RMS_TOKEN=$token
  $bin/migrationctl list
EOF
if [ "$wait_at_end" -eq 1 ]; then
  echo "Everything keeps running; press Ctrl-C to stop it all."
  wait "${pids[@]}"
fi

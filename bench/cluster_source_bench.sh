#!/usr/bin/env bash
# Cluster-source benchmark: an incremental migration from a Redis Cluster source of 3 masters vs
# 1 master holding the same data, into a 3-master cluster target: full-sync time and incremental
# throughput, every run checked equal. See bench/README.md.
#
# usage: bench/cluster_source_bench.sh [--keys N] [--value-bytes B] [--writes W] [--runs R]
#          [--layouts 'M1 M2...'] [--target-masters M] [--samples S] [--timeout S] [--results FILE]
#          [--keep]
#
# Starts its own redis-servers (cluster-enabled, loopback, free ports, `save ""`, private temp
# dir) and its own migrationd (embedded PostgreSQL in the temp dir, ports 0). Per layout and run:
# a fresh source cluster loaded with N strings, a fresh target cluster, one incremental task.
# Everything it started is stopped by PID at exit.
{ # the whole script is one block, so bash parses it completely before running it
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
helpers="$root/bench/cluster_bench_helpers.py"
py=/usr/bin/python3

keys=1000000
value_bytes=100
writes=300000
runs=1
layouts="3 1"
target_masters=3
samples=2000
timeout_s=3600
results=""
keep=0

usage() {
  sed -n '6,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; shift 2 ;;
    --writes) writes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --layouts) layouts=$2; shift 2 ;;
    --target-masters) target_masters=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '6,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
for n in "$keys" "$value_bytes" "$writes" "$runs" "$target_masters" "$samples" "$timeout_s" \
         $layouts; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
for m in $layouts $target_masters; do
  # redis-cli --cluster create needs 3 masters; one master takes every slot itself.
  [ "$m" -eq 1 ] || [ "$m" -ge 3 ] || { echo "a cluster has 1 or >= 3 masters: $m" >&2; exit 2; }
done
[ "$runs" -ge 1 ] && [ "$writes" -ge 3 ] || { echo "--runs >= 1, --writes >= 3" >&2; exit 2; }

# --- binaries ---------------------------------------------------------------------------------
bin="${MIGRATIOND:-${RMS_BUILD_DIR:-$root/build}/bin/migrationd}"  # MIGRATIOND=path: that binary
if [ ! -x "$bin" ] && [ -z "${MIGRATIOND:-}" ]; then
  echo "building migrationd (missing)..." >&2
  cmake -S "$root" -B "${RMS_BUILD_DIR:-$root/build}" >/dev/null
  cmake --build "${RMS_BUILD_DIR:-$root/build}" -j2 --target migrationd >/dev/null
fi
[ -x "$bin" ] || { echo "no migrationd at $bin" >&2; exit 1; }
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done

# --- processes we start, stopped by PID at exit -----------------------------------------------
work=$(mktemp -d /tmp/rms-cluster-bench.XXXXXX)
chmod 755 "$work"  # the embedded PostgreSQL runs as 'postgres' when we are root
[ -n "$results" ] || results="$work/results.jsonl"
: >"$results"
pids=()
forget_pid() {  # forget_pid PID: no longer ours to stop at exit
  local kept=() p
  for p in "${pids[@]+"${pids[@]}"}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]+"${kept[@]}"}")
}
stop_pid() {  # stop_pid PID: SIGTERM, wait for it to exit
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}
cleanup() {
  local rc=$?
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" -eq 1 ] || [ $rc -ne 0 ]; then
    echo "work directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {  # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 0.05
  done
}
# start_node NAME: a cluster-enabled redis-server; sets started_port/started_pid.
start_node() {
  local name=$1 port bus
  port=$(free_port); bus=$(free_port)
  mkdir -p "$work/$name"
  printf '%s\n' "port $port" "bind 127.0.0.1" 'save ""' "appendonly no" "dir $work/$name" \
    "cluster-enabled yes" "cluster-port $bus" "cluster-config-file nodes.conf" \
    "enable-debug-command local" "repl-diskless-sync-delay 0" "loglevel notice" |
    redis-server - >"$work/$name.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  started_port=$port
  wait_for 20 redis-cli -p "$port" ping || { cat "$work/$name.log" >&2; exit 1; }
}
cluster_ok() {  # cluster_ok PORT...: every node says cluster_state:ok and knows every node
  local port
  for port in "$@"; do
    redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || return 1
    redis-cli -p "$port" cluster info | grep -q "^cluster_known_nodes:$#" || return 1
  done
}
# make_cluster NAME MASTERS: sets cluster_ports and cluster_pids (space-separated).
make_cluster() {
  local name=$1 masters=$2 i addrs=()
  cluster_ports=""; cluster_pids=""
  for i in $(seq 1 "$masters"); do
    start_node "$name-$i"
    cluster_ports="$cluster_ports $started_port"; cluster_pids="$cluster_pids $started_pid"
    addrs+=("127.0.0.1:$started_port")
  done
  cluster_ports=${cluster_ports# }; cluster_pids=${cluster_pids# }
  if [ "$masters" -eq 1 ]; then
    redis-cli -p "$cluster_ports" cluster addslotsrange 0 16383 >/dev/null
  else
    redis-cli --cluster create "${addrs[@]}" --cluster-yes >"$work/$name-create.log" 2>&1 ||
      { cat "$work/$name-create.log" >&2; exit 1; }
  fi
  # shellcheck disable=SC2086
  wait_for 60 cluster_ok $cluster_ports || { echo "cluster $name not ok" >&2; exit 1; }
}
stop_cluster() {  # stop_cluster NAME PIDS
  local pid
  for pid in $2; do stop_pid "$pid"; done
  rm -rf "$work/$1"-*/
}

# --- migrationd (started before any clock) ----------------------------------------------------
mkdir -p "$work/md"
"$bin" --data-dir "$work/md" --http-listen 127.0.0.1:0 --grpc-listen 127.0.0.1:0 \
  --metrics-listen 127.0.0.1:0 --ready-file "$work/ready.json" 2>"$work/migrationd.log" &
md_pid=$!
pids+=("$md_pid")
wait_for 120 test -s "$work/ready.json" || { cat "$work/migrationd.log" >&2; exit 1; }
http_port=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' \
  "$work/ready.json")
token=$("$bin" credentials create --project bench --data-dir "$work/md" |
  $py -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api="http://127.0.0.1:$http_port/v2/bench"
echo "== migrationd pid $md_pid, REST on 127.0.0.1:$http_port (work dir $work)"

# --- runs -------------------------------------------------------------------------------------
for masters in $layouts; do
  for run in $(seq 1 "$runs"); do
    label="m$masters-r$run"
    echo "== $label: source $masters master(s), $keys keys of $value_bytes B;" \
         "target $target_masters master(s); $writes writes"
    make_cluster "src-$label" "$masters"
    src_ports=$cluster_ports; src_pids=$cluster_pids
    # shellcheck disable=SC2086
    $py "$helpers" fill ${src_ports%% *} --keys "$keys" --value-bytes "$value_bytes"
    make_cluster "tgt-$label" "$target_masters"
    tgt_ports=$cluster_ports; tgt_pids=$cluster_pids
    $py "$helpers" run "$api" "$token" --source "${src_ports// /,}" --target "${tgt_ports// /,}" \
      --writes "$writes" --value-bytes "$value_bytes" --samples "$samples" --label "$label" \
      --timeout "$timeout_s" >>"$results" || {
      echo "run $label failed; migrationd log tail (without requests):" >&2
      grep -v " http " "$work/migrationd.log" | tail -20 >&2
      exit 1
    }
    stop_cluster "tgt-$label" "$tgt_pids"
    stop_cluster "src-$label" "$src_pids"
  done
done

echo
echo "== results (best of $runs per layout)"
$py "$helpers" table "$results"
if [ "$keep" -eq 1 ] || [[ "$results" != "$work"/* ]]; then
  echo "raw results (JSON lines): $results"
fi
exit 0
}

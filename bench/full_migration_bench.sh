#!/usr/bin/env bash
# Full-migration benchmark: native Redis replication vs our full_amount_migration, same source,
# same machine, in one run. See bench/README.md.
#
# usage: bench/full_migration_bench.sh [--keys N] [--profile strings|mixed] [--value-bytes B]
#          [--populate-gb G] [--runs R] [--diskless-sync-delay S] [--source-config 'LINE']...
#          [--native-diskless-load both|disabled|on-empty-db|swapdb] [--md-cpus LIST]
#          [--snapshot-threads auto|1|2] [--timeout S] [--results FILE] [--keep] [--perf]
#
# Starts its own redis-servers (loopback, free ports, `save ""`, private temp dir) and its own
# migrationd (embedded PostgreSQL in the temp dir, ports 0; under `taskset -c LIST` with
# --md-cpus), loads the source, then for each round times (a) REPLICAOF into a fresh empty
# redis-server, once per native repl-diskless-load mode (default `both`: disabled, then
# on-empty-db) and (b) a full_amount_migration task into a fresh empty redis-server, checks
# DEBUG DIGEST after (b), and prints the best of each.
# Everything it started is stopped by PID at exit.
{ # the whole script is one block, so bash parses it completely before running it
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
helpers="$root/bench/bench_helpers.py"
py=/usr/bin/python3

keys=1000000
profile=strings
value_bytes=100
value_bytes_set=0
populate_gb=""
runs=2
sync_delay=0
timeout_s=3600
results=""
keep=0
perf=0
native_load=both
md_cpus=""
snapshot_threads=auto
source_config=()

usage() {
  sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; value_bytes_set=1; shift 2 ;;
    --populate-gb) populate_gb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --diskless-sync-delay) sync_delay=$2; shift 2 ;;
    --source-config) source_config+=("$2"); shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --perf) perf=1; shift ;;
    --native-diskless-load) native_load=$2; shift 2 ;;
    --md-cpus) md_cpus=$2; shift 2 ;;
    --snapshot-threads) snapshot_threads=$2; shift 2 ;;
    -h|--help) sed -n "4,8p" "$0" | sed "s/^# \{0,1\}//"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
case "$profile" in strings|mixed) ;; *) echo "--profile must be strings or mixed" >&2; exit 2 ;; esac
case "$native_load" in
  both) native_modes=(disabled on-empty-db) ;;  # disk load (Redis' default), then from the socket
  disabled|on-empty-db|swapdb) native_modes=("$native_load") ;;
  *) echo "--native-diskless-load must be both, disabled, on-empty-db or swapdb" >&2; exit 2 ;;
esac
md_launch=()  # prefix of the migrationd command line: taskset -c LIST with --md-cpus
case "$snapshot_threads" in auto|1|2) ;; *) echo "--snapshot-threads must be auto, 1 or 2" >&2; exit 2 ;; esac
if [ -n "$md_cpus" ]; then
  [[ "$md_cpus" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || {
    echo "--md-cpus: '$md_cpus' is not a CPU list for taskset -c (digits, commas, dashes," \
         "e.g. 0 or 0,1 or 0-3)" >&2; exit 2; }
  command -v taskset >/dev/null ||
    { echo "--md-cpus needs taskset (util-linux), which is not installed" >&2; exit 1; }
  taskset -c "$md_cpus" true 2>/dev/null ||
    { echo "--md-cpus: taskset -c $md_cpus fails on this machine (CPUs 0-$(($(nproc --all) - 1))" \
           "exist; allowed here: $(taskset -cp $$ | sed 's/.*: //'))" >&2; exit 2; }
  md_launch=(taskset -c "$md_cpus")
fi
fill_bytes=0
if [ -n "$populate_gb" ]; then
  # DEBUG POPULATE as many ~1 KB strings as make G GiB of used_memory on the source (1000-byte
  # values: with their sds header they fill jemalloc's 1 KiB size class exactly).
  [ "$profile" = strings ] || { echo "--populate-gb needs --profile strings" >&2; exit 2; }
  [ "$value_bytes_set" -eq 1 ] || value_bytes=1000
  fill_bytes=$($py -c 'import sys; print(int(float(sys.argv[1]) * 2**30))' "$populate_gb") ||
    { echo "--populate-gb: not a number" >&2; exit 2; }
  keys=$($py -c 'import sys; print(int(int(sys.argv[1]) / (int(sys.argv[2]) + 100)))' \
    "$fill_bytes" "$value_bytes")  # an estimate, for the memory check only
fi
for n in "$keys" "$value_bytes" "$runs" "$sync_delay" "$timeout_s"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
[ "$runs" -ge 1 ] && [ "$keys" -ge 1 ] || { echo "--runs and --keys must be at least 1" >&2; exit 2; }

# --- binaries ---------------------------------------------------------------------------------
bin="${MIGRATIOND:-${RMS_BUILD_DIR:-$root/build}/bin/migrationd}"  # MIGRATIOND=path: that binary
if [ ! -x "$bin" ] && [ -z "${MIGRATIOND:-}" ]; then
  echo "building migrationd (missing)..." >&2
  cmake -S "$root" -B "${RMS_BUILD_DIR:-$root/build}" >/dev/null
  cmake --build "${RMS_BUILD_DIR:-$root/build}" -j2 --target migrationd >/dev/null
fi
[ -x "$bin" ] || { echo "no migrationd at $bin" >&2; exit 1; }
if [ -z "${MIGRATIOND:-}" ] &&
   [ -n "$(find "$root/services" "$root/storage" -newer "$bin" -type f -print -quit)" ]; then
  echo "warning: $bin is older than some sources; rebuild with:" \
       "cmake --build build -j2 --target migrationd" >&2
fi
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }

# --- processes we start, stopped by PID at exit -----------------------------------------------
work=$(mktemp -d /tmp/rms-bench.XXXXXX)
chmod 755 "$work"  # the embedded PostgreSQL runs as 'postgres' when we are root
[ -n "$results" ] || results="$work/results.jsonl"
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
# start_redis NAME [EXTRA CONFIG LINE...]: sets started_port/started_pid; config comes on stdin.
start_redis() {
  local name=$1; shift
  local port; port=$(free_port)
  mkdir -p "$work/$name"
  {
    printf 'port %s\nbind 127.0.0.1\nsave ""\nappendonly no\ndir %s\n' "$port" "$work/$name"
    printf 'enable-debug-command local\nloglevel notice\n'
    for line in "$@"; do printf '%s\n' "$line"; done
  } | redis-server - >"$work/$name.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  started_port=$port
  wait_for 20 redis-cli -p "$port" ping || { cat "$work/$name.log" >&2; exit 1; }
  [ "$(redis-cli -p "$port" ping)" = PONG ] || { echo "redis $name not answering" >&2; exit 1; }
}
json_field() { $py -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# --- source -----------------------------------------------------------------------------------
if [ -n "$populate_gb" ]; then
  echo "== source: $profile profile, ~$populate_gb GiB of $value_bytes-byte values (work dir $work)"
else
  echo "== source: $profile profile, $keys keys, $value_bytes-byte values (work dir $work)"
fi
avail_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
est_kb=$((keys * (value_bytes + 120) / 1024))
if [ $((est_kb * 2 + 1048576)) -gt "$avail_kb" ]; then
  echo "warning: source (~$((est_kb / 1024)) MiB) + one target may not fit in" \
       "$((avail_kb / 1024)) MiB available" >&2
fi
start_redis source "repl-diskless-sync-delay $sync_delay" "${source_config[@]+"${source_config[@]}"}"
src_port=$started_port; src_pid=$started_pid
$py "$helpers" populate "$src_port" --profile "$profile" --keys "$keys" --value-bytes "$value_bytes" \
  --fill-bytes "$fill_bytes"
src_info=$($py "$helpers" info "$src_port" --digest)
src_digest=$(json_field "$src_info" digest)
src_dbsize=$(json_field "$src_info" dbsize)
diskless=$(redis-cli -p "$src_port" config get repl-diskless-sync | tail -1)
echo "   dbsize $src_dbsize, used_memory $(json_field "$src_info" used_memory_human)," \
     "digest $src_digest, repl-diskless-sync $diskless, repl-diskless-sync-delay $sync_delay"

# --- migrationd (started before any clock) ----------------------------------------------------
mkdir -p "$work/md"
# With --md-cpus, taskset sets the affinity and execs migrationd (same PID); its embedded
# PostgreSQL child inherits the affinity.
"${md_launch[@]+"${md_launch[@]}"}" "$bin" --data-dir "$work/md" --http-listen 127.0.0.1:0 \
  --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --ready-file "$work/ready.json" \
  --snapshot-threads "$snapshot_threads" 2>"$work/migrationd.log" &
md_pid=$!
pids+=("$md_pid")
wait_for 120 test -s "$work/ready.json" || { cat "$work/migrationd.log" >&2; exit 1; }
md_affinity=$($py -c 'import os,sys; a=sorted(os.sched_getaffinity(int(sys.argv[1])))
print(len(a), ",".join(map(str, a)))' "$md_pid")
md_allowed=${md_affinity%% *}
md_allowed_list=${md_affinity#* }
$py - "$src_info" "$profile" "$value_bytes" "$diskless" "$sync_delay" "$native_load" \
  "$md_cpus" "$md_allowed" "$md_allowed_list" "${native_modes[@]}" >"$results" <<'EOF'
import json, os, sys
info = json.loads(sys.argv[1])
info.update(kind="meta", profile=sys.argv[2], value_bytes=int(sys.argv[3]),
            repl_diskless_sync=sys.argv[4], repl_diskless_sync_delay=int(sys.argv[5]),
            native_repl_diskless_load=sys.argv[6], native_modes=sys.argv[10:],
            cpus=os.cpu_count(), md_cpus=sys.argv[7] or None,
            md_allowed_cpus=int(sys.argv[8]), md_allowed_cpu_list=sys.argv[9])
print(json.dumps(info))
EOF
http_port=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' \
  "$work/ready.json")
token=$("$bin" credentials create --project bench --data-dir "$work/md" |
  $py -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api="http://127.0.0.1:$http_port/v2/bench"
echo "== migrationd pid $md_pid, REST on 127.0.0.1:$http_port, CPUs ${md_cpus:-not pinned}," \
  "--snapshot-threads $snapshot_threads" \
     "($md_allowed allowed: $md_allowed_list)"

# --- rounds -----------------------------------------------------------------------------------
for round in $(seq 1 "$runs"); do
  # (a) native replication into a fresh, empty redis-server, once per repl-diskless-load mode
  # (set explicitly, `disabled` being Redis' default).
  for mode in "${native_modes[@]}"; do
    start_redis "native-$round-$mode" "repl-diskless-load $mode"
    tgt_port=$started_port; tgt_pid=$started_pid
    out=$($py "$helpers" native "$src_port" "$tgt_port" "$src_pid" "$tgt_pid" --timeout "$timeout_s")
    echo "$out" | $py -c 'import json,sys; d=json.load(sys.stdin); d["kind"]="native"
d["native_mode"]=sys.argv[1]; print(json.dumps(d))' "$mode" >>"$results"
    echo "   round $round native ($mode): $(json_field "$out" seconds)s"
    stop_pid "$tgt_pid"; rm -rf "$work/native-$round-$mode"
  done

  # (b) our full migration into a fresh, empty redis-server.
  start_redis "ours-$round"
  tgt_port=$started_port; tgt_pid=$started_pid
  out=$($py "$helpers" ours "$api" "$token" "$src_port" "$tgt_port" "$md_pid" "$src_pid" \
    "$tgt_pid" --label "$round" --timeout "$timeout_s") || {
    echo "our migration failed; migrationd log tail:" >&2; tail -30 "$work/migrationd.log" >&2
    exit 1
  }
  tgt_info=$($py "$helpers" info "$tgt_port" --digest)
  if [ "$(json_field "$tgt_info" digest)" != "$src_digest" ]; then
    echo "FAIL: DEBUG DIGEST of the target ($(json_field "$tgt_info" digest), dbsize" \
         "$(json_field "$tgt_info" dbsize)) differs from the source ($src_digest, dbsize" \
         "$src_dbsize) after round $round" >&2
    exit 1
  fi
  echo "$out" | $py -c 'import json,sys; d=json.load(sys.stdin); d["kind"]="ours"; print(json.dumps(d))' >>"$results"
  echo "   round $round ours:   $(json_field "$out" seconds)s (digest ok)," \
       "peak VmRSS $(( $(json_field "$out" peak_vmrss_kb) / 1024 )) MiB"
  stop_pid "$tgt_pid"; rm -rf "$work/ours-$round"
done

# --- optional profile: one more (untimed) migration with perf attached to migrationd and the
# target (flat profiles, self time by symbol: the binaries have no frame pointers), and a 2 ms
# sampler of what the worker thread, the target and the source's RDB child are doing.
if [ "$perf" -eq 1 ]; then
  command -v perf >/dev/null || { echo "--perf: perf is not installed" >&2; exit 1; }
  start_redis "ours-perf"
  tgt_port=$started_port; tgt_pid=$started_pid
  perf record -F 999 -o "$work/perf-migrationd.data" -p "$md_pid" >"$work/perf-md.log" 2>&1 &
  perf_md=$!
  perf record -F 999 -o "$work/perf-target.data" -p "$tgt_pid" >"$work/perf-tgt.log" 2>&1 &
  perf_tgt=$!
  pids+=("$perf_md" "$perf_tgt")
  sleep 0.5
  $py "$helpers" ours "$api" "$token" "$src_port" "$tgt_port" "$md_pid" "$src_pid" "$tgt_pid" \
    --label perf --timeout "$timeout_s" --wait-profile >"$work/perf-run.json"
  kill -INT "$perf_md" "$perf_tgt" 2>/dev/null || true
  wait "$perf_md" "$perf_tgt" 2>/dev/null || true
  forget_pid "$perf_md"; forget_pid "$perf_tgt"
  for what in migrationd target; do
    echo
    echo "== perf: $what, self time by symbol (run took $(json_field "$(cat "$work/perf-run.json")" seconds)s with perf attached)"
    perf report -i "$work/perf-$what.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
      grep -v '^#' | grep '%' | sed 's/  *- *- *$//; s/   */  /g' | cut -c1-160 | head -30 || true
  done
  echo
  echo "== where the time goes (the same run, sampled every 2 ms)"
  $py -c 'import json,sys; d=json.load(open(sys.argv[1]))
for who, shares in d["wait_profile"].items(): print(f"  {who:13s} {shares}")
print("  phases", d["phases"], "CPU s: migrationd", d["migrationd_cpu_s"], "source", d["source_cpu_s"], "target", d["target_cpu_s"])' \
    "$work/perf-run.json"
  stop_pid "$tgt_pid"; rm -rf "$work/ours-perf"
fi

echo
echo "== results (best of $runs; repl-diskless-sync $diskless on the source," \
     "repl-diskless-sync-delay $sync_delay, native target repl-diskless-load" \
     "$(printf '%s' "${native_modes[*]}" | sed 's/ / and /g');" \
     "migrationd CPUs ${md_cpus:-not pinned} ($md_allowed allowed)," \
     "--snapshot-threads $snapshot_threads)"
$py "$helpers" table "$results"
if [ "$keep" -eq 1 ] || [[ "$results" != "$work"/* ]]; then
  echo "raw results (JSON lines): $results"
fi
exit 0
}

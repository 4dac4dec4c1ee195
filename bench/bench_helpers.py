#!/usr/bin/python3
"""Helpers of bench/full_migration_bench.sh: dataset loading, the timed runs, /proc sampling.

Subcommands (all talk to loopback Redis servers without a password):
  populate PORT --profile strings|mixed --keys N --value-bytes B
  info PORT                         -> JSON: dbsize, used_memory, digest, rdb version...
  native SRC_PORT TGT_PORT TGT_PID  -> JSON: seconds of REPLICAOF -> synced (+ CPU, phases)
  ours API TOKEN SRC_PORT TGT_PORT MIGRATIOND_PID SRC_PID TGT_PID
                                    -> JSON: seconds of configure -> SUCCESS (+ RSS, CPU, phases)
  table RESULTS.jsonl               -> the summary table
Every timed command prints one JSON object on stdout; progress goes to stderr.
"""
import argparse
import http.client
import json
import os
import socket
import sys
import threading
import time

import redis

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def client(port, timeout=None):
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=timeout,
                       socket_connect_timeout=5)


# ---------------------------------------------------------------------------------------------
# /proc sampling
# ---------------------------------------------------------------------------------------------

def proc_status_kb(pid, field):
    """VmRSS / VmHWM of `pid` in KiB (None once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid, children=True):
    """utime+stime (+ cutime+cstime of reaped children, e.g. a Redis fork) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17 (1-based)
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def thread_cpu(pid):
    """{tid: (comm, cpu seconds)} for every thread of `pid`."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[tid] = (comm, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return out


def thread_cpu_delta(before, after):
    rows = []
    for tid, (comm, cpu) in after.items():
        rows.append((round(cpu - before.get(tid, (comm, 0.0))[1], 2), f"{comm}/{tid}"))
    rows.sort(reverse=True)
    return [{"thread": name, "cpu_s": cpu} for cpu, name in rows if cpu > 0.0]


class RssSampler(threading.Thread):
    """Samples VmRSS of a process every `interval` seconds until stopped."""

    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.samples = 0
        self.total_kb = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            rss = proc_status_kb(self.pid, "VmRSS")
            if rss is not None:
                self.peak_kb = max(self.peak_kb, rss)
                self.samples += 1
                self.total_kb += rss
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()
        return {"peak_vmrss_kb": self.peak_kb, "samples": self.samples,
                "mean_vmrss_kb": self.total_kb // max(1, self.samples)}


SYSCALL_NAMES = {0: "read", 1: "write", 7: "poll", 23: "select", 35: "nanosleep", 44: "sendto",
                 45: "recvfrom", 61: "wait4", 202: "futex", 230: "clock_nanosleep",
                 232: "epoll_wait", 270: "pselect6", 271: "ppoll", 281: "epoll_pwait"}


class WaitSampler(threading.Thread):
    """Where the time goes, by sampling every `interval` s: for the migrationd thread that talks
    to the source and target (found by the sockets it polls), whether it is runnable ("CPU":
    running or waiting for a core) or waits, and for whom; for the target's main thread, busy or idle in epoll; for the source's RDB child, busy
    or blocked writing (its consumer is slower than it). Reads /proc/<pid>/task/<tid>/stat and
    syscall, and the poll(2) fd array from /proc/<pid>/mem (needs root or ptrace rights)."""

    def __init__(self, md_pid, src_pid, tgt_pid, src_port, tgt_port, interval=0.002):
        super().__init__(daemon=True)
        self.md_pid, self.src_pid, self.tgt_pid = md_pid, src_pid, tgt_pid
        self.ports = {src_port: "source", tgt_port: "target"}
        self.interval = interval
        self.counts = {"worker": {}, "target": {}, "source_child": {}}
        self._halt = threading.Event()
        self._inodes = {}
        self.worker_tid = None

    @staticmethod
    def _read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return None

    def _state(self, pid, tid):
        raw = self._read(f"/proc/{pid}/task/{tid}/stat")
        return raw.rsplit(")", 1)[1].split()[0] if raw else None

    def _peer_of_fd(self, pid, fd):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            return "?"
        if not link.startswith("socket:["):
            return "other"
        inode = link[8:-1]
        if inode not in self._inodes:
            for table in ("/proc/net/tcp", "/proc/net/tcp6"):
                for line in (self._read(table) or "").splitlines()[1:]:
                    parts = line.split()
                    remote_port = int(parts[2].rsplit(":", 1)[1], 16)
                    self._inodes[parts[9]] = self.ports.get(remote_port, "other")
        return self._inodes.get(inode, "other")

    def _blocked_on(self, pid, tid):
        """(syscall name, peer of its fd) of a sleeping thread."""
        raw = self._read(f"/proc/{pid}/task/{tid}/syscall")
        if not raw or raw.startswith("running"):
            return "running", None
        parts = raw.split()
        nr = int(parts[0])
        if nr < 0:  # blocked outside a system call (a page fault...)
            return "fault", None
        name = SYSCALL_NAMES.get(nr, f"syscall{nr}")
        fd = None
        if nr in (7, 271):  # poll/ppoll: the first pollfd of the array is the socket
            try:
                with open(f"/proc/{pid}/mem", "rb") as mem:
                    mem.seek(int(parts[1], 16))
                    fd = int.from_bytes(mem.read(4), "little", signed=True)
            except (OSError, ValueError):
                fd = None
        elif nr in (0, 1, 44, 45):
            fd = int(parts[1], 16)
        return name, (self._peer_of_fd(pid, fd) if fd is not None and fd >= 0 else None)

    def _count(self, who, what):
        bucket = self.counts[who]
        bucket[what] = bucket.get(what, 0) + 1

    def _sample_worker(self):
        tids = [self.worker_tid] if self.worker_tid else os.listdir(f"/proc/{self.md_pid}/task")
        for tid in tids:
            state = self._state(self.md_pid, tid)
            if state is None:
                continue
            if state == "R":
                if self.worker_tid:
                    self._count("worker", "running (CPU)")
                continue
            name, peer = self._blocked_on(self.md_pid, tid)
            if name == "running":  # it woke up between the two reads
                if self.worker_tid == tid:
                    self._count("worker", "running (CPU)")
                continue
            if peer in ("source", "target") and not self.worker_tid:
                self.worker_tid = tid
            if self.worker_tid == tid:
                self._count("worker", f"waiting for {peer} ({name})" if peer else f"in {name}")

    def _sample_target(self):
        state = self._state(self.tgt_pid, self.tgt_pid)
        if state == "R":
            self._count("target", "busy (CPU)")
        elif state:
            name, _ = self._blocked_on(self.tgt_pid, self.tgt_pid)
            self._count("target", "busy (CPU)" if name == "running" else
                        "idle (epoll_wait)" if "epoll" in name else f"in {name}")

    def _sample_source_child(self):
        kids = (self._read(f"/proc/{self.src_pid}/task/{self.src_pid}/children") or "").split()
        for kid in kids:
            state = self._state(kid, kid)
            if state == "R":
                self._count("source_child", "producing RDB (CPU)")
            elif state:
                name, _ = self._blocked_on(kid, kid)
                self._count("source_child",
                            "producing RDB (CPU)" if name == "running" else
                            "blocked writing (consumer slower)" if name == "write" else
                            f"in {name}")

    def run(self):
        while not self._halt.is_set():
            self._sample_worker()
            self._sample_target()
            self._sample_source_child()
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()
        out = {}
        for who, bucket in self.counts.items():
            total = sum(bucket.values()) or 1
            out[who] = {k: f"{100.0 * v / total:.0f}%" for k, v in
                        sorted(bucket.items(), key=lambda kv: -kv[1])}
        return out


# ---------------------------------------------------------------------------------------------
# populate
# ---------------------------------------------------------------------------------------------

# One EVAL creates keys m:<i> for i in [start, start+count): the type is chosen by i % 20, about
# one key in ten gets a TTL of 1-25 hours (far enough not to expire during a run). Values are
# slices of a random pool, so RDB compression (LZF) cannot shrink them much.
MIXED_LUA = r"""
local start, count, vbytes = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
math.randomseed(start)
local t = {}
for j = 1, 65536 do t[j] = string.char(math.random(0, 255)) end
local pool = table.concat(t)
local function val(i, n)
  local off = (i * 7919) % (65536 - n) + 1
  return string.sub(pool, off, off + n - 1)
end
local function small(i, j) return 'e' .. j .. ':' .. string.sub(pool, (i + j) % 60000 + 1, (i + j) % 60000 + 8) end
for i = start, start + count - 1 do
  local kind = i % 20
  local k = 'm:' .. i
  if kind <= 6 then                                   -- 35%: strings of vbytes random bytes
    redis.call('SET', k, val(i, vbytes))
  elseif kind == 7 then                               -- 5%: integers and bitmaps
    if i % 2 == 0 then redis.call('SET', k, i) else redis.call('SETBIT', k, i % 4096, 1) end
  elseif kind <= 9 then                               -- 10%: hashes (listpack; 1/40 hashtable)
    local n = (i % 400 == 8) and 600 or 10
    local args = {}
    for j = 1, n do args[#args + 1] = 'f' .. j; args[#args + 1] = val(i + j, 16) end
    redis.call('HSET', k, unpack(args))
  elseif kind <= 11 then                              -- 10%: lists (1/40 with 300 elements)
    local n = (i % 400 == 10) and 300 or 10
    local args = {}
    for j = 1, n do args[#args + 1] = val(i + j, 20) end
    redis.call('RPUSH', k, unpack(args))
  elseif kind <= 13 then                              -- 10%: sets (intset, hashtable)
    local args = {}
    if i % 2 == 0 then for j = 1, 12 do args[#args + 1] = i + j * 3 end
    else for j = 1, 12 do args[#args + 1] = small(i, j) end end
    redis.call('SADD', k, unpack(args))
  elseif kind <= 15 then                              -- 10%: zsets (listpack; 1/40 skiplist)
    local n = (i % 400 == 14) and 200 or 10
    local args = {}
    for j = 1, n do args[#args + 1] = (i % 1000) + j / 7; args[#args + 1] = small(i, j) end
    redis.call('ZADD', k, unpack(args))
  elseif kind == 16 then                              -- 5%: streams, half with a group + PEL
    for j = 1, 8 do redis.call('XADD', k, '*', 'n', j, 'p', val(i + j, 24)) end
    if i % 40 == 16 then
      redis.call('XGROUP', 'CREATE', k, 'g1', '0')
      redis.call('XREADGROUP', 'GROUP', 'g1', 'c1', 'COUNT', 3, 'STREAMS', k, '>')
      redis.call('XGROUP', 'CREATE', k, 'g2', '$')
    end
  elseif kind == 17 then                              -- 5%: HyperLogLog (sparse)
    local args = {}
    for j = 1, 40 do args[#args + 1] = i * 100 + j end
    redis.call('PFADD', k, unpack(args))
  elseif kind == 18 then                              -- 5%: geo
    local args = {}
    for j = 1, 5 do
      args[#args + 1] = ((i * 13 + j * 7) % 3500) / 10 - 175
      args[#args + 1] = ((i * 7 + j * 11) % 1600) / 10 - 80
      args[#args + 1] = 'p' .. j
    end
    redis.call('GEOADD', k, unpack(args))
  else                                                -- 5%: more strings, short
    redis.call('SET', k, val(i, 32))
  end
  if i % 10 == 3 then redis.call('PEXPIRE', k, 3600000 + (i % 86400) * 1000) end
end
return count
"""

# Big keys: RPUSH/HSET `count` elements of KEYS[1] in one call.
BIG_LIST_LUA = r"""
math.randomseed(tonumber(ARGV[3]))
local t = {}
for j = 1, 65536 do t[j] = string.char(math.random(0, 255)) end
local pool = table.concat(t)
local n, size, batch = tonumber(ARGV[1]), tonumber(ARGV[2]), {}
for i = 1, n do
  local off = (i * 7919) % (65536 - size) + 1
  batch[#batch + 1] = string.sub(pool, off, off + size - 1)
  if #batch == 1000 then redis.call('RPUSH', KEYS[1], unpack(batch)); batch = {} end
end
if #batch > 0 then redis.call('RPUSH', KEYS[1], unpack(batch)) end
return n
"""
BIG_HASH_LUA = r"""
local n, batch = tonumber(ARGV[1]), {}
for i = 1, n do
  batch[#batch + 1] = 'field:' .. i; batch[#batch + 1] = 'value:' .. (i * 2654435761 % 4294967296)
  if #batch == 2000 then redis.call('HSET', KEYS[1], unpack(batch)); batch = {} end
end
if #batch > 0 then redis.call('HSET', KEYS[1], unpack(batch)) end
return n
"""


def populate(args):
    r = client(args.port)
    started = time.monotonic()
    if args.profile == "strings":
        step = 1_000_000
        done = 0
        if args.fill_bytes:
            # Calibrate: how much used_memory one key of this size costs, then fill up to
            # fill_bytes of used_memory.
            base = r.info("memory")["used_memory"]
            r.execute_command("DEBUG", "POPULATE", 100_000, "key0", args.value_bytes)
            per_key = (r.info("memory")["used_memory"] - base) / 100_000
            args.keys = max(100_000, int((args.fill_bytes - base) / per_key))
            done = 100_000
            log(f"  {per_key:.0f} bytes of used_memory per key: {args.keys} keys for "
                f"{args.fill_bytes / 2**30:.2f} GiB")
        while done < args.keys:
            n = min(step - done % step, args.keys - done)
            # DEBUG POPULATE count prefix size names its keys prefix:0 .. prefix:count-1 and
            # skips existing ones: a prefix per step keeps the names apart.
            r.execute_command("DEBUG", "POPULATE", done % step + n, f"key{done // step}",
                              args.value_bytes)
            done += n
            log(f"  populated {done}/{args.keys} strings")
    else:
        regular = max(0, args.keys - 2)
        sha = r.script_load(MIXED_LUA)
        batch = 20_000
        for start in range(0, regular, batch):
            r.evalsha(sha, 0, start, min(batch, regular - start), args.value_bytes)
            if (start // batch) % 10 == 9:
                log(f"  populated {min(start + batch, regular)}/{regular} mixed keys")
        # A 20 MB list (200k x 100 random bytes: rewritten as commands, it is over the 16 MiB
        # RESTORE limit) and a 500k-field hash.
        r.eval(BIG_LIST_LUA, 1, "big:list", 200_000, 100, 7)
        r.eval(BIG_HASH_LUA, 1, "big:hash", 500_000)
        r.pexpire("big:hash", 7 * 86400 * 1000)
    log(f"  populate took {time.monotonic() - started:.1f}s, dbsize {r.dbsize()}")


def info(args):
    r = client(args.port, timeout=600)
    mem = r.info("memory")
    server = r.info("server")
    out = {
        "dbsize": r.dbsize(),
        "used_memory": mem["used_memory"],
        "used_memory_human": mem["used_memory_human"],
        "redis_version": server["redis_version"],
    }
    if args.digest:
        digest = r.execute_command("DEBUG", "DIGEST")
        out["digest"] = digest.decode() if isinstance(digest, bytes) else digest
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# native replication
# ---------------------------------------------------------------------------------------------

def wait_no_child(r, limit=30.0):
    """Waits (untimed) until the source has reaped its RDB child, so its CPU is in cutime."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        p = r.info("persistence")
        if not p.get("rdb_bgsave_in_progress") and p.get("current_fork_perc", 0) in (0, 0.0):
            return
        time.sleep(0.05)


def native(args):
    src = client(args.src_port, timeout=600)
    tgt = client(args.tgt_port, timeout=600)
    want = src.dbsize()
    src_cpu0, tgt_cpu0 = cpu_seconds(args.src_pid), cpu_seconds(args.tgt_pid)
    poll = args.poll
    phases = {}
    load0 = os.getloadavg()[0]
    started = time.monotonic()
    tgt.execute_command("REPLICAOF", "127.0.0.1", args.src_port)
    deadline = started + args.timeout
    while True:
        now = time.monotonic()
        if now > deadline:
            raise SystemExit(f"native replication not synced after {args.timeout}s")
        repl = tgt.info("replication")
        if repl.get("master_sync_in_progress") == 1 and "transfer_started" not in phases:
            phases["transfer_started"] = round(now - started, 3)
        if tgt.info("persistence").get("loading") == 1 and "loading_started" not in phases:
            phases["loading_started"] = round(now - started, 3)
        if repl.get("master_link_status") == "up" and repl.get("master_sync_in_progress") == 0:
            try:
                if tgt.dbsize() == want:
                    break
            except redis.exceptions.BusyLoadingError:
                pass
        time.sleep(poll)
    seconds = time.monotonic() - started
    wait_no_child(src)
    out = {
        "seconds": round(seconds, 3),
        "dbsize": want,
        "loadavg_1m_before": load0,
        "phases": phases,
        "source_cpu_s": round(cpu_seconds(args.src_pid) - src_cpu0, 2),
        "target_cpu_s": round(cpu_seconds(args.tgt_pid) - tgt_cpu0, 2),
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# our full migration
# ---------------------------------------------------------------------------------------------

# Commands the target sees from the bench and the worker's probes, not from the migration.
NOT_MIGRATION_COMMANDS = {"info", "dbsize", "ping", "command", "select", "auth", "hello"}


class Api:
    """A REST client of the gateway: one connection per request. (On a kept-alive connection
    every response after the first arrives ~40 ms late: the gateway writes headers and body in
    two sends without TCP_NODELAY, and Nagle waits for the client's delayed ACK.)"""

    def __init__(self, base, token):
        # base: http://127.0.0.1:PORT/v2/PROJECT
        rest = base.split("://", 1)[1]
        hostport, prefix = rest.split("/", 1)
        self.prefix = "/" + prefix
        self.host, port = hostport.split(":")
        self.port = int(port)
        self.token = token

    def call(self, method, path, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        headers = {"X-Auth-Token": self.token, "Content-Type": "application/json",
                   "Content-Length": str(len(data)), "Connection": "close"}
        for attempt in range(3):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.connect()
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn.request(method, self.prefix + path, body=data, headers=headers)
                reply = conn.getresponse()
                text = reply.read()
            except (http.client.HTTPException, OSError):
                if attempt == 2:
                    raise
                continue
            finally:
                conn.close()
            if reply.status != 200:
                raise SystemExit(f"{method} {path}: HTTP {reply.status}: {text[:500]!r}")
            return json.loads(text) if text else {}


def parse_done_message(logs):
    """(keys, rdb bytes) from the FULL_SYNC_DONE log: 'snapshot copied: N keys, M RDB bytes'."""
    for entry in logs.get("migration_logs", []):
        if entry.get("log_code") == "FULL_SYNC_DONE":
            words = entry.get("message", "").replace(",", "").split()
            try:
                return int(words[2]), int(words[4])
            except (IndexError, ValueError):
                return None, None
    return None, None


def ours(args):
    api = Api(args.api, args.token)
    src = client(args.src_port, timeout=600)
    tgt = client(args.tgt_port, timeout=600)
    want = src.dbsize()
    created = api.call("POST", "/migration/instance", {"name": f"bench-{args.label}"})
    task_id = created["id"]
    body = {
        "migration_method": "full_amount_migration",
        "resume_mode": "manual",
        "source_instance": {"addrs": f"127.0.0.1:{args.src_port}"},
        "target_instance": {"addrs": f"127.0.0.1:{args.tgt_port}"},
    }
    idle_rss = proc_status_kb(args.pid, "VmRSS")
    threads0 = thread_cpu(args.pid)
    md_cpu0 = cpu_seconds(args.pid, children=False)
    src_cpu0, tgt_cpu0 = cpu_seconds(args.src_pid), cpu_seconds(args.tgt_pid)
    load0 = os.getloadavg()[0]
    sampler = RssSampler(args.pid)
    sampler.start()
    waits = None
    if args.wait_profile:
        waits = WaitSampler(args.pid, args.src_pid, args.tgt_pid, args.src_port, args.tgt_port)
        waits.start()
    phases = {}
    status = None
    started = time.monotonic()
    api.call("POST", f"/migration/{task_id}/task", body)
    phases["configure_returned"] = round(time.monotonic() - started, 3)
    deadline = started + args.timeout
    while True:
        now = time.monotonic()
        if now > deadline:
            sampler.stop()
            if waits:
                waits.stop()
            raise SystemExit(f"task {task_id} not done after {args.timeout}s (status {status})")
        status = api.call("GET", f"/migration-task/{task_id}")["status"]
        if status != "MIGRATING" and "claimed" not in phases:
            phases["claimed"] = round(now - started, 3)
        if status == "SUCCESS":
            break
        if status in ("MIGRATION_FAILED", "FAILED", "TERMINATED"):
            sampler.stop()
            if waits:
                waits.stop()
            logs = api.call("GET", f"/migration-task/{task_id}/logs?limit=100")
            raise SystemExit(f"task {task_id} ended {status}: {json.dumps(logs)[:3000]}")
        keys = tgt.dbsize()
        if keys > 0 and "first_key_on_target" not in phases:
            phases["first_key_on_target"] = round(now - started, 3)
        if keys >= want and "all_keys_on_target" not in phases:
            phases["all_keys_on_target"] = round(now - started, 3)
        time.sleep(args.poll)
    seconds = time.monotonic() - started
    rss = sampler.stop()
    wait_profile = waits.stop() if waits else None
    wait_no_child(src)
    threads = thread_cpu_delta(threads0, thread_cpu(args.pid))
    logs = api.call("GET", f"/migration-task/{task_id}/logs?limit=100")
    keys, rdb_bytes = parse_done_message(logs)
    # What the target was sent: RESTOREs vs rewritten keys (RPUSH/HSET/... chunks).
    target_commands = {name[len("cmdstat_"):]: stat["calls"]
                       for name, stat in tgt.info("commandstats").items()
                       if name[len("cmdstat_"):] not in NOT_MIGRATION_COMMANDS}
    out = {
        "seconds": round(seconds, 3),
        "task_id": task_id,
        "loadavg_1m_before": load0,
        "dbsize": want,
        "keys_written": keys,
        "rdb_bytes": rdb_bytes,
        "phases": phases,
        "idle_vmrss_kb": idle_rss,
        "peak_vmrss_kb": rss["peak_vmrss_kb"],
        "mean_vmrss_kb": rss["mean_vmrss_kb"],
        "rss_samples": rss["samples"],
        "vmhwm_kb": proc_status_kb(args.pid, "VmHWM"),
        "migrationd_cpu_s": round(cpu_seconds(args.pid, children=False) - md_cpu0, 2),
        "source_cpu_s": round(cpu_seconds(args.src_pid) - src_cpu0, 2),
        "target_cpu_s": round(cpu_seconds(args.tgt_pid) - tgt_cpu0, 2),
        "target_commands": target_commands,
        "busiest_threads": threads[:4],
        "wait_profile": wait_profile,
        "log": [f"{e.get('created_at')} {e.get('log_code')}: {e.get('message')}"
                for e in logs.get("migration_logs", [])],
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------------------------

def human_bytes(n):
    if n is None:
        return "?"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


# Column names of the native replica's repl-diskless-load modes.
NATIVE_MODE_LABELS = {"disabled": "native disk", "on-empty-db": "native diskless",
                      "swapdb": "native swapdb"}


def native_mode_of(run, meta):
    """The repl-diskless-load of a native run (results written before it was recorded: the
    meta line's single mode, or Redis' default)."""
    mode = run.get("native_mode")
    if mode:
        return mode
    meta_mode = meta.get("native_repl_diskless_load")
    return meta_mode if meta_mode and meta_mode != "both" else "disabled"


def table(args):
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    meta = next(r for r in rows if r["kind"] == "meta")
    native_runs = [r for r in rows if r["kind"] == "native"]
    our_runs = [r for r in rows if r["kind"] == "ours"]
    # The native modes in the order they were planned (meta) or first seen.
    modes = list(meta.get("native_modes") or [])
    for r in native_runs:
        if native_mode_of(r, meta) not in modes:
            modes.append(native_mode_of(r, meta))
    if not modes:
        modes = ["disabled"]
    by_mode = {m: [r for r in native_runs if native_mode_of(r, meta) == m] for m in modes}
    best_native = {m: min((r["seconds"] for r in runs), default=None)
                   for m, runs in by_mode.items()}
    best_ours = min(r["seconds"] for r in our_runs) if our_runs else None
    rdb = next((r["rdb_bytes"] for r in our_runs if r.get("rdb_bytes")), None)
    peak = max((r["peak_vmrss_kb"] for r in our_runs), default=None)
    hwm = max((r["vmhwm_kb"] or 0 for r in our_runs), default=None)
    label = {m: NATIVE_MODE_LABELS.get(m, f"native {m}") for m in modes}
    header = ["profile", "keys", "RDB size"]
    values = [meta["profile"], str(meta["dbsize"]), human_bytes(rdb)]
    for m in modes:
        header.append(f"{label[m]} s")
        values.append(f"{best_native[m]:.2f}" if best_native[m] else "?")
    header.append("ours s")
    values.append(f"{best_ours:.2f}" if best_ours else "?")
    for m in modes:
        header.append(f"ours/{label[m]}")
        values.append(f"{best_ours / best_native[m]:.2f}" if best_native[m] and best_ours
                      else "?")
    header += ["our peak VmHWM", "our peak VmRSS (sampled)", "source used_memory"]
    values += [human_bytes(hwm * 1024) if hwm else "?",
               human_bytes(peak * 1024) if peak else "?",
               human_bytes(meta["used_memory"])]
    widths = [max(len(h), len(v)) for h, v in zip(header, values)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |")
    print()
    natives = ", ".join(f"{label[m]} ({m}) {[r['seconds'] for r in by_mode[m]]}" for m in modes)
    print(f"all runs (s): {natives}, ours {[r['seconds'] for r in our_runs]}; idle migrationd "
          f"VmRSS {human_bytes((our_runs[0]['idle_vmrss_kb'] or 0) * 1024) if our_runs else '?'}"
          f"; migrationd CPUs {meta.get('md_cpus') or 'not pinned'} "
          f"({meta.get('md_allowed_cpus', '?')} allowed)")
    width = max(len(m) for m in modes)
    for r in native_runs:
        mode = native_mode_of(r, meta)
        print(f"  native run ({mode}):{' ' * (width - len(mode))} {r['seconds']}s "
              f"(load {r['loadavg_1m_before']:.1f}) phases {r['phases']} CPU source "
              f"{r['source_cpu_s']}s target {r['target_cpu_s']}s")
    for r in our_runs:
        print(f"  ours run:{' ' * (width + 5)} {r['seconds']}s (load "
              f"{r['loadavg_1m_before']:.1f}) phases {r['phases']} CPU migrationd "
              f"{r['migrationd_cpu_s']}s source {r['source_cpu_s']}s target "
              f"{r['target_cpu_s']}s; busiest threads {r['busiest_threads'][:2]}")
    if our_runs and our_runs[-1].get("target_commands"):
        print(f"  commands the target received (last run): {our_runs[-1]['target_commands']}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("populate")
    s.add_argument("port", type=int)
    s.add_argument("--profile", choices=["strings", "mixed"], default="strings")
    s.add_argument("--keys", type=int, required=True)
    s.add_argument("--value-bytes", type=int, default=100)
    s.add_argument("--fill-bytes", type=int, default=0,
                   help="strings: as many keys as make this much used_memory (overrides --keys)")
    s.set_defaults(fn=populate)
    s = sub.add_parser("info")
    s.add_argument("port", type=int)
    s.add_argument("--digest", action="store_true")
    s.set_defaults(fn=info)
    s = sub.add_parser("native")
    for name in ("src_port", "tgt_port", "src_pid", "tgt_pid"):
        s.add_argument(name, type=int)
    s.add_argument("--poll", type=float, default=0.01)
    s.add_argument("--timeout", type=float, default=3600)
    s.set_defaults(fn=native)
    s = sub.add_parser("ours")
    s.add_argument("api")
    s.add_argument("token")
    for name in ("src_port", "tgt_port", "pid", "src_pid", "tgt_pid"):
        s.add_argument(name, type=int)
    s.add_argument("--label", default="run")
    s.add_argument("--wait-profile", action="store_true",
                   help="sample where the worker, the target and the source's RDB child wait")
    s.add_argument("--poll", type=float, default=0.05)
    s.add_argument("--timeout", type=float, default=3600)
    s.set_defaults(fn=ours)
    s = sub.add_parser("table")
    s.add_argument("results")
    s.set_defaults(fn=table)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Replication-stream lag of an incremental migration under redis-benchmark load.

Starts (all on loopback, in a private temp directory, everything stopped by PID at the end):
  - a source and a target redis-server for migrationd, and migrationd itself (embedded
    PostgreSQL, --workers 1) with one incremental task (resume_mode auto), waited to INCRMIGEATING;
  - a second source with a plain `REPLICAOF` replica: native replication, for comparison.
Then, per load configuration (redis-benchmark -t set -c C -P P -d 100 -r 1000000) and per system
(native first, then migrationd, never both at once):
  - a probe process writes `SET lagprobe:<seq> <CLOCK_MONOTONIC ns>` on the source every 10 ms
    (own connection); a poller process GETs the pending markers on the target/replica in one
    pipeline every ~1 ms and records their arrival: lag = arrival - write;
  - redis-benchmark runs for --bench-seconds (then SIGINT: it prints its requests/s so far);
  - after it ends: the time until the first marker written after the end arrives ("drain"), and
    until DBSIZE and DEBUG DIGEST of target and source agree ("equal");
  - a sampler records migrationd's RSS and per-thread CPU, the stats API (lag_bytes, lag_seconds,
    target_ops, read_offset, offset), the source's replication offset and replica output buffer,
    and the embedded PostgreSQL's commit / WAL fsync counters (checkpoints, about one a second);
  - with --diagnose only (they cost the migrationd runs ~15% of a core that native runs do not
    pay, so they are off for comparisons): during the load, the stream worker thread's state is
    sampled every 5 ms from /proc (on CPU, or blocked in poll on the source, the target or
    PostgreSQL; schedstat splits "on CPU" from "runnable, waiting for a core"), and a probe times
    an INSERT+COMMIT on the embedded PostgreSQL every 50 ms.
A run "keeps up" when every marker arrived, the drain took at most --keepup-drain seconds and the
lag did not grow during the load (slope <= --keepup-growth ms/s, or last-second p50 <= --keepup-lag-ms).
Prints the tables and writes them, with the per-run details, to --out (markdown).

Usage: /usr/bin/python3 bench/stream_lag_bench.py [--bench-seconds 8] [--repeat 2] [--configs 1x1,...]
  (~5-6 min with the defaults). A sustained full-speed load, to see the source drop a lagging
  link (replica output buffer limit) and the resync that follows (~2 min):
  /usr/bin/python3 bench/stream_lag_bench.py --systems migrationd --configs 50x16 --repeat 1 \
      --bench-seconds 80 --catchup-timeout 150 --out /tmp/long.md
Set KEEP_WORK=1 to keep the temp directory (redis and migrationd logs).
"""
import argparse
import bisect
import http.client
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
PROJECT = "lagbench"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def client(port, timeout=30):
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=timeout,
                       socket_connect_timeout=5)


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------
# processes we start (and only those are ever stopped, by PID)
# ---------------------------------------------------------------------------------------------

class Processes:
    def __init__(self):
        self.procs = []

    def add(self, proc):
        self.procs.append(proc)
        return proc

    def stop_all(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM)
                except OSError:
                    pass
        for p in reversed(self.procs):
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def start_redis(procs, work, name, extra=""):
    port = free_port()
    rdir = os.path.join(work, name)
    os.makedirs(rdir)
    conf = (f'port {port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir {rdir}\n'
            f'enable-debug-command local\nlogfile {rdir}/redis.log\n{extra}')
    p = procs.add(subprocess.Popen(["redis-server", "-"], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    p.stdin.write(conf.encode())
    p.stdin.close()
    deadline = time.time() + 10
    while True:
        try:
            if client(port).ping():
                break
        except redis.RedisError:
            if time.time() > deadline or p.poll() is not None:
                raise RuntimeError(f"redis {name} did not start (see {rdir}/redis.log)")
            time.sleep(0.05)
    return port, p


# ---------------------------------------------------------------------------------------------
# migrationd
# ---------------------------------------------------------------------------------------------

class Migrationd:
    def __init__(self, procs, work, binary, workers=1):
        self.binary = binary
        self.data_dir = os.path.join(work, "md")
        ready = os.path.join(work, "ready.json")
        self.log_path = os.path.join(work, "migrationd.log")
        self.proc = procs.add(subprocess.Popen(
            [binary, "--data-dir", self.data_dir, "--http-listen", "127.0.0.1:0",
             "--grpc-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
             "--workers", str(workers), "--ready-file", ready],
            stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w")))
        deadline = time.time() + 90
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"migrationd did not start; log: {self.log_path}")
            time.sleep(0.1)
        time.sleep(0.05)
        self.http_port = json.load(open(ready))["http_port"]
        out = subprocess.run([binary, "credentials", "create", "--project", PROJECT,
                              "--data-dir", self.data_dir], check=True, capture_output=True)
        self.token = json.loads(out.stdout)["token"]

    @property
    def pid(self):
        return self.proc.pid

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        data = b"" if body is None else json.dumps(body).encode()
        conn.request(method, f"/v2/{PROJECT}{path}", body=data,
                     headers={"X-Auth-Token": self.token, "Content-Type": "application/json"})
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status} {raw[:300]!r}")
        return json.loads(raw) if raw else {}

    def start_incremental(self, src_port, tgt_port):
        src = self.call("POST", "/instances", {"name": "src", "addrs": f"127.0.0.1:{src_port}"})
        tgt = self.call("POST", "/instances", {"name": "tgt", "addrs": f"127.0.0.1:{tgt_port}"})
        self.task = self.call("POST", "/migration/instance",
                              {"name": "stream-lag", "description": "stream lag bench"})["id"]
        self.call("POST", f"/migration/{self.task}/task",
                  {"migration_method": "incremental_migration", "resume_mode": "auto",
                   "source_instance": {"id": src["id"]}, "target_instance": {"id": tgt["id"]}})
        deadline = time.time() + 120
        while True:
            status = self.status()
            if status == "INCRMIGEATING":
                return
            if status in ("MIGRATION_FAILED", "FAILED", "TERMINATED") or time.time() > deadline:
                raise RuntimeError(f"task status {status}; log: {self.log_path}")
            time.sleep(0.1)

    def status(self):
        return self.call("GET", f"/migration-task/{self.task}")["status"]

    def stats(self):
        return self.call("GET", f"/migration-task/{self.task}/stats")

    def stop_task(self):
        try:
            self.call("POST", f"/migration-task/{self.task}/sync-stop")
        except Exception as e:  # noqa: BLE001 - best effort at the end
            log("stopping the task:", e)

    def pg(self, sql):
        """Runs `sql` on the embedded PostgreSQL (as user postgres when we are root)."""
        cmd = ["psql", "-h", os.path.join(self.data_dir, "pg-run"), "-p", "5432", "-d",
               "postgres", "-U", "rms", "-Atc", sql]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=10, text=True)
            return out.stdout.strip() if out.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None

    def pg_commit_ms(self, commits=200):
        """Mean latency of one small committed write on the embedded PostgreSQL (what a stream
        checkpoint costs at least: a WAL flush), measured in the scratch database 'postgres'."""
        self.pg("CREATE TABLE IF NOT EXISTS lagbench_commit (i int)")
        t0 = time.monotonic()
        out = self.pg(f"DO $$ BEGIN FOR i IN 1..{commits} LOOP "
                      "INSERT INTO lagbench_commit VALUES (i); COMMIT; END LOOP; END $$")
        elapsed = time.monotonic() - t0
        t0 = time.monotonic()
        self.pg("SELECT 1")  # psql start-up cost, subtracted
        base = time.monotonic() - t0
        return None if out is None else 1000 * max(0.0, elapsed - base) / commits

    def pg_counters(self):
        row = self.pg("SELECT (SELECT sum(xact_commit) FROM pg_stat_database),"
                      " wal_sync, wal_write, wal_bytes FROM pg_stat_wal")
        if not row:
            return None
        commits, syncs, writes, wal_bytes = row.split("|")
        return {"commits": int(commits), "wal_syncs": int(syncs), "wal_writes": int(writes),
                "wal_bytes": int(float(wal_bytes))}


# ---------------------------------------------------------------------------------------------
# /proc
# ---------------------------------------------------------------------------------------------

def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except OSError:
        return None


def thread_cpu(pid):
    """{tid: (comm, cpu seconds)} of every thread of `pid`."""
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


def proc_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


class WaitProfiler(threading.Thread):
    """Samples where migrationd's threads are: on CPU, or blocked in which syscall on which peer.

    /proc/PID/task/TID/syscall gives the blocking syscall and its arguments; for poll(2) (the
    engine's sockets and libpq both wait in poll) the first pollfd is read from /proc/PID/mem
    (migrationd is our child, so we may), and its socket is named by its peer: the source or
    target Redis (TCP port), or PostgreSQL (a unix socket)."""
    SYSCALLS = {0: "read", 1: "write", 7: "poll", 44: "sendto", 45: "recvfrom", 202: "futex",
                232: "epoll_wait", 281: "epoll_pwait", 230: "sleep", 35: "sleep", 271: "ppoll",
                74: "fsync", 75: "fdatasync", 20: "writev", 46: "sendmsg", 47: "recvmsg"}
    FD_FIRST = {0, 1, 44, 45, 20, 46, 47, 74, 75}

    def __init__(self, pid, ports, period=0.005):
        super().__init__(daemon=True)
        self.pid, self.ports, self.period = pid, ports, period
        self.halt = threading.Event()
        self.counts = {}  # tid -> {state: samples}
        self.timeline = {}  # tid -> [(monotonic ns, state)]
        self.peers = {}
        self.sched0, self.sched1 = {}, {}

    def schedstat(self):
        """{tid: (ns on CPU, ns runnable but waiting for a CPU)}, and the monotonic time."""
        out = {}
        try:
            tids = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            tids = []
        for tid in tids:
            try:
                with open(f"/proc/{self.pid}/task/{tid}/schedstat") as f:
                    run_ns, wait_ns, _ = f.read().split()
                out[tid] = (int(run_ns), int(wait_ns))
            except (OSError, ValueError):
                continue
        return out, time.monotonic_ns()

    def refresh_peers(self):
        inode_port = {}
        for name in ("tcp", "tcp6"):
            try:
                with open(f"/proc/{self.pid}/net/{name}") as f:
                    next(f)
                    for line in f:
                        parts = line.split()
                        inode_port[parts[9]] = int(parts[2].rsplit(":", 1)[1], 16)
            except OSError:
                pass
        unix = set()
        try:
            with open(f"/proc/{self.pid}/net/unix") as f:
                next(f)
                for line in f:
                    unix.add(line.split()[6])
        except OSError:
            pass
        peers = {}
        try:
            fds = os.listdir(f"/proc/{self.pid}/fd")
        except OSError:
            return
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{fd}")
            except OSError:
                continue
            m = re.match(r"socket:\[(\d+)\]", target)
            if not m:
                peers[int(fd)] = "file" if target.startswith("/") else \
                    target.split(":")[-1].strip("[]")  # eventfd, pipe, ...
                continue
            inode = m.group(1)
            if inode in inode_port:
                peers[int(fd)] = self.ports.get(inode_port[inode], "tcp-other")
            elif inode in unix:
                peers[int(fd)] = "postgres"
            else:
                peers[int(fd)] = "socket"
        self.peers = peers

    def run(self):
        try:
            mem = open(f"/proc/{self.pid}/mem", "rb", buffering=0)
        except OSError:
            mem = None
        last_refresh = 0.0
        self.sched0 = self.schedstat()
        while not self.halt.is_set():
            if time.monotonic() - last_refresh > 0.5:
                self.refresh_peers()
                last_refresh = time.monotonic()
            try:
                tids = os.listdir(f"/proc/{self.pid}/task")
            except OSError:
                return
            for tid in tids:
                try:
                    with open(f"/proc/{self.pid}/task/{tid}/syscall") as f:
                        fields = f.read().split()
                except OSError:
                    continue
                if not fields:
                    continue
                if fields[0] == "running":
                    state = "cpu"
                elif fields[0] == "-1":
                    state = "cpu"  # blocked outside a syscall (page fault, preempted)
                else:
                    nr = int(fields[0])
                    name = self.SYSCALLS.get(nr, f"syscall{nr}")
                    fd = None
                    if nr in self.FD_FIRST:
                        fd = int(fields[1], 16)
                    elif nr in (7, 271) and mem is not None:
                        try:
                            mem.seek(int(fields[1], 16))
                            fd = int.from_bytes(mem.read(4), "little", signed=True)
                        except (OSError, ValueError, OverflowError):
                            fd = None
                    if fd is not None and fd not in self.peers and \
                            time.monotonic() - last_refresh > 0.05:
                        self.refresh_peers()  # a socket opened since the last look
                        last_refresh = time.monotonic()
                    state = name if fd is None else f"{name} {self.peers.get(fd, f'fd')}"
                c = self.counts.setdefault(tid, {})
                c[state] = c.get(state, 0) + 1
                self.timeline.setdefault(tid, []).append((time.monotonic_ns(), state))
            self.halt.wait(self.period)
        self.sched1 = self.schedstat()

    def summary(self, spikes=()):
        """The thread that waited on the source and target most (the stream worker): its states,
        overall and inside `spikes` (merged [write, arrival] windows of the slow markers)."""
        def stream_samples(c):
            return sum(v for k, v in c.items() if k.endswith(" source") or k.endswith(" target"))
        if not self.counts:
            return None
        tid, c = max(self.counts.items(), key=lambda kv: stream_samples(kv[1]))
        total = sum(c.values())
        (a, t0), (b, t1) = self.sched0, self.sched1
        on_cpu = queued = None
        if tid in a and tid in b and t1 > t0:
            on_cpu = round(100 * (b[tid][0] - a[tid][0]) / (t1 - t0), 1)
            queued = round(100 * (b[tid][1] - a[tid][1]) / (t1 - t0), 1)
        merged = []
        for w, arr in sorted(spikes):
            if merged and w <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], arr)
            else:
                merged.append([w, arr])
        starts = [m[0] for m in merged]
        inside = {}
        for t, state in self.timeline.get(tid, []):
            i = bisect.bisect_right(starts, t) - 1
            if i >= 0 and t <= merged[i][1]:
                inside[state] = inside.get(state, 0) + 1
        n_inside = sum(inside.values())
        return {"tid": tid, "samples": total, "on_cpu_pct": on_cpu, "runqueue_pct": queued,
                "spike_windows": len(merged),
                "spike_s": sum(b - a for a, b in merged) / 1e9,
                "spike_samples": n_inside,
                "spike_states": sorted(((k, round(100 * v / n_inside, 1)) for k, v in inside.items()),
                                       key=lambda kv: -kv[1]) if n_inside else [],
                "states": sorted(((k, round(100 * v / total, 1)) for k, v in c.items()),
                                 key=lambda kv: -kv[1])}


class PgCommitProbe(threading.Thread):
    """Times one small autocommitted INSERT on the embedded PostgreSQL every `period` (a stream
    checkpoint is such a commit: its latency is mostly the WAL fsync)."""

    def __init__(self, md, period=0.05):
        super().__init__(daemon=True)
        self.md, self.period = md, period
        self.halt = threading.Event()
        self.samples = []  # (monotonic ns, ms)

    def run(self):
        cmd = ["psql", "-X", "-q", "-h", os.path.join(self.md.data_dir, "pg-run"), "-p", "5432",
               "-U", "rms", "-d", "postgres"]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, bufsize=1)
        except OSError:
            return
        try:
            p.stdin.write("CREATE TABLE IF NOT EXISTS lagbench_commit (i int);\n\\timing on\n")
            p.stdin.flush()
            while not self.halt.is_set():
                p.stdin.write("INSERT INTO lagbench_commit VALUES (1);\n")
                p.stdin.flush()
                line = p.stdout.readline()
                m = re.match(r"Time: ([0-9.]+) ms", line)
                if not m:
                    if not line:
                        break
                    continue
                self.samples.append((time.monotonic_ns(), float(m.group(1))))
                self.halt.wait(self.period)
        except (OSError, ValueError):
            pass
        finally:
            try:
                p.stdin.close()
            except OSError:
                pass
            p.wait()


# ---------------------------------------------------------------------------------------------
# probe and poller (separate processes: no GIL shared with each other or the sampler)
# ---------------------------------------------------------------------------------------------

def probe_main(port, first_seq, interval_s, last_seq, stop, conn):
    r = client(port)
    writes = {}
    seq = first_seq
    next_at = time.monotonic()
    while not stop.is_set():
        now_ns = time.monotonic_ns()
        r.set(f"lagprobe:{seq}", str(now_ns))
        writes[seq] = (now_ns, time.monotonic_ns())
        last_seq.value = seq
        seq += 1
        next_at += interval_s
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_at = time.monotonic()
    conn.send(writes)
    conn.close()


def poller_main(port, first_seq, period_s, last_seq, highest_arrived, stop, conn):
    r = client(port)
    arrivals = {}
    first_missing = first_seq
    window = 64
    while True:
        stopping = stop.is_set()
        hi = min(last_seq.value, first_missing + window - 1)
        if hi >= first_missing:
            pipe = r.pipeline(transaction=False)
            for s in range(first_missing, hi + 1):
                pipe.get(f"lagprobe:{s}")
            values = pipe.execute()
            t = time.monotonic_ns()
            top = None
            for i, v in enumerate(values):
                if v is not None:
                    top = first_missing + i
            if top is not None:
                # The stream is applied in order: everything up to `top` has arrived.
                for s in range(first_missing, top + 1):
                    arrivals.setdefault(s, t)
                first_missing = top + 1
                highest_arrived.value = top
        if stopping:
            break
        time.sleep(period_s)
    conn.send(arrivals)
    conn.close()


# ---------------------------------------------------------------------------------------------
# one system under test
# ---------------------------------------------------------------------------------------------

class System:
    def __init__(self, name, src_port, dst_port, md=None, replica_pid=None):
        self.name = name
        self.src_port = src_port
        self.dst_port = dst_port
        self.md = md
        self.replica_pid = replica_pid
        self.known_equal = False  # true after a run ended with equal digests
        self.src = client(src_port, timeout=60)
        self.dst = client(dst_port, timeout=60)

    def digests(self):
        """DEBUG DIGEST of source and target, taken at the same time (two threads)."""
        out = {}

        def take(name, conn):
            out[name] = conn.execute_command("DEBUG", "DIGEST")
        threads = [threading.Thread(target=take, args=("src", self.src)),
                   threading.Thread(target=take, args=("dst", self.dst))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out.get("src"), out.get("dst")

    def wait_equal(self, timeout):
        """Seconds until DBSIZE and DEBUG DIGEST agree (None on timeout), counted to the start of
        the digest round that matched (a digest is one atomic snapshot of each server); also
        keeps how many rounds it took and how long the last one took."""
        t0 = time.monotonic()
        self.digest_rounds, self.digest_s = 0, None
        while time.monotonic() - t0 < timeout:
            if self.src.dbsize() == self.dst.dbsize():
                d0 = time.monotonic()
                src, dst = self.digests()
                self.digest_rounds += 1
                self.digest_s = time.monotonic() - d0
                if src is not None and src == dst:
                    return d0 - t0
            time.sleep(0.01)
        return None


class Sampler(threading.Thread):
    def __init__(self, system, period=0.25):
        super().__init__(daemon=True)
        self.system = system
        self.period = period
        self.samples = []
        self.halt = threading.Event()
        self.src = client(system.src_port, timeout=10)
        self.dst = client(system.dst_port, timeout=10)

    def run(self):
        md = self.system.md
        last_stats = 0.0
        while not self.halt.is_set():
            s = {"t": time.monotonic_ns()}
            try:
                info = self.src.info("replication")
                s["master_repl_offset"] = info.get("master_repl_offset")
                # SET calls only: the poller's GETs and our INFOs are not load
                s["src_cmds"] = self.src.info("commandstats").get("cmdstat_set", {}).get("calls", 0)
                s["dst_cmds"] = self.dst.info("commandstats").get("cmdstat_set", {}).get("calls", 0)
                omem = [c.get("omem") for c in self.src.client_list(_type="replica")]
                s["replica_omem"] = max([int(x) for x in omem if x is not None], default=0)
                if md is None:
                    s["replica_offset"] = self.dst.info("replication").get("slave_repl_offset")
            except redis.RedisError:
                pass
            if md is not None:
                s["rss_kb"] = rss_kb(md.pid)
                s["threads"] = thread_cpu(md.pid)
                if time.monotonic() - last_stats >= 0.5:
                    last_stats = time.monotonic()
                    try:
                        s["stats"] = md.stats()
                    except Exception:  # noqa: BLE001 - a missed sample is fine
                        pass
            elif self.system.replica_pid:
                s["rss_kb"] = rss_kb(self.system.replica_pid)
            self.samples.append(s)
            self.halt.wait(self.period)


def run_benchmark(port, clients, pipeline, seconds):
    """Runs redis-benchmark for `seconds` (SIGINT to our own child: it then prints its result for
    the requests done so far). Returns (start ns, end ns, requests/s it reported)."""
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", "set", "-c", str(clients),
           "-P", str(pipeline), "-n", "2000000000", "-r", "1000000", "-d", "100", "-q"]
    t0 = time.monotonic_ns()
    # SIGINT back to its default in the child: a bench started in the background (`cmd &` in a
    # script) inherits SIGINT ignored, and redis-benchmark would then never stop.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate()
    t1 = time.monotonic_ns()
    text = out.replace("\r", "\n")
    m = re.findall(r"SET: ([0-9.]+) requests per second", text)
    if not m:
        m = re.findall(r"rps=[0-9.]+ \(overall: ([0-9.]+)\)", text)
    return t0, t1, float(m[-1]) if m else None


def run_one(system, clients, pipeline, seq_base, args):
    ctx = multiprocessing.get_context("fork")
    last_seq = ctx.Value("q", seq_base - 1)
    highest = ctx.Value("q", seq_base - 1)
    probe_stop, poll_stop = ctx.Event(), ctx.Event()
    probe_rx, probe_tx = ctx.Pipe(False)
    poll_rx, poll_tx = ctx.Pipe(False)
    md = system.md
    loadavg = open("/proc/loadavg").read().split()[0]
    pg0 = md.pg_counters() if md else None
    stats0 = md.stats() if md else None
    cpu0 = proc_cpu(md.pid if md else system.replica_pid)
    sampler = Sampler(system)
    sampler.start()
    probe = ctx.Process(target=probe_main, args=(system.src_port, seq_base, args.probe_interval,
                                                 last_seq, probe_stop, probe_tx))
    poller = ctx.Process(target=poller_main, args=(system.dst_port, seq_base, args.poll_period,
                                                   last_seq, highest, poll_stop, poll_tx))
    poller.start()
    probe.start()
    time.sleep(1.0)  # idle lag baseline
    profiler = pg_probe = None
    if md is not None and args.diagnose:
        profiler = WaitProfiler(md.pid, {system.src_port: "source", system.dst_port: "target"})
        profiler.start()
        pg_probe = PgCommitProbe(md)
        pg_probe.start()
    b0, b1, rps = run_benchmark(system.src_port, clients, pipeline, args.bench_seconds)
    if profiler is not None:
        profiler.halt.set()
        pg_probe.halt.set()
    end_seq = last_seq.value + 1  # the first marker written after the benchmark ended
    drain_deadline = time.monotonic() + args.catchup_timeout
    while highest.value < end_seq and time.monotonic() < drain_deadline:
        time.sleep(0.005)
    probe_stop.set()
    writes = probe_rx.recv()
    probe.join()
    final_seq = max(writes)
    while highest.value < final_seq and time.monotonic() < drain_deadline:
        time.sleep(0.005)
    poll_stop.set()
    arrivals = poll_rx.recv()
    poller.join()
    remaining = max(30.0, drain_deadline - time.monotonic())
    equal_t0 = time.monotonic_ns()
    waited = system.wait_equal(remaining)
    equal_s = None if waited is None else (equal_t0 - b1) / 1e9 + waited
    system.known_equal = waited is not None
    sampler.halt.set()
    sampler.join()
    cpu1 = proc_cpu(md.pid if md else system.replica_pid)
    pg1 = md.pg_counters() if md else None
    stats1 = md.stats() if md else None

    # lag of the markers written while redis-benchmark ran
    in_load = [s for s, (w, _) in writes.items() if b0 <= w <= b1]
    lags = [(arrivals[s] - writes[s][0]) / 1e6 for s in in_load if s in arrivals]
    missing = sum(1 for s in in_load if s not in arrivals)
    idle = [(arrivals[s] - writes[s][0]) / 1e6 for s, (w, _) in writes.items()
            if w < b0 and s in arrivals]
    ack = [(writes[s][1] - writes[s][0]) / 1e6 for s in in_load]
    last_s = [(arrivals[s] - writes[s][0]) / 1e6 for s in in_load
              if s in arrivals and writes[s][0] >= b1 - 1e9]
    drain = None
    if end_seq in arrivals:
        drain = max(0.0, (arrivals[end_seq] - b1) / 1e9)
    bench_s = (b1 - b0) / 1e9
    samples = [s for s in sampler.samples if b0 <= s["t"] <= b1]
    all_samples = sampler.samples
    res = {
        "system": system.name, "clients": clients, "pipeline": pipeline,
        "bench_rps": rps, "bench_s": bench_s, "loadavg": loadavg,
        "markers": len(in_load), "missing": missing,
        "lag_p50_ms": pct(lags, 50), "lag_p99_ms": pct(lags, 99),
        "lag_max_ms": max(lags) if lags else None,
        "lag_last1s_p50_ms": pct(last_s, 50),
        "idle_lag_p50_ms": pct(idle, 50),
        "src_set_p99_ms": pct(ack, 99),
        "drain_s": drain, "equal_s": equal_s, "spike_ms": args.spike_ms,
        "equal_wait_started_s": (equal_t0 - b1) / 1e9, "digest_rounds": system.digest_rounds,
        "digest_s": system.digest_s,
        "max_replica_omem_mb": max((s.get("replica_omem", 0) for s in all_samples), default=0)
        / 2**20,
    }
    # lag growth: least-squares slope of lag over write time (ms of lag per s of load)
    pts = [((writes[s_][0] - b0) / 1e9, (arrivals[s_] - writes[s_][0]) / 1e6)
           for s_ in in_load if s_ in arrivals]
    slope = None
    if len(pts) >= 10:
        mx = statistics.fmean(x for x, _ in pts)
        my = statistics.fmean(y for _, y in pts)
        var = sum((x - mx) ** 2 for x, _ in pts)
        slope = sum((x - mx) * (y - my) for x, y in pts) / var if var > 0 else None
    res["lag_growth_ms_per_s"] = slope
    bounded = slope is not None and (slope <= args.keepup_growth or
                                     (res["lag_last1s_p50_ms"] or 0) <= args.keepup_lag_ms)
    res["keeps_up"] = bool(missing == 0 and drain is not None and drain <= args.keepup_drain
                           and bounded)
    # (a dropped link, see "reconnects" below, also fails the run; after a full resync the
    # target is refilled in snapshot order, so "drain" is then only a lower bound: use "equal")
    # apply rate on the target while the benchmark ran
    with_cmds = [s for s in samples if s.get("dst_cmds") is not None and s.get("src_cmds")]
    if len(with_cmds) >= 2:
        dt = (with_cmds[-1]["t"] - with_cmds[0]["t"]) / 1e9
        res["src_ops"] = (with_cmds[-1]["src_cmds"] - with_cmds[0]["src_cmds"]) / dt
        res["dst_ops"] = (with_cmds[-1]["dst_cmds"] - with_cmds[0]["dst_cmds"]) / dt
    rss = [s["rss_kb"] for s in all_samples if s.get("rss_kb")]
    res["rss_mb_start"] = rss[0] / 1024 if rss else None
    res["rss_mb_peak"] = max(rss) / 1024 if rss else None
    if cpu0 is not None and cpu1 is not None:
        res["cpu_pct"] = 100 * (cpu1 - cpu0) / ((sampler.samples[-1]["t"] - sampler.samples[0]["t"])
                                                / 1e9)
    if md is not None:
        with_threads = [s for s in samples if s.get("threads")]
        if len(with_threads) >= 2:
            a, b = with_threads[0]["threads"], with_threads[-1]["threads"]
            dt = (with_threads[-1]["t"] - with_threads[0]["t"]) / 1e9
            busiest = sorted(((b[t][1] - a[t][1], b[t][0], t) for t in b if t in a), reverse=True)
            res["busy_threads"] = [(f"{name}/{tid}", round(100 * cpu / dt))
                                   for cpu, name, tid in busiest[:3]]
        st = [s["stats"] for s in all_samples if s.get("stats")]
        res["stats_max_lag_bytes"] = max((int(x.get("lag_bytes") or 0) for x in st), default=0)
        res["stats_max_lag_seconds"] = max((float(x.get("lag_seconds") or 0) for x in st),
                                           default=0)
        res["stats_max_target_ops"] = max((float(x.get("target_ops") or 0) for x in st),
                                          default=0)
        # true backlog: the source's offset minus the applied offset of the last stats row
        backlog = []
        for s in all_samples:
            if s.get("stats") and s.get("master_repl_offset"):
                backlog.append(s["master_repl_offset"] - int(s["stats"].get("offset") or 0))
        res["max_backlog_mb"] = max(backlog, default=0) / 2**20
        res["reconnects"] = int(stats1.get("reconnects") or 0) - int(stats0.get("reconnects") or 0)
        if res["reconnects"]:
            res["keeps_up"] = False
        if pg0 and pg1:
            res["pg_commits"] = pg1["commits"] - pg0["commits"]
            res["pg_wal_syncs"] = pg1["wal_syncs"] - pg0["wal_syncs"]
            cmds = int(stats1.get("offset") or 0) - int(stats0.get("offset") or 0)
            res["stream_bytes"] = cmds
        res["status_after"] = md.status()
        if profiler is not None:
            profiler.join()
            pg_probe.join()
            commits = [ms for t, ms in pg_probe.samples if b0 <= t <= b1]
            res["pg_commit_ms"] = (pct(commits, 50), pct(commits, 99), max(commits, default=None),
                                   len(commits))
            spikes = [(writes[s_][0], arrivals[s_]) for s_ in in_load
                      if s_ in arrivals and arrivals[s_] - writes[s_][0] > args.spike_ms * 1e6]
            res["worker_states"] = profiler.summary(spikes)
    else:
        backlog = [s["master_repl_offset"] - s["replica_offset"] for s in all_samples
                   if s.get("replica_offset") is not None and s.get("master_repl_offset")]
        res["max_backlog_mb"] = max(backlog, default=0) / 2**20
    res["timeline"] = [
        {"t": round((s["t"] - b0) / 1e9, 2),
         **({"lag_bytes": s["stats"].get("lag_bytes"), "lag_seconds": s["stats"].get("lag_seconds"),
             "target_ops": s["stats"].get("target_ops"), "offset": s["stats"].get("offset"),
             "read_offset": s["stats"].get("read_offset"),
             "src_offset": s.get("master_repl_offset")} if s.get("stats") else {}),
         "rss_kb": s.get("rss_kb"), "omem": s.get("replica_omem")}
        for s in all_samples if s.get("stats") or system.md is None]
    return res, final_seq + 1


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------

LEGEND = """Columns: *bench req/s* as redis-benchmark reported it; *src SET/s* / *target apply/s*:
SET calls per second on the source / the target (INFO commandstats, probe markers included) while the
benchmark ran; *lag*: arrival on the target minus write time of the 10 ms probe markers written
while the benchmark ran (poll resolution ~1-2 ms); *lag last 1 s*: markers of the benchmark's last
second (a growing lag shows here); *lag growth*: least-squares slope of the lag over the load
(ms of lag added per second); *drain*: from the benchmark's end until the first marker written
after it arrived on the target (everything before it was applied); *equal*: until DBSIZE and
DEBUG DIGEST of target and source agreed (digests of both taken at once; counted to the start of the
matching round); *keeps up*: no marker lost, drain <= 1 s, and lag growth <= 20 ms/s or lag of
the last second <= 100 ms; *max backlog*: source
master_repl_offset minus the applied offset (stats API `offset` for migrationd, the replica's
slave_repl_offset for native); *src omem*: largest output buffer the source held for its replica
link; *RSS* / *CPU %*: of migrationd (native rows: of the replica redis-server).
"""


def fmt(v, spec="{:.1f}", none="-"):
    return none if v is None else spec.format(v)


def table(results):
    head = ("| system | round | load (-c x -P) | bench req/s | src SET/s | target apply/s | lag p50 ms "
            "| lag p99 ms | lag max ms | lag last 1 s p50 ms | lag growth ms/s | drain s | equal s | keeps up "
            "| max backlog MB | src omem MB | RSS MB start/peak | CPU % |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        lines.append(
            f"| {r['system']} | {r.get('round', 1)} | {r['clients']} x {r['pipeline']} | {fmt(r['bench_rps'], '{:,.0f}')} "
            f"| {fmt(r.get('src_ops'), '{:,.0f}')} | {fmt(r.get('dst_ops'), '{:,.0f}')} "
            f"| {fmt(r['lag_p50_ms'])} | {fmt(r['lag_p99_ms'])} | {fmt(r['lag_max_ms'])} "
            f"| {fmt(r['lag_last1s_p50_ms'])} | {fmt(r.get('lag_growth_ms_per_s'), '{:.0f}')} "
            f"| {fmt(r['drain_s'], '{:.2f}', '>timeout')} "
            f"| {fmt(r['equal_s'], '{:.2f}', '>timeout')} "
            f"| {'yes' if r['keeps_up'] else 'NO'}{'' if not r['missing'] else ' (%d lost)' % r['missing']}"
            f"{' (link dropped %dx, resynced)' % r['reconnects'] if r.get('reconnects') else ''} "
            f"| {fmt(r.get('max_backlog_mb'))} | {fmt(r.get('max_replica_omem_mb'))} "
            f"| {fmt(r.get('rss_mb_start'))}/{fmt(r.get('rss_mb_peak'))} | {fmt(r.get('cpu_pct'), '{:.0f}')} |")
    return "\n".join(lines)


def detail(results):
    lines = []
    for r in results:
        if r["system"] != "migrationd":
            continue
        per_batch = None
        if r.get("pg_commits"):
            per_batch = r["stream_bytes"] / r["pg_commits"]
        lines.append(
            f"- round {r.get('round', 1)}, {r['clients']} x {r['pipeline']}: idle lag p50 {fmt(r['idle_lag_p50_ms'])} ms; "
            f"source SET p99 {fmt(r['src_set_p99_ms'])} ms; stats API max lag_bytes "
            f"{r.get('stats_max_lag_bytes', 0):,} / lag_seconds {fmt(r.get('stats_max_lag_seconds'), '{:.3f}')}"
            f" / target_ops {fmt(r.get('stats_max_target_ops'), '{:,.0f}')}; "
            f"PostgreSQL commits {r.get('pg_commits', '-')} , WAL fsyncs {r.get('pg_wal_syncs', '-')}"
            + (f" (a probe INSERT+COMMIT every 50 ms during the load took p50/p99/max "
               f"{'/'.join(fmt(x, '{:.1f}') for x in r['pg_commit_ms'][:3])} ms)"
               if r.get("pg_commit_ms") else "") +
            f" ({fmt(per_batch, '{:,.0f}')} stream bytes per commit); reconnects {r.get('reconnects', 0)}; "
            f"busiest threads {r.get('busy_threads')}; status after: {r.get('status_after')}")
        ws = r.get("worker_states")
        if ws:
            lines.append(f"  - stream worker thread {ws['tid']} during the load ({ws['samples']} samples): " +
                         ", ".join(f"{k} {v}%" for k, v in ws["states"][:8]) +
                         f" (schedstat: on CPU {ws['on_cpu_pct']}%, runnable but waiting for a"
                         f" CPU {ws['runqueue_pct']}%)")
            if ws.get("spike_samples"):
                lines.append(f"  - while a marker was >{r.get('spike_ms', 100):g} ms late "
                             f"({ws['spike_windows']} windows, {ws['spike_s']:.2f} s in all): " +
                             ", ".join(f"{k} {v}%" for k, v in ws["spike_states"][:6]))
        lines.append(f"  - after the load: equality check started {fmt(r.get('equal_wait_started_s'), '{:.2f}')} s"
                     f" after the end, {r.get('digest_rounds')} DEBUG DIGEST round(s), last one "
                     f"{fmt(r.get('digest_s'), '{:.2f}')} s")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/bin/migrationd"))
    ap.add_argument("--configs", default="1x1,50x1,1x16,2x16,4x16,50x16",
                    help="comma-separated CLIENTSxPIPELINE redis-benchmark loads, lightest first")
    ap.add_argument("--bench-seconds", type=float, default=8.0)
    ap.add_argument("--repeat", type=int, default=2,
                    help="rounds over all loads (the machine's other load varies: compare rounds)")
    ap.add_argument("--catchup-timeout", type=float, default=60.0)
    ap.add_argument("--keepup-drain", type=float, default=1.0,
                    help="a run keeps up when the target caught up within this many seconds "
                         "after the load, and the lag did not grow during the load:")
    ap.add_argument("--keepup-growth", type=float, default=20.0,
                    help="... lag growth at most this many ms per s of load, or")
    ap.add_argument("--keepup-lag-ms", type=float, default=100.0,
                    help="... lag p50 of the load's last second at most this")
    ap.add_argument("--spike-ms", type=float, default=100.0,
                    help="markers slower than this: what the stream worker did meanwhile")
    ap.add_argument("--probe-interval", type=float, default=0.010)
    ap.add_argument("--poll-period", type=float, default=0.001)
    ap.add_argument("--systems", default="native,migrationd")
    ap.add_argument("--diagnose", action="store_true",
                    help="during migrationd's loads, also sample its stream thread every 5 ms and "
                         "time a PostgreSQL commit every 50 ms (costs ~15%% of a core that the "
                         "native runs do not pay: off for comparisons)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/STREAM_LAG.md"))
    ap.add_argument("--raw-json", default=None, help="also write every result (with timelines)")
    args = ap.parse_args()
    configs = [tuple(int(x) for x in c.split("x")) for c in args.configs.split(",")]
    systems = args.systems.split(",")

    work = tempfile.mkdtemp(prefix="rms-streamlag.")
    os.chmod(work, 0o755)  # the embedded PostgreSQL runs as 'postgres' when we are root
    procs = Processes()
    results = []
    started = time.time()
    md = None
    commit_ms = []
    try:
        sys_by_name = {}
        if "migrationd" in systems:
            src_port, _ = start_redis(procs, work, "src")
            tgt_port, _ = start_redis(procs, work, "tgt")
            md = Migrationd(procs, work, args.binary, workers=1)
            md.start_incremental(src_port, tgt_port)
            log(f"migrationd task {md.task} INCRMIGEATING: 127.0.0.1:{src_port} -> {tgt_port}")
            commit_ms.append(md.pg_commit_ms())
            log(f"embedded PostgreSQL: one small committed write takes {fmt(commit_ms[-1], '{:.2f}')} ms")
            sys_by_name["migrationd"] = System("migrationd", src_port, tgt_port, md=md)
        if "native" in systems:
            nsrc_port, _ = start_redis(procs, work, "nsrc")
            rep_port, rep = start_redis(procs, work, "replica",
                                        extra=f"replicaof 127.0.0.1 {nsrc_port}\n")
            r = client(rep_port)
            deadline = time.time() + 30
            while r.info("replication").get("master_link_status") != "up":
                if time.time() > deadline:
                    raise RuntimeError("the native replica did not connect")
                time.sleep(0.05)
            log(f"native replica 127.0.0.1:{rep_port} of 127.0.0.1:{nsrc_port} is up")
            sys_by_name["native"] = System("native", nsrc_port, rep_port, replica_pid=rep.pid)
        seq = 0
        for rep in range(1, args.repeat + 1):
            for clients, pipeline in configs:
                log(f"round {rep}: load -c {clients} -P {pipeline} for {args.bench_seconds:g} s")
                for name in systems:
                    system = sys_by_name[name]
                    if not system.known_equal and system.wait_equal(args.catchup_timeout) is None:
                        log(f"{name}: target still differs from the source; skipping")
                        continue
                    res, seq = run_one(system, clients, pipeline, seq, args)
                    res["round"] = rep
                    results.append(res)
                    log(f"  {name}: {res['bench_rps']:,.0f} req/s, lag p50 {fmt(res['lag_p50_ms'])}"
                        f" p99 {fmt(res['lag_p99_ms'])} max {fmt(res['lag_max_ms'])} ms, growth "
                        f"{fmt(res['lag_growth_ms_per_s'], '{:.0f}')} ms/s, drain "
                        f"{fmt(res['drain_s'], '{:.2f}')} s, equal {fmt(res['equal_s'], '{:.2f}')}"
                        f" s, keeps up: {res['keeps_up']}")
        if md:
            commit_ms.append(md.pg_commit_ms())
            md.stop_task()
    finally:
        procs.stop_all()
        keep = os.environ.get("KEEP_WORK")
        if keep:
            log("work directory kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    elapsed = time.time() - started
    tbl = table(results)
    print(tbl)
    print(detail(results))
    lines = []
    for clients, pipeline in configs:
        for name in systems:
            rs = [r for r in results if r["system"] == name and r["clients"] == clients
                  and r["pipeline"] == pipeline]
            if not rs:
                continue
            rps = [r["bench_rps"] for r in rs if r["bench_rps"]]
            p99 = [r["lag_p99_ms"] for r in rs if r["lag_p99_ms"] is not None]
            lines.append(f"| {name} | {clients} x {pipeline} | {sum(r['keeps_up'] for r in rs)}/{len(rs)} "
                         f"| {fmt(min(rps, default=None), '{:,.0f}')}-{fmt(max(rps, default=None), '{:,.0f}')} "
                         f"| {fmt(min(p99, default=None))}-{fmt(max(p99, default=None))} |")
    summary = ("| system | load | kept up (rounds) | bench req/s (min-max) | lag p99 ms (min-max) |\n"
               "|---|---|---|---|---|\n" + "\n".join(lines))
    ok = [r for r in results if r["system"] == "migrationd" and r["keeps_up"]]
    best = max(ok, key=lambda r: r["bench_rps"]) if ok else None
    summary += ("\n\nHighest migrationd load that kept up in a run: " +
                (f"-c {best['clients']} -P {best['pipeline']} at {best['bench_rps']:,.0f} req/s "
                 f"(round {best['round']}), lag p99 {fmt(best['lag_p99_ms'])} ms" if best else "none"))
    print(summary)
    print("PostgreSQL commit ms (before/after):", commit_ms)
    with open(args.out, "w") as f:
        f.write("# Stream lag of incremental migration (bench/stream_lag_bench.py)\n\n")
        f.write(f"Run {time.strftime('%Y-%m-%d %H:%M')} in {elapsed:.0f} s on {os.cpu_count()} "
                f"cores; `redis-benchmark -t set -d 100 -r 1000000 -c C -P P`, ~{args.bench_seconds:g} s "
                f"per load; probe every {args.probe_interval * 1000:g} ms; loadavg at each start: "
                f"{', '.join(r['loadavg'] for r in results)}.\n\n")
        f.write("Embedded PostgreSQL commit latency (small INSERT + COMMIT, before/after): " +
                " / ".join(fmt(c, "{:.2f}") for c in commit_ms) + " ms.\n\n")
        f.write("## Summary\n\n" + summary + "\n\n## Every run\n\n" + LEGEND + "\n" + tbl +
                "\n\n## migrationd details (stats API, PostgreSQL, where the stream worker waits)\n\n" +
                detail(results) + "\n")
    if args.raw_json:
        with open(args.raw_json, "w") as f:
            json.dump(results, f, indent=1)
    log(f"done in {elapsed:.0f} s; table written to {args.out}")


if __name__ == "__main__":
    main()

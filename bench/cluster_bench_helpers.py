#!/usr/bin/python3
"""Helpers of bench/cluster_source_bench.sh: loading a cluster, one timed cluster -> cluster run,
the summary table.

Subcommands (all talk to loopback Redis Cluster nodes without a password):
  fill PORT --keys N --value-bytes B     N strings key:<i> onto the masters of their slots
  run API TOKEN --source PORTS --target PORTS --writes W --value-bytes B
                                        -> JSON: full-sync seconds, incremental throughput, checks
  table RESULTS.jsonl                   -> the summary table
Every run prints one JSON object on stdout; progress goes to stderr.
"""
import argparse
import binascii
import json
import os
import random
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_helpers import Api, client, log  # noqa: E402

SLOTS = 16384


def key_slot(key):
    """CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384 (as Redis Cluster)."""
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return binascii.crc_hqx(key, 0) % SLOTS


def raw(port, *args):
    """One command's reply without redis-py's response callbacks (CLUSTER SLOTS as sent)."""
    r = client(port, timeout=600)
    conn = r.connection_pool.get_connection(args[0])
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        r.connection_pool.release(conn)


class Slots:
    """Which master (by port) owns each slot, from CLUSTER SLOTS of one node."""

    def __init__(self, port):
        self.owner = [None] * SLOTS
        for entry in raw(port, "CLUSTER", "SLOTS"):
            first, last, master = entry[0], entry[1], entry[2]
            for slot in range(first, last + 1):
                self.owner[slot] = int(master[1])
        if None in self.owner:
            raise SystemExit(f"slot {self.owner.index(None)} has no master")
        self.masters = sorted(set(self.owner))

    def port_of(self, key):
        return self.owner[key_slot(key)]

    def total_keys(self):
        return sum(client(p).dbsize() for p in self.masters)


def tag_in(first, last):
    """The first tag "w<n>" whose slot is in [first, last]."""
    n = 0
    while not first <= key_slot(f"w{n}".encode()) <= last:
        n += 1
    return f"w{n}"


def send_all(port, commands):
    """Pipelines pre-encoded SETs to one node and checks every reply is +OK."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"".join(commands))
        want = 5 * len(commands)
        got = bytearray()
        while len(got) < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise SystemExit(f"node {port} closed the connection")
            got += chunk
        if bytes(got) != b"+OK\r\n" * len(commands):
            raise SystemExit(f"node {port} refused a write: {bytes(got[:200])!r}")


def fill(args):
    slots = Slots(args.port)
    started = time.monotonic()
    batch = {port: [] for port in slots.masters}
    for i in range(args.keys):
        key = f"key:{i}".encode()
        value = f"{i}:".encode().ljust(args.value_bytes, b"v")[:args.value_bytes]
        port = slots.port_of(key)
        batch[port].append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" %
                           (len(key), key, len(value), value))
        if len(batch[port]) == 10000:
            send_all(port, batch[port])
            batch[port] = []
        if (i + 1) % 250000 == 0:
            log(f"  filled {i + 1}/{args.keys}")
    for port, commands in batch.items():
        if commands:
            send_all(port, commands)
    log(f"  fill took {time.monotonic() - started:.1f}s, {slots.total_keys()} keys on "
        f"{len(slots.masters)} master(s)")


def wait_status(api, task_id, wanted, timeout, poll=0.05):
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = api.call("GET", f"/migration-task/{task_id}")["status"]
        if status in wanted:
            return status
        if status in ("MIGRATION_FAILED", "FAILED", "TERMINATED", "SUCCESS"):
            break
        time.sleep(poll)
    logs = api.call("GET", f"/migration-task/{task_id}/logs?limit=100")
    raise SystemExit(f"task {task_id}: status {status}, wanted {wanted}: {json.dumps(logs)[:3000]}")


def incremental(args, source, target, label):
    """Writes args.writes SETs through one redis-benchmark per tag (each tag in a third of the
    slot space, sent to the source master owning it), then a marker per tag; returns the
    seconds until the writes were done and until every marker was on the target."""
    third = SLOTS // 3
    tags = [tag_in(i * third + 500, (i + 1) * third - 500) for i in range(3)]
    value = "x" * args.value_bytes
    started = time.monotonic()
    benchmarks = []
    for n, tag in enumerate(tags):
        count = args.writes // 3 + (1 if n < args.writes % 3 else 0)
        benchmarks.append(subprocess.Popen(
            ["redis-benchmark", "-h", "127.0.0.1", "-p", str(source.port_of(tag.encode())),
             "-n", str(count), "-r", "100000000", "-c", "4", "-P", "16", "-q",
             "SET", f"{{{tag}}}:b:__rand_int__", value],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for process in benchmarks:
        if process.wait() != 0:
            raise SystemExit("redis-benchmark failed")
    written = time.monotonic() - started
    for tag in tags:
        client(source.port_of(tag.encode())).set(f"{{{tag}}}:marker", label)
    deadline = time.monotonic() + args.timeout
    waiting = set(tags)
    while waiting:
        for tag in list(waiting):
            key = f"{{{tag}}}:marker"
            if client(target.port_of(key.encode())).get(key) == label.encode():
                waiting.discard(tag)
        if time.monotonic() > deadline:
            raise SystemExit(f"the target did not receive the markers of {sorted(waiting)}")
        time.sleep(0.01)
    return written, time.monotonic() - started


def verify(source, target, samples, timeout):
    """Key counts equal (polled), then `samples` random source keys with the same type, value
    digest and TTL (within 1 s) on the target's owner. Returns (keys, mismatch or None)."""
    deadline = time.monotonic() + timeout
    while True:
        want, got = source.total_keys(), target.total_keys()
        if want == got:
            break
        if time.monotonic() > deadline:
            return want, f"key counts differ: source {want}, target {got}"
        time.sleep(0.1)
    rng = random.Random(7)
    for _ in range(samples):
        key = client(rng.choice(source.masters)).randomkey()
        if key is None:
            break
        sides = []
        for slots in (source, target):
            r = client(slots.port_of(key))
            sides.append((r.type(key), r.execute_command("DEBUG", "DIGEST-VALUE", key),
                          r.pttl(key)))
        (t1, d1, p1), (t2, d2, p2) = sides
        if t1 != t2 or d1 != d2 or (p1 < 0) != (p2 < 0) or abs(p1 - p2) > 1000:
            return want, f"key {key!r}: source {sides[0]}, target {sides[1]}"
    return want, None


def run(args):
    api = Api(args.api, args.token)
    source_ports = [int(p) for p in args.source.split(",")]
    target_ports = [int(p) for p in args.target.split(",")]
    source, target = Slots(source_ports[0]), Slots(target_ports[0])
    keys_before = source.total_keys()
    created = api.call("POST", "/migration/instance", {"name": f"cluster-bench-{args.label}"})
    task_id = created["id"]
    body = {
        "migration_method": "incremental_migration",
        "resume_mode": "auto",
        "source_instance": {"addrs": ",".join(f"127.0.0.1:{p}" for p in source_ports)},
        "target_instance": {"addrs": ",".join(f"127.0.0.1:{p}" for p in target_ports)},
    }
    load0 = os.getloadavg()[0]
    started = time.monotonic()
    api.call("POST", f"/migration/{task_id}/task", body)
    wait_status(api, task_id, {"INCRMIGEATING"}, args.timeout)
    full_s = time.monotonic() - started
    log(f"  full sync: {full_s:.2f}s")
    written_s, applied_s = incremental(args, source, target, args.label)
    log(f"  {args.writes} writes: done on the source after {written_s:.2f}s, "
        f"on the target after {applied_s:.2f}s")
    keys, mismatch = verify(source, target, args.samples, 120)
    log(f"  {keys} keys on both sides, {args.samples} sampled keys: "
        f"{'equal' if mismatch is None else mismatch}")
    stats = api.call("GET", f"/migration-task/{task_id}/stats")
    api.call("POST", f"/migration-task/{task_id}/stop")
    wait_status(api, task_id, {"TERMINATED"}, 60)
    print(json.dumps({
        "label": args.label,
        "task_id": task_id,
        "source_masters": len(source.masters),
        "target_masters": len(target.masters),
        "keys_before": keys_before,
        "keys_after": keys,
        "full_sync_s": round(full_s, 3),
        "writes": args.writes,
        "written_s": round(written_s, 3),
        "applied_s": round(applied_s, 3),
        "source_ops_s": round(args.writes / written_s),
        "applied_ops_s": round(args.writes / applied_s),
        "loadavg_1m_before": load0,
        "verified": mismatch is None,
        "mismatch": mismatch,
        "shards": stats.get("shards"),
    }))
    if mismatch:
        raise SystemExit(f"FAIL: {mismatch}")


def table(args):
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    best = {}
    for row in rows:
        b = best.setdefault(row["source_masters"], {"full": None, "ops": None, "rows": []})
        b["rows"].append(row)
        b["full"] = min(row["full_sync_s"], b["full"] or row["full_sync_s"])
        b["ops"] = max(row["applied_ops_s"], b["ops"] or 0)
    print("| source masters | target masters | keys | runs | full sync s (best) | "
          "incremental applied ops/s (best) | source write ops/s | catch-up after writes s | "
          "all runs verified |")
    print("|---|---|---|---|---|---|---|---|---|")
    for masters in sorted(best):
        b = best[masters]
        r = b["rows"]
        print(f"| {masters} | {r[0]['target_masters']} | {r[0]['keys_before']:,} | {len(r)} | "
              f"{b['full']:.2f} | {b['ops']:,} | {max(x['source_ops_s'] for x in r):,} | "
              f"{min(x['applied_s'] - x['written_s'] for x in r):.2f} | "
              f"{'yes' if all(x['verified'] for x in r) else 'NO'} |")
    if len(best) == 2:
        many, one = max(best), min(best)
        print(f"\n{many} source masters vs {one}: full sync time x"
              f"{best[many]['full'] / best[one]['full']:.2f}, incremental throughput x"
              f"{best[many]['ops'] / best[one]['ops']:.2f}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("fill")
    s.add_argument("port", type=int)
    s.add_argument("--keys", type=int, required=True)
    s.add_argument("--value-bytes", type=int, default=100)
    s.set_defaults(fn=fill)
    s = sub.add_parser("run")
    s.add_argument("api")
    s.add_argument("token")
    s.add_argument("--source", required=True, help="every source node's port, comma-separated")
    s.add_argument("--target", required=True, help="every target node's port, comma-separated")
    s.add_argument("--writes", type=int, default=300000)
    s.add_argument("--value-bytes", type=int, default=100)
    s.add_argument("--samples", type=int, default=2000)
    s.add_argument("--label", default="run")
    s.add_argument("--timeout", type=float, default=3600)
    s.set_defaults(fn=run)
    s = sub.add_parser("table")
    s.add_argument("results")
    s.set_defaults(fn=table)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()

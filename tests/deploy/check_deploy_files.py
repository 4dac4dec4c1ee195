#!/usr/bin/python3
"""Checks the deployment files in deploy/ against the migrationd binary they run.

usage: check_deploy_files.py REPO_ROOT MIGRATIOND_BINARY

Kubernetes manifests, systemd units, Prometheus alert rules and the Grafana dashboard must be
well-formed, pass only flags migrationd knows, probe the endpoints migrationd serves on the ports
the flags give, and never put the database URL on a command line. Exit 0 when all holds;
otherwise every problem is printed and the exit code is 1.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def known_flags(binary):
    usage = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"--[a-z][a-z-]*", usage))


def flag_values(args):
    """{"--flag": value} of an argument list (both --flag value and --flag=value)."""
    values, i = {}, 0
    while i < len(args):
        arg = args[i]
        if "=" in arg:
            name, value = arg.split("=", 1)
            values[name] = value
        elif arg.startswith("--"):
            values[arg] = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("--") else ""
            i += 1 if values[arg] else 0
        i += 1
    return values


def port_of(listen):
    return int(listen.rsplit(":", 1)[1])


def check_flags(where, flags, known):
    for name in flags:
        if name not in known:
            problem(where, f"unknown migrationd flag {name}")
    if "--database-url" in flags and not flags["--database-url"].startswith("$("):
        problem(where, "the database URL is on the command line (use RMS_DATABASE_URL)")


def check_probe(where, probe, path, port):
    get = (probe or {}).get("httpGet", {})
    if get.get("path") != path or get.get("port") != port:
        problem(where, f"expected an httpGet probe of {path} on port {port}, got {probe}")


def check_kubernetes(root, known):
    path = root / "deploy/kubernetes/migrationd.yaml"
    deployments = [d for d in yaml.safe_load_all(path.read_text()) if d and d["kind"] == "Deployment"]
    if len(deployments) < 2:
        problem(path.name, "expected an API and a worker Deployment")
    for deployment in deployments:
        pod = deployment["spec"]["template"]
        for container in pod["spec"]["containers"]:
            where = f"{path.name} {deployment['metadata']['name']}"
            flags = flag_values(container["args"])
            check_flags(where, flags, known)
            metrics_port = port_of(flags.get("--metrics-listen", "127.0.0.1:9464"))
            if pod["metadata"]["annotations"].get("prometheus.io/port") != str(metrics_port):
                problem(where, "prometheus.io/port does not match --metrics-listen")
            roles = flags.get("--roles", "api,worker").split(",")
            if "api" in roles:
                http_port = port_of(flags.get("--http-listen", "127.0.0.1:8080"))
                check_probe(where + " readiness", container.get("readinessProbe"), "/readyz", http_port)
                check_probe(where + " liveness", container.get("livenessProbe"), "/healthz", http_port)
            else:
                check_probe(where + " liveness", container.get("livenessProbe"), "/metrics",
                            metrics_port)


def systemd_exec_args(text):
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [l for l in joined.splitlines() if l.startswith("ExecStart=")]
    if len(lines) != 1:
        return None
    return lines[0][len("ExecStart="):].replace("'", " ").split()


def check_systemd(root, known):
    units = sorted((root / "deploy/systemd").glob("*.service"))
    if not units:
        problem("deploy/systemd", "no units")
    for unit in units:
        text = unit.read_text()
        for section in ("[Unit]", "[Service]", "[Install]"):
            if section not in text:
                problem(unit.name, f"missing {section}")
        for key in ("User=", "EnvironmentFile=", "Restart=", "KillSignal=SIGTERM"):
            if key not in text:
                problem(unit.name, f"missing {key}")
        args = systemd_exec_args(text) or []
        binary_at = [i for i, a in enumerate(args) if a.endswith("/migrationd")]
        if not binary_at:
            problem(unit.name, "ExecStart does not run migrationd")
            continue
        check_flags(unit.name, flag_values(args[binary_at[0] + 1:]), known)


def check_alerts(root):
    path = root / "deploy/prometheus/alerts.yml"
    rules = [r for g in yaml.safe_load(path.read_text())["groups"] for r in g["rules"]]
    if not rules:
        problem(path.name, "no rules")
    for rule in rules:
        name = rule.get("alert", "?")
        if not rule.get("expr") or rule["expr"].count("(") != rule["expr"].count(")"):
            problem(name, "missing or unbalanced expr")
        if rule.get("labels", {}).get("severity") not in ("critical", "warning"):
            problem(name, "severity must be critical or warning")
        if not rule.get("annotations", {}).get("summary"):
            problem(name, "no summary")
        if "for" in rule and not re.fullmatch(r"\d+[smh]", str(rule["for"])):
            problem(name, f"bad duration {rule['for']}")


def check_dashboard(root):
    path = root / "deploy/grafana/migration-dashboard.json"
    dashboard = json.loads(path.read_text())
    exprs = [t.get("expr", "") for p in dashboard.get("panels", []) for t in p.get("targets", [])]
    if not exprs or not all(exprs):
        problem(path.name, "every panel target needs an expr")


def main():
    root, binary = Path(sys.argv[1]), sys.argv[2]
    known = known_flags(binary)
    check_kubernetes(root, known)
    check_systemd(root, known)
    check_alerts(root)
    check_dashboard(root)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

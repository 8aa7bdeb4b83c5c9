"""The load: each target in turn under locust, and what it cost in CPU.

``measure`` checks that both targets answer the expected page, runs an
unmeasured warm-up of each, then the measured rounds (alternating the order
from one round to the next). Each run is ``locust --headless`` in a process of
its own with ``bench/locustfile.py``; its numbers come from the CSV files it
writes, and its CPU accounting from ``/proc``: the gunicorn workers', the load
generator's and the rest of the machine's. ``summarise`` reduces one target's
rounds to one line of the report.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import DATA_DIR, LOCUSTFILE, ROOT, BenchError, log
from .server import Server, fetch


@dataclass
class Target:
    name: str
    path: str
    expect: str  # text the body must contain


@dataclass
class LoadResult:
    target: str
    path: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    body_bytes: float
    seconds: float
    locust_cpu: float  # share of one core the load generator used
    server_cpu: float  # cores the gunicorn workers used on average
    other_cpu: float  # cores used by everything else on the machine meanwhile
    server_cpu_ms: float  # server CPU time per request: steadier than req/s on a busy machine
    locust_exit: int
    failure_messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- CPU accounting


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_cpu() -> float:
    """CPU seconds all processes of the machine have used (Linux /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    except (OSError, ValueError):
        return 0.0
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` (Linux /proc), 0 when unknown."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


# --------------------------------------------------------------------------- one locust run


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _locust_command(
    server: Server, *, users: int, spawn_rate: int, seconds: int, prefix: Path
) -> list[str]:
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        locust = Path(shutil.which("locust") or "locust")
    return [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--host",
        server.base_url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
    ]


def _read_csv(
    prefix: Path, target: Target, process: subprocess.CompletedProcess[str]
) -> tuple[dict[str, str], list[str]]:
    """The statistics row of ``target`` and the failure messages locust wrote."""
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise BenchError(
            f"locust wrote no statistics (exit {process.returncode}):\n"
            f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
        )
    with stats_path.open(newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows.get("Aggregated") or rows.get(target.path)
    if row is None:
        raise BenchError(f"no statistics row in {stats_path}")
    messages = []
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open(newline="") as handle:
            messages = [
                f"{item['Occurrences']} x {item['Error']}" for item in csv.DictReader(handle)
            ]
    return row, messages


def run_locust(
    server: Server, target: Target, *, users: int, spawn_rate: int, seconds: int, label: str
) -> LoadResult:
    prefix = DATA_DIR / "locust" / label
    prefix.parent.mkdir(parents=True, exist_ok=True)
    command = _locust_command(
        server, users=users, spawn_rate=spawn_rate, seconds=seconds, prefix=prefix
    )
    env = dict(os.environ)
    env.update(BENCH_PATH=target.path, BENCH_EXPECT=target.expect, PYTHONUNBUFFERED="1")
    workers = server.worker_pids()
    server_cpu_before = _process_cpu(workers)
    cpu_before = _children_cpu()
    machine_before = _machine_cpu()
    started = time.monotonic()
    try:
        process = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"locust did not finish within {seconds + 120} s") from error
    wall = time.monotonic() - started
    locust_cpu = (_children_cpu() - cpu_before) / wall
    server_cpu = (_process_cpu(workers) - server_cpu_before) / wall
    other_cpu = max(0.0, (_machine_cpu() - machine_before) / wall - locust_cpu - server_cpu)
    if server.process.poll() is not None:
        raise BenchError(f"the server stopped during the load:\n{server.log_tail()}")

    row, messages = _read_csv(prefix, target, process)
    warnings = [
        line.strip()
        for line in process.stderr.splitlines()
        if "CPU usage" in line or "WARNING" in line
    ]
    requests = int(_number(row["Request Count"]))
    return LoadResult(
        target=target.name,
        path=target.path,
        requests=requests,
        failures=int(_number(row["Failure Count"])),
        rps=_number(row["Requests/s"]),
        p50_ms=_number(row["50%"]),
        p95_ms=_number(row["95%"]),
        p99_ms=_number(row["99%"]),
        mean_ms=_number(row["Average Response Time"]),
        max_ms=_number(row["Max Response Time"]),
        body_bytes=_number(row["Average Content Size"]),
        seconds=round(wall, 2),
        locust_cpu=round(locust_cpu, 2),
        server_cpu=round(server_cpu, 2),
        other_cpu=round(other_cpu, 2),
        server_cpu_ms=round(server_cpu * wall * 1000 / requests, 3) if requests else 0.0,
        locust_exit=process.returncode,
        failure_messages=messages,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- the whole load


def measure(
    server: Server, floor: Target, page: Target, args: argparse.Namespace
) -> dict[str, list[LoadResult]]:
    """Warm up, then load each target ``args.rounds`` times; the results by target."""
    for target in (floor, page):
        status, body = fetch(server.base_url + target.path)
        if status != 200 or target.expect.encode() not in body:
            raise BenchError(f"GET {target.path} answered {status}, not the expected page")

    load = {"users": args.users, "spawn_rate": args.spawn_rate}
    if args.warmup:
        for target in (floor, page):
            warm = run_locust(
                server, target, seconds=args.warmup, label=f"warmup-{target.name}", **load
            )
            log(f"warm-up {target.name}: {warm.requests} requests, {warm.rps:.0f} req/s")
            if warm.failures:
                raise BenchError(
                    f"{warm.failures} failed requests during the warm-up of {target.name}: "
                    + "; ".join(warm.failure_messages)
                )
    measured: dict[str, list[LoadResult]] = {floor.name: [], page.name: []}
    for number in range(1, args.rounds + 1):
        order = (floor, page) if number % 2 else (page, floor)
        for target in order:
            result = run_locust(
                server, target, seconds=args.duration, label=f"round{number}-{target.name}", **load
            )
            measured[target.name].append(result)
            log(
                f"round {number} {target.name}: {result.requests} requests, "
                f"{result.rps:.0f} req/s, p50 {result.p50_ms:.0f} ms, "
                f"p95 {result.p95_ms:.0f} ms, {result.failures} failures"
            )
    return measured


def summarise(results: list[LoadResult]) -> dict[str, Any]:
    """One target over its rounds: counts add up, rates and latencies are medians."""
    median = statistics.median
    return {
        "target": results[0].target,
        "path": results[0].path,
        "requests": sum(r.requests for r in results),
        "failures": sum(r.failures for r in results),
        "rps": round(median(r.rps for r in results), 1),
        "p50_ms": median(r.p50_ms for r in results),
        "p95_ms": median(r.p95_ms for r in results),
        "p99_ms": median(r.p99_ms for r in results),
        "mean_ms": round(median(r.mean_ms for r in results), 2),
        "body_bytes": round(median(r.body_bytes for r in results)),
        "locust_cpu": median(r.locust_cpu for r in results),
        "server_cpu": median(r.server_cpu for r in results),
        "other_cpu": median(r.other_cpu for r in results),
        "server_cpu_ms": median(r.server_cpu_ms for r in results),
        "rounds": [asdict(r) for r in results],
    }

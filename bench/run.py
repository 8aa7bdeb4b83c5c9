"""Benchmark: the public procurement page against a floor, in one run.

``make bench`` runs this file. It prepares a data directory under
``var/bench/`` (migrate, demo data, collectstatic), starts one gunicorn server
on a free loopback port with the production settings and the floor view
mounted (``PARTICIPAI_BENCH_FLOOR=1``), then loads each target in turn with
locust, headless, in a separate process:

- floor: ``/bench/floor/<slug>/``, one indexed query and a tiny text
  response: the least a Django view on this server, database and settings
  can do;
- page: ``/p/<slug>/``, the public procurement page of the demo.

It prints requests per second and p50/p95 latency for both and the ratio
page/floor, checks that the page runs the same number of SQL queries for a
small and a large procurement file, and writes everything to
``bench/results/procurement_page.json``. Speed is a ratio to the floor
measured in the same run, never an absolute number to compare across machines.

Exit status: 1 if any request failed or the server did not start; whether the
page reached the throughput target is printed but does not change it.

Run ``bench/run.py --help`` for the parameters; each also reads an
environment variable (``BENCH_USERS``, ``BENCH_DURATION``...).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import hashlib
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DATA_DIR = ROOT / "var" / "bench"
RESULT_FILE = BENCH_DIR / "results" / "procurement_page.json"
LOCUSTFILE = BENCH_DIR / "locustfile.py"
HOST = "127.0.0.1"

DEMO_SLUG = "ai-assisted-triage-of-adult-social-care-referrals"
DEMO_TITLE = "AI-assisted triage of adult social-care referrals"
# The procurement with no decisions and no documents in the demo.
EMPTY_SLUG = "shorter-waits-for-home-care-assessments"
# Created by this script through the services: a long file with many decisions,
# deciders and documents, to show the page's query count does not grow with it.
LARGE_TITLE = "Benchmark: a long procurement file"
LARGE_DECISIONS = 40
LARGE_DOCUMENTS = 80
THROUGHPUT_TARGET = 0.5  # the page serves at least half the floor's requests per second

STATIC_FINGERPRINT = "static.fingerprint"


# --------------------------------------------------------------------------- parameters


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(
        description="Benchmark the public procurement page against a floor view.",
        epilog="Set DATABASE_URL to measure on PostgreSQL instead of SQLite.",
    )
    parser.add_argument(
        "--users",
        type=int,
        default=_env_int("BENCH_USERS", 20),
        help="concurrent locust users (BENCH_USERS, default 20)",
    )
    parser.add_argument(
        "--spawn-rate",
        type=int,
        default=_env_int("BENCH_SPAWN_RATE", 20),
        help="users started per second (BENCH_SPAWN_RATE, default 20)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=_env_int("BENCH_DURATION", 20),
        help="seconds of measured load per target (BENCH_DURATION, default 20)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=_env_int("BENCH_WARMUP", 3),
        help="seconds of unmeasured load per target first (BENCH_WARMUP, default 3)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=_env_int("BENCH_ROUNDS", 1),
        help="measure floor and page this many times, alternating, and report "
        "the median of each (BENCH_ROUNDS, default 1)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=_env_int("BENCH_WORKERS", max(2, cpus)),
        help="gunicorn worker processes (BENCH_WORKERS, default: number of CPUs, at least 2)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=_env_int("BENCH_THREADS", 4),
        help="threads per gunicorn worker (BENCH_THREADS, default 4 as `participai serve`)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        default=os.environ.get("BENCH_FRESH", "") == "1",
        help="collect static files again even if they have not changed (BENCH_FRESH=1)",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULT_FILE, help=f"default {RESULT_FILE.relative_to(ROOT)}"
    )
    # Internal: run inside Django in a child process with the server's settings.
    parser.add_argument(
        "--internal", choices=["queries", "static-fingerprint"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    for name in ("users", "spawn_rate", "duration", "workers", "threads", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be 0 or more")
    return args


# --------------------------------------------------------------------------- helpers


class BenchError(Exception):
    """Something that stops the benchmark (server did not start, a step failed)."""


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def server_env() -> dict[str, str]:
    """The environment of the measured server and of every Django command run
    for it: production settings, loopback only, the floor mounted."""
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="participai.config.settings",
        PARTICIPAI_ENV="production",
        PARTICIPAI_DATA_DIR=str(DATA_DIR),
        PARTICIPAI_BENCH_FLOOR="1",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_step(description: str, command: list[str], env: dict[str, str]) -> str:
    """Run a preparation command; raise with its output if it fails."""
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(
            f"{description} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    log(f"{description}: {time.monotonic() - started:.1f} s")
    return result.stdout


def manage(*args: str) -> list[str]:
    return [sys.executable, "-m", "participai.cli", *args]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def describe_database() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"engine": "sqlite", "location": str(DATA_DIR / "participai.sqlite3")}
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{parts.scheme}://{parts.username + '@' if parts.username else ''}{host}"
    where += f":{parts.port}" if parts.port else ""
    return {"engine": parts.scheme, "location": where + parts.path}  # no password


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        info["memory_gb"] = round(
            int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1
        )
    except (OSError, ValueError, IndexError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("django", "gunicorn", "locust", "whitenoise", "psycopg"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    return info


# --------------------------------------------------------------------------- data directory


def prepare_data(env: dict[str, str], *, fresh: bool) -> None:
    """A new SQLite database with the demo (or migrate + demo once on
    DATABASE_URL), and the static files with their manifest.

    Collecting and compressing the static files takes half a minute, so they
    are kept between runs and collected again only when the files Django
    would collect (or the storage, or the versions) have changed."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    keep = {"static", STATIC_FINGERPRINT}
    for entry in DATA_DIR.iterdir():
        if entry.name in keep and not fresh:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    run_step("migrate", manage("migrate", "--noinput"), env)
    run_step("demo data", manage("demo"), env)

    fingerprint = run_step(
        "static fingerprint",
        [sys.executable, str(Path(__file__).resolve()), "--internal", "static-fingerprint"],
        env,
    ).strip()
    stored = DATA_DIR / STATIC_FINGERPRINT
    manifest = DATA_DIR / "static" / "staticfiles.json"
    if manifest.exists() and stored.exists() and stored.read_text().strip() == fingerprint:
        log("static files unchanged since the last run: collectstatic skipped")
        return
    shutil.rmtree(DATA_DIR / "static", ignore_errors=True)
    stored.unlink(missing_ok=True)
    run_step("collectstatic", manage("collectstatic", "--noinput"), env)
    stored.write_text(fingerprint + "\n")


# --------------------------------------------------------------------------- server


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master), for their CPU time."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (OSError, ValueError):
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of all workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_server(env: dict[str, str], *, workers: int, threads: int) -> Server:
    port = free_port()
    log_path = DATA_DIR / "server.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "participai.config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",  # no access log: it would cost both targets alike, and fill the disk
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be stopped as one
        )
    server = Server(process=process, port=port, log_path=log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise BenchError(
                f"the server exited with {process.returncode} before answering:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise BenchError(
                "the server did not answer /healthz within 60 s:\n" + server.log_tail()
            )
        time.sleep(0.2)
    log(f"server: gunicorn on {server.base_url}, {workers} workers x {threads} threads")
    return server


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --------------------------------------------------------------------------- load


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


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def run_locust(
    server: Server, target: Target, *, users: int, spawn_rate: int, seconds: int, label: str
) -> LoadResult:
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        locust = Path(shutil.which("locust") or "locust")
    prefix = DATA_DIR / "locust" / label
    prefix.parent.mkdir(parents=True, exist_ok=True)
    command = [
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


# --------------------------------------------------------------------------- inside Django


def internal_static_fingerprint() -> None:
    """Print a hash of what collectstatic would collect, and how."""
    import django

    django.setup()
    from importlib.metadata import version

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    digest.update(repr(settings.STORAGES["staticfiles"]).encode())
    digest.update(f"django {version('django')} whitenoise {version('whitenoise')}".encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            # By content, not modification time: `make assets` copies the vendor
            # files afresh, with new times and the same bytes.
            content = hashlib.sha256(Path(storage.path(path)).read_bytes()).hexdigest()
            entries.append(f"{path}|{content}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    print(digest.hexdigest())


def _large_procurement() -> tuple[str, int, int]:
    """A published procurement with many decisions, deciders and documents,
    created through the services (so with its audit trail), once."""
    import datetime as dt

    from participai.accounts.models import Organisation, User
    from participai.procurements import services
    from participai.procurements.models import (
        Document,
        DocumentType,
        GateDecision,
        GateOutcome,
        Procurement,
    )

    existing = Procurement.objects.filter(title=LARGE_TITLE).first()
    if existing is None:
        organisation = Organisation.objects.get(slug="northbridge")
        officer = User.objects.get(username="nb-officer")
        deciders = list(
            User.objects.filter(username__in=["nb-officer", "nb-lead", "nb-admin", "nb-legal"])
        )
        item = services.procurement_create(
            actor=officer,
            organisation=organisation,
            title=LARGE_TITLE,
            mission="A file with a long history, to show that the public page does not "
            "run more queries when a procurement has many decisions and documents.",
            problem_statement="Created by `bench/run.py`. Each revision below came back to "
            "the problem definition with a new working paper.\n\n- one\n- two\n- three",
            affected_people="Nobody: it is benchmark data.",
        )
        services.procurement_publish(actor=officer, procurement=item)
        today = dt.date.today()
        per_decision = LARGE_DOCUMENTS // LARGE_DECISIONS
        for number in range(1, LARGE_DECISIONS + 1):
            for part in range(1, per_decision + 1):
                services.document_add(
                    actor=officer,
                    procurement=item,
                    title=f"Working paper {number}.{part}",
                    document_type=DocumentType.OTHER,
                    body=f"Notes for revision {number}, part {part}.",
                    is_public=part != per_decision or number % 4 != 0,
                )
            services.gate_decide(
                actor=officer,
                procurement=item,
                outcome=GateOutcome.REVISE,
                rationale=f"Revision {number}: the problem statement needs another pass "
                "with the people it affects.",
                decided_on=today,
                deciders=deciders,
                other_deciders="An independent adviser",
            )
        existing = Procurement.objects.get(pk=item.pk)
    return (
        existing.slug,
        GateDecision.objects.filter(procurement=existing).count(),
        Document.objects.filter(procurement=existing, is_public=True).count(),
    )


def internal_queries() -> None:
    """Render the page for a small, an empty and a large procurement with the
    server's settings, and print the number of SQL queries each took (JSON)."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from participai.procurements.models import Document, GateDecision, Procurement

    large_slug, large_decisions, large_documents = _large_procurement()
    client = Client(HTTP_HOST=HOST)

    def measure(path: str) -> tuple[int, int, int]:
        """Queries with an empty page cache (cold), then with it filled (warm)."""
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            first = client.get(path)
        if first.status_code != 200:
            raise SystemExit(f"GET {path} answered {first.status_code}")
        with CaptureQueriesContext(connection) as warm:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return len(cold), len(warm), len(response.content)

    pages = []
    for role, slug in (("demo", DEMO_SLUG), ("empty", EMPTY_SLUG), ("large", large_slug)):
        item = Procurement.objects.get(slug=slug)
        cold_queries, queries, size = measure(f"/p/{slug}/")
        pages.append(
            {
                "role": role,
                "slug": slug,
                "decisions": GateDecision.objects.filter(procurement=item).count(),
                "public_documents": Document.objects.filter(
                    procurement=item, is_public=True
                ).count(),
                "queries": queries,
                "queries_cold": cold_queries,
                "bytes": size,
            }
        )
    _, floor_queries, _ = measure(f"/bench/floor/{DEMO_SLUG}/")
    count = {page["role"]: page["queries"] for page in pages}
    cold = {page["role"]: page["queries_cold"] for page in pages}
    # Constant: the long file costs no more queries than the demo's, with the
    # page cache filled (what the load measures) and empty (after a change); a
    # file with no decisions may cost one fewer (no deciders to prefetch).
    constant = all(c["large"] == c["demo"] and c["empty"] <= c["demo"] for c in (count, cold))
    verdict = (
        f"{count['demo']} (cache filled) / {cold['demo']} (cache empty) for the demo, "
        f"{count['large']} / {cold['large']} for a file with {pages[2]['decisions']} "
        f"decisions and {pages[2]['public_documents']} public documents"
    )
    print(
        json.dumps(
            {
                "pages": pages,
                "floor_queries": floor_queries,
                "constant": constant,
                "verdict": verdict,
                "large": {
                    "slug": large_slug,
                    "decisions": large_decisions,
                    "public_documents": large_documents,
                },
                "database": connection.vendor,
            }
        )
    )


# --------------------------------------------------------------------------- report


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def print_report(
    floor: dict[str, Any], page: dict[str, Any], ratios: dict[str, Any], queries: dict[str, Any]
) -> None:
    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    columns = f"{'target':<10} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50 ms':>7} "
    columns += f"{'p95 ms':>7} {'CPU ms/req':>10} {'server CPU':>10} {'locust CPU':>10} "
    columns += f"{'other CPU':>9}"
    print()
    print(columns)
    print("-" * len(columns))
    for item in (floor, page):
        print(
            f"{item['target']:<10} {item['requests']:>9} {item['failures']:>9} "
            f"{item['rps']:>8.1f} {item['p50_ms']:>7.0f} {item['p95_ms']:>7.0f} "
            f"{item['server_cpu_ms']:>10.2f} {item['server_cpu']:>10.2f} "
            f"{item['locust_cpu']:>10.2f} {item['other_cpu']:>9.2f}"
        )
    print(
        f"{'page/floor':<10} {'':>9} {'':>9} {show(ratios['rps']):>8} "
        f"{show(ratios['p50_ms']):>7} {show(ratios['p95_ms']):>7} "
        f"{show(ratios['server_cpu_ms']):>10}"
    )
    print(f"floor: {floor['path']}\npage:  {page['path']}")
    print(
        "CPU ms/req: the server's CPU time per request; server, locust and other CPU: "
        "cores busy on average during the run."
    )
    print()
    verdict = "met" if ratios["target_met"] else "NOT met"
    print(
        f"Throughput: the page serves {ratios['rps']:.0%} of the floor's requests per second "
        f"(target: at least {THROUGHPUT_TARGET:.0%}): {verdict}."
    )
    print("SQL queries per page view (page cache filled / empty):")
    for item in queries["pages"]:
        print(
            f"  {item['queries']:>3} / {item['queries_cold']:<3} {item['slug']} "
            f"({item['decisions']} decisions, {item['public_documents']} public documents)"
        )
    print(
        f"Query count {'constant' if queries['constant'] else 'NOT CONSTANT'}: "
        f"{queries['verdict']} (the floor runs {queries['floor_queries']})."
    )
    generator = max(floor["locust_cpu"], page["locust_cpu"])
    if generator > 0.9:
        print(
            f"Note: the load generator used {generator:.0%} of a core; with it saturated the "
            "floor's rate is a lower bound and the ratio flatters the page."
        )
    other = max(floor["other_cpu"], page["other_cpu"])
    if other > 0.25:
        print(
            f"Note: other processes used up to {other:.2f} cores during the measurement, so "
            "the rates are low and noisy; the ratios, CPU ms/req above all, hold up better. "
            "Run again on a quiet machine, or with --rounds 3."
        )


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal == "queries":
        internal_queries()
        return 0
    if args.internal == "static-fingerprint":
        internal_static_fingerprint()
        return 0

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds through `finally`, which stops the server

    signal.signal(signal.SIGTERM, terminate)
    began = time.monotonic()
    load_average = [round(value, 2) for value in os.getloadavg()]
    env = server_env()
    database = describe_database()
    log(f"database: {database['engine']} ({database['location']}); data dir {DATA_DIR}")
    server: Server | None = None
    try:
        prepare_data(env, fresh=args.fresh)
        queries = json.loads(
            run_step(
                "query counts",
                [sys.executable, str(Path(__file__).resolve()), "--internal", "queries"],
                env,
            ).splitlines()[-1]
        )
        server = start_server(env, workers=args.workers, threads=args.threads)
        floor = Target("floor", f"/bench/floor/{DEMO_SLUG}/", DEMO_TITLE)
        page = Target("page", f"/p/{DEMO_SLUG}/", DEMO_TITLE)
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
        measured: dict[str, list[LoadResult]] = {"floor": [], "page": []}
        for number in range(1, args.rounds + 1):
            order = (floor, page) if number % 2 else (page, floor)
            for target in order:
                result = run_locust(
                    server,
                    target,
                    seconds=args.duration,
                    label=f"round{number}-{target.name}",
                    **load,
                )
                measured[target.name].append(result)
                log(
                    f"round {number} {target.name}: {result.requests} requests, "
                    f"{result.rps:.0f} req/s, p50 {result.p50_ms:.0f} ms, "
                    f"p95 {result.p95_ms:.0f} ms, {result.failures} failures"
                )
    except BenchError as error:
        print(f"[bench] FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("[bench] interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
            log("server stopped")

    floor_summary = summarise(measured["floor"])
    page_summary = summarise(measured["page"])
    ratios = {
        "rps": _ratio(page_summary["rps"], floor_summary["rps"]),
        "p50_ms": _ratio(page_summary["p50_ms"], floor_summary["p50_ms"]),
        "p95_ms": _ratio(page_summary["p95_ms"], floor_summary["p95_ms"]),
        "server_cpu_ms": _ratio(page_summary["server_cpu_ms"], floor_summary["server_cpu_ms"]),
    }
    ratios["target_met"] = ratios["rps"] is not None and ratios["rps"] >= THROUGHPUT_TARGET
    failures = floor_summary["failures"] + page_summary["failures"]
    print_report(floor_summary, page_summary, ratios, queries)

    report = {
        "benchmark": "procurement_page",
        "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine() | {"load_average_at_start": load_average},
        "settings": {
            "PARTICIPAI_ENV": env["PARTICIPAI_ENV"],
            "ALLOWED_HOSTS": env["ALLOWED_HOSTS"],
            "SECURE_SSL_REDIRECT": env["SECURE_SSL_REDIRECT"],
            "PARTICIPAI_BENCH_FLOOR": env["PARTICIPAI_BENCH_FLOOR"],
            "PARTICIPAI_DATA_DIR": str(DATA_DIR.relative_to(ROOT)),
            "TASKS_BACKEND": env.get("TASKS_BACKEND", "database"),
            "database": database,
            "server": {
                "program": "gunicorn (gthread)" if args.threads > 1 else "gunicorn (sync)",
                "workers": args.workers,
                "threads": args.threads,
                "access_log": False,
                "bind": f"{HOST}:<free port>",
            },
            "load": {
                "tool": "locust --headless, FastHttpUser, no wait between requests",
                "users": args.users,
                "spawn_rate": args.spawn_rate,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "rounds": args.rounds,
            },
        },
        "targets": {"floor": floor_summary, "page": page_summary},
        "ratios_page_over_floor": ratios,
        "throughput_target": THROUGHPUT_TARGET,
        "queries": queries,
        "failures": failures,
        "elapsed_s": round(time.monotonic() - began, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nResults written to {shown} ({report['elapsed_s']:.0f} s).")
    if failures:
        for summary in (floor_summary, page_summary):
            for result in summary["rounds"]:
                for message in result["failure_messages"]:
                    print(f"  {summary['target']}: {message}", file=sys.stderr)
        print(f"[bench] FAILED: {failures} requests failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

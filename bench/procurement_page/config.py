"""What every step of the benchmark shares: paths, names, parameters, helpers.

The files and directories the run uses, the procurements it measures, the
command line (each flag also reads a ``BENCH_*`` environment variable), the
environment of the measured server and of every Django command run for it,
and the helpers to log and to run a preparation step in a child process.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
RUN_SCRIPT = BENCH_DIR / "run.py"  # re-invoked with --internal for the steps inside Django
DATA_DIR = ROOT / "var" / "bench"
RESULT_FILE = BENCH_DIR / "results" / "procurement_page.json"
LOCUSTFILE = BENCH_DIR / "locustfile.py"
HOST = "127.0.0.1"

DEMO_SLUG = "ai-assisted-triage-of-adult-social-care-referrals"
DEMO_TITLE = "AI-assisted triage of adult social-care referrals"
# The procurement with no decisions and no documents in the demo.
EMPTY_SLUG = "shorter-waits-for-home-care-assessments"
# Created by the benchmark through the services: a long file with many decisions,
# deciders and documents, to show the page's query count does not grow with it.
LARGE_TITLE = "Benchmark: a long procurement file"
LARGE_DECISIONS = 40
LARGE_DOCUMENTS = 80
THROUGHPUT_TARGET = 0.5  # the page serves at least half the floor's requests per second

# The steps run inside Django, in a child process: ``run.py --internal <step>``.
INTERNAL_STEPS = ("queries", "static-fingerprint")


class BenchError(Exception):
    """Something that stops the benchmark (server did not start, a step failed)."""


def log(message: str, *, error: bool = False) -> None:
    print(f"[bench] {message}", file=sys.stderr if error else sys.stdout, flush=True)


# --------------------------------------------------------------------------- parameters


def _int_options(cpus: int) -> tuple[tuple[str, int, int, str, str], ...]:
    """The integer flags: name, default, minimum, help, and how the default
    is shown when not as its number."""
    return (
        ("users", 20, 1, "concurrent locust users", ""),
        ("spawn-rate", 20, 1, "users started per second", ""),
        ("duration", 20, 1, "seconds of measured load per target", ""),
        ("warmup", 3, 0, "seconds of unmeasured load per target first", ""),
        (
            "rounds",
            1,
            1,
            "measure floor and page this many times, alternating, and report the median of each",
            "",
        ),
        ("workers", max(2, cpus), 1, "gunicorn worker processes", "number of CPUs, at least 2"),
        ("threads", 4, 1, "threads per gunicorn worker", "4 as `participai serve`"),
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the public procurement page against a floor view.",
        epilog="Set DATABASE_URL to measure on PostgreSQL instead of SQLite.",
    )
    options = _int_options(os.cpu_count() or 2)
    for name, default, _minimum, text, shown in options:
        variable = "BENCH_" + name.upper().replace("-", "_")
        parser.add_argument(
            f"--{name}",
            type=int,
            # A string default goes through ``type`` as if typed on the command
            # line, so a bad BENCH_* value gets argparse's message, not a traceback.
            default=os.environ.get(variable, "").strip() or default,
            help=f"{text} ({variable}, default {shown or default})",
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
    parser.add_argument("--internal", choices=INTERNAL_STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name, _default, minimum, _text, _shown in options:
        if getattr(args, name.replace("-", "_")) < minimum:
            parser.error(f"--{name} must be at least {minimum}")
    return args


# --------------------------------------------------------------------------- environment


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


def describe_database() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"engine": "sqlite", "location": str(DATA_DIR / "participai.sqlite3")}
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{parts.scheme}://{parts.username + '@' if parts.username else ''}{host}"
    where += f":{parts.port}" if parts.port else ""
    return {"engine": parts.scheme, "location": where + parts.path}  # no password


# --------------------------------------------------------------------------- steps


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


def run_internal(description: str, step: str, env: dict[str, str]) -> str:
    """Run one of ``INTERNAL_STEPS`` inside Django with ``env`` (the server's
    settings), in a child process of its own; return what it printed."""
    return run_step(description, [sys.executable, str(RUN_SCRIPT), "--internal", step], env)

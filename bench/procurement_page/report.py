"""What the run tells: the table, the verdicts, and the JSON file.

``page_over_floor`` puts the page against the floor, ``print_report`` prints the table
with the throughput and query-count verdicts (and notes when the machine was
too busy for the rates to be trusted), ``build_report`` gathers everything,
with the machine and the settings, into the JSON that ``write_report`` writes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .config import DATA_DIR, HOST, ROOT, THROUGHPUT_TARGET, log

RATIO_KEYS = ("rps", "p50_ms", "p95_ms", "server_cpu_ms")


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def page_over_floor(floor: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    """Page over floor for each rate and latency, and whether the target is met."""
    result: dict[str, Any] = {key: _ratio(page[key], floor[key]) for key in RATIO_KEYS}
    result["target_met"] = result["rps"] is not None and result["rps"] >= THROUGHPUT_TARGET
    return result


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
    for package in ("django", "gunicorn", "locust", "whitenoise", "psycopg"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    return info


def build_report(
    args: argparse.Namespace,
    env: dict[str, str],
    *,
    database: dict[str, str],
    load_average: list[float],
    floor: dict[str, Any],
    page: dict[str, Any],
    ratios: dict[str, Any],
    queries: dict[str, Any],
    began: float,
) -> dict[str, Any]:
    """Everything the run measured, on what and how, for the JSON file."""
    return {
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
        "targets": {"floor": floor, "page": page},
        "ratios_page_over_floor": ratios,
        "throughput_target": THROUGHPUT_TARGET,
        "queries": queries,
        "failures": floor["failures"] + page["failures"],
        "elapsed_s": round(time.monotonic() - began, 1),
    }


def write_report(report: dict[str, Any], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"\nResults written to {shown} ({report['elapsed_s']:.0f} s).")


def report_failures(report: dict[str, Any]) -> None:
    """The failure messages of every round, on stderr."""
    for summary in report["targets"].values():
        for result in summary["rounds"]:
            for message in result["failure_messages"]:
                print(f"  {summary['target']}: {message}", file=sys.stderr)
    log(f"FAILED: {report['failures']} requests failed", error=True)

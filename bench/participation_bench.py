"""Benchmark: participation under load, each against a floor in the same run.

``make bench`` runs this file after the page and instrument benchmarks. It
starts one gunicorn server as ``bench/run.py`` does (production settings, the
floor view mounted, several workers) and measures, with locust:

(b) **a 5,000-comment process**: the first page of its comments module
    (``/p/<slug>/<process>/m/<module>/``) against the floor
    (``/bench/floor/<slug>/``), both with ``--page-users`` clients; and the
    SQL queries that page runs with 50 and with 5,000 comments, which must be
    equal;
(a) **statement votes** (PostgreSQL only): ``--users`` clients (200), each
    a distinct signed-in participant, voting through
    ``POST /api/contributions/<id>/vote`` on a statements module of
    ``--statements`` statements, against the floor with as many clients.
    Afterwards every vote a client was answered 200 for is checked against
    the database: ``StatementVote`` rows, the agree/disagree/pass counters and
    the audit events, none lost and none doubled. Every vote appends to the
    audit chain under one lock (``core_audithead``): the run measures how long
    a vote holds it (alone, before the load: the ceiling it sets) and samples
    ``pg_stat_activity`` during the load for connections waiting on it.

PostgreSQL is ``DATABASE_URL`` when it names one, else the database
``participai_bench_participation`` on 127.0.0.1:5432 (made when missing);
when neither answers, (a) is skipped with a message and (b) runs on SQLite.
The data lives in ``var/bench/participation/`` (and the static files in
``var/bench/static/``, shared with ``bench/run.py``); results go to
``bench/results/participation.json``. Speed is the ratio to the floor, never
an absolute number to compare across machines; no rate is a pass or fail,
but the run exits 1 if a request failed, the page's query counts differ or a
vote is unaccounted for.

The steps inside Django (seeding, counting queries, the audit lock, the
accounting) are in ``participation_seed.py``; this file runs them in a child
process with the server's settings (``--internal prepare|account``). The
server, the locust runs and their CPU accounting come from
``procurement_page``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from procurement_page import load as page_load
from procurement_page.config import (
    DATA_DIR,
    HOST,
    LOCUSTFILE,
    ROOT,
    BenchError,
    log,
    manage,
    run_internal,
    run_step,
    server_env,
)
from procurement_page.data import STATIC_DIR, STATIC_FINGERPRINT
from procurement_page.load import Target, run_locust, summarise
from procurement_page.report import machine
from procurement_page.server import Server, fetch, start_server

BENCH_DIR = Path(__file__).resolve().parent
THIS = Path(__file__).resolve()
WORK_DIR = DATA_DIR / "participation"
RESULT_FILE = BENCH_DIR / "results" / "participation.json"
VOTE_LOCUSTFILE = BENCH_DIR / "participation_locustfile.py"
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/participai_bench_participation"
# The voters' sessions, for the locustfile and the accounting; what the measured voters were told.
VOTERS_FILE = WORK_DIR / "voters.json"
VOTE_LOG = WORK_DIR / "votes.json"
SMALL_THREAD = 50  # comments in the process whose page's queries are compared with the long one's


# --------------------------------------------------------------------------- parameters


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(
        description="Benchmark statement votes and a long comment thread against a floor.",
        epilog="Set DATABASE_URL to a PostgreSQL database of its own for the benchmark.",
    )
    options = (
        ("users", "BENCH_VOTE_USERS", 200, "concurrent voters, each a distinct participant"),
        ("page-users", "BENCH_USERS", 20, "concurrent readers of the comments page"),
        ("statements", "BENCH_STATEMENTS", 50, "statements in the voted module"),
        ("comments", "BENCH_COMMENTS", 5000, "comments in the long process"),
        ("duration", "BENCH_DURATION", 20, "seconds of measured load per target"),
        ("warmup", "BENCH_WARMUP", 3, "seconds of unmeasured load per target first"),
        ("workers", "BENCH_WORKERS", max(2, cpus), "gunicorn workers (default: CPUs, >= 2)"),
        ("threads", "BENCH_THREADS", 4, "threads per gunicorn worker"),
        ("hold-votes", "BENCH_HOLD_VOTES", 200, "votes timed alone for the audit lock"),
    )
    for name, variable, default, text in options:
        parser.add_argument(
            f"--{name}",
            type=int,
            default=os.environ.get(variable, "").strip() or default,
            help=f"{text} ({variable}, default {default})",
        )
    parser.add_argument("--output", type=Path, default=RESULT_FILE)
    parser.add_argument("--internal", choices=("prepare", "account"), help=argparse.SUPPRESS)
    parser.add_argument("--votes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--module", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name, *_rest in options:
        if getattr(args, name.replace("-", "_")) < (0 if name == "warmup" else 1):
            parser.error(f"--{name} is too small")
    return args


# --------------------------------------------------------------------------- the database


def find_postgres() -> tuple[str | None, str]:
    """The PostgreSQL database to measure on, or ``None`` and why not."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        scheme = urlsplit(url).scheme
        if not scheme.startswith("postgres"):
            return None, f"DATABASE_URL is {scheme}, not PostgreSQL"
        return url, "DATABASE_URL"
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return None, "DATABASE_URL is not set and nothing answers on 127.0.0.1:5432"
    import psycopg

    name = urlsplit(LOCAL_POSTGRES).path.lstrip("/")
    try:
        server = LOCAL_POSTGRES.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
                log(f"created the database {name}")
    except psycopg.Error as error:
        return None, f"PostgreSQL on 127.0.0.1:5432 refused: {str(error).strip()}"
    return LOCAL_POSTGRES, "127.0.0.1:5432"


def shown_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(url.split(":///", 1)[-1])
        return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname}{port}{parts.path}"  # no password


def ensure_static(env: dict[str, str]) -> None:
    """The static files with their manifest, as ``bench/run.py`` keeps them:
    collected again only when what Django would collect has changed."""
    fingerprint = run_internal("static fingerprint", "static-fingerprint", env).strip()
    stored = DATA_DIR / STATIC_FINGERPRINT
    manifest = STATIC_DIR / "staticfiles.json"
    if manifest.exists() and stored.exists() and stored.read_text().strip() == fingerprint:
        return
    shutil.rmtree(STATIC_DIR, ignore_errors=True)
    stored.unlink(missing_ok=True)
    run_step("collectstatic", manage("collectstatic", "--noinput"), env)
    stored.write_text(fingerprint + "\n")


# --------------------------------------------------------------------------- inside Django


def internal(args: argparse.Namespace) -> int:
    """A step inside Django, in the child process: ``prepare`` seeds the data,
    counts the queries and times the audit lock (on PostgreSQL, with
    ``--votes``); ``account`` checks the votes of ``--module`` against
    ``--log``. Each prints its result as JSON on its last line."""
    import django

    django.setup()
    from django.db import connection

    import participation_seed as seed

    if args.internal == "account":
        voters = [seed.Voter(**v) for v in json.loads(VOTERS_FILE.read_text())["voters"]]
        sent = json.loads(args.log.read_text()) if args.log.exists() else []
        result = seed.account_votes(args.module, voters, [tuple(row) for row in sent])
        print(json.dumps(result.as_json()))
        return 0

    people = seed.seed_people()
    long_thread = seed.seed_comments(people, args.comments)
    short_thread = seed.seed_comments(people, SMALL_THREAD)
    counts = {
        "small": {"comments": SMALL_THREAD, **seed.count_page_queries(short_thread, host=HOST)},
        "long": {"comments": args.comments, **seed.count_page_queries(long_thread, host=HOST)},
    }
    prepared: dict[str, Any] = {
        "database": connection.vendor,
        "floor": {
            "path": f"/bench/floor/{people.procurement.slug}/",
            "expect": seed.PROCUREMENT_TITLE,
        },
        "page": {"path": seed.module_path(long_thread), "expect": long_thread.process.title},
        "queries": counts | {"equal": counts["small"]["queries"] == counts["long"]["queries"]},
        "votes": None,
        "audit_hold": None,
    }
    if args.votes:
        round_ = seed.seed_vote_round(
            people, statements=args.statements, voters=args.users, modules=("warmup", "measured")
        )
        VOTERS_FILE.write_text(json.dumps(round_.as_json()))
        prepared["votes"] = {
            "process": round_.process,
            "modules": round_.modules,
            "statements": round_.statements,
            "queries_per_vote": seed.count_vote_queries(round_, "warmup", host=HOST),
        }
        if connection.vendor == "postgresql" and args.hold_votes:
            prepared["audit_hold"] = seed.audit_hold(
                round_.modules["warmup"], round_.voters, args.hold_votes
            )
    print(json.dumps(prepared))
    return 0


def run_inside(description: str, env: dict[str, str], *arguments: str) -> dict[str, Any]:
    output = run_step(description, [sys.executable, str(THIS), *arguments], env)
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the audit lock


# Per sample: connections busy in a request (a query running or a transaction
# open), waiting on any lock, waiting on the audit head, and holding it. A
# holder is between its ``SELECT … core_audithead … FOR UPDATE`` and its
# commit: its last statement touched core_audithead or core_auditevent, and it
# is not itself waiting (a holder's COMMIT is missed, so it is a lower bound).
LOCK_SAMPLE = """
SELECT count(*) FILTER (WHERE state IN ('active', 'idle in transaction')),
       count(*) FILTER (WHERE wait_event_type = 'Lock'),
       count(*) FILTER (WHERE wait_event_type = 'Lock' AND query ILIKE '%core_audithead%'),
       count(*) FILTER (
           WHERE state IN ('active', 'idle in transaction')
             AND wait_event_type IS DISTINCT FROM 'Lock'
             AND (query ILIKE '%core_audithead%' OR query ILIKE '%core_auditevent%'))
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend'
"""


class LockSampler(threading.Thread):
    """Samples ``pg_stat_activity`` (``LOCK_SAMPLE``) every ``interval``
    seconds while the votes load the server."""

    def __init__(self, url: str, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.interval = interval
        self.samples: list[tuple[int, int, int, int]] = []
        self.error = ""
        self._done = threading.Event()

    def run(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True) as connection:
                while not self._done.wait(self.interval):
                    self.samples.append(tuple(connection.execute(LOCK_SAMPLE).fetchone()))
        except psycopg.Error as error:
            self.error = str(error).strip()

    def stop(self) -> dict[str, Any]:
        self._done.set()
        self.join(timeout=10)
        if not self.samples:
            return {"samples": 0, "error": self.error}
        busy, waiting, audit, holding = zip(*self.samples, strict=True)

        def share(counts: tuple[int, ...]) -> float:
            return round(sum(1 for count in counts if count) / len(counts), 3)

        return {
            "samples": len(self.samples),
            "busy_connections": round(statistics.mean(busy), 2),
            "waiting_on_any_lock": round(statistics.mean(waiting), 2),
            "waiting_on_audit_head": round(statistics.mean(audit), 2),
            "share_with_audit_queue": share(audit),
            "share_audit_head_held": share(holding),
            "error": self.error,
        }


def lock_verdict(votes_rps: float, hold: dict | None, waits: dict | None) -> dict[str, Any]:
    """Whether the audit lock is what limits the votes per second.

    The lock allows one vote at a time in its critical section, so it is the
    ceiling when it is held nearly all the time under load: then each vote's
    hold under load (the share of time held over the votes per second) is
    what one vote costs, whatever the number of clients or workers."""
    if (
        not votes_rps
        or not hold
        or not hold.get("hold_ms")
        or not waits
        or not waits.get("samples")
    ):
        return {"verdict": "not measured"}
    held = waits["share_audit_head_held"]
    waiting = waits["waiting_on_audit_head"] / (waits["busy_connections"] or 1)
    result = {
        "hold_alone_ms": hold["hold_ms"],
        "ceiling_alone_votes_per_s": hold["ceiling_votes_per_s"],
        "held_share_under_load": held,
        "hold_under_load_ms": round(held / votes_rps * 1000, 2),
        "waiting_share_of_busy_connections": round(waiting, 3),
    }
    facts = (
        f"held {held:.0%} of the time under load ({result['hold_under_load_ms']:.1f} ms per "
        f"vote, against {hold['hold_ms']:.2f} ms alone: a ceiling of "
        f"{hold['ceiling_votes_per_s']:.0f} votes/s on an idle machine); "
        f"{waiting:.0%} of the busy connections waited on it"
    )
    if held >= 0.8:
        result["verdict"] = f"IS the ceiling: {facts}"
    elif held >= 0.5 or waiting >= 0.2:
        result["verdict"] = f"is a partial bottleneck: {facts}"
    else:
        result["verdict"] = f"is not the ceiling: {facts}"
    return result


# --------------------------------------------------------------------------- the load


@contextlib.contextmanager
def vote_load(voters: Path, statements: list[int], log_path: Path):
    """``run_locust`` with the voters' locustfile and its variables, for the
    duration of the block: ``procurement_page.load`` runs ``LOCUSTFILE`` and
    passes the environment on."""
    variables = {
        "BENCH_VOTERS": str(voters),
        "BENCH_STATEMENTS": ",".join(map(str, statements)),
        "BENCH_VOTE_LOG": str(log_path),
    }
    log_path.unlink(missing_ok=True)
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    page_load.LOCUSTFILE = VOTE_LOCUSTFILE
    try:
        yield
    finally:
        page_load.LOCUSTFILE = LOCUSTFILE
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_once(
    server: Server, target: Target, args: argparse.Namespace, *, users: int, label: str
) -> list[page_load.LoadResult]:
    """A warm-up (unmeasured, must not fail) then the measured run."""
    if args.warmup:
        warm = run_locust(
            server,
            target,
            users=users,
            spawn_rate=users,
            seconds=args.warmup,
            label=f"{label}-warmup",
        )
        if warm.failures:
            raise BenchError(
                f"{warm.failures} failed requests warming up {target.name}: "
                + "; ".join(warm.failure_messages)
            )
    result = run_locust(
        server, target, users=users, spawn_rate=users, seconds=args.duration, label=label
    )
    log(
        f"{target.name}: {result.requests} requests, {result.rps:.0f} req/s, "
        f"p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, {result.failures} failures"
    )
    return [result]


def check_target(server: Server, target: Target) -> None:
    status, body = fetch(server.base_url + target.path)
    if status != 200 or target.expect.encode() not in body:
        raise BenchError(f"GET {target.path} answered {status}, not the expected page")


def ratios(measured: dict[str, Any], floor: dict[str, Any]) -> dict[str, float | None]:
    return {
        key: round(measured[key] / floor[key], 3) if floor[key] else None
        for key in ("rps", "p50_ms", "p95_ms", "server_cpu_ms")
    }


def measure_page(server: Server, prepared: dict, args: argparse.Namespace) -> dict[str, Any]:
    """(b): the floor, then the long thread's first page, ``--page-users`` each."""
    floor = Target("floor", prepared["floor"]["path"], prepared["floor"]["expect"])
    page = Target("page", prepared["page"]["path"], prepared["page"]["expect"])
    for target in (floor, page):
        check_target(server, target)
    result = {
        "floor": summarise(load_once(server, floor, args, users=args.page_users, label="p-floor")),
        "page": summarise(load_once(server, page, args, users=args.page_users, label="p-page")),
    }
    result["page_over_floor"] = ratios(result["page"], result["floor"])
    return result


def measure_votes(
    server: Server, prepared: dict, args: argparse.Namespace, url: str
) -> dict[str, Any]:
    """(a): the floor with ``--users`` clients, a warm-up of votes on their own
    module, then the measured votes while sampling the lock waits."""
    floor = Target("floor", prepared["floor"]["path"], prepared["floor"]["expect"])
    vote = Target("votes", "vote", "")
    statements = prepared["votes"]["statements"]
    result = {
        "floor": summarise(load_once(server, floor, args, users=args.users, label="p-vote-floor"))
    }
    load = {"users": args.users, "spawn_rate": args.users}
    with vote_load(VOTERS_FILE, statements["warmup"], WORK_DIR / "votes-warmup.json"):
        warm = run_locust(
            server, vote, seconds=max(args.warmup, 1), label="p-votes-warmup", **load
        )
    if warm.failures:
        raise BenchError("failed votes while warming up: " + "; ".join(warm.failure_messages))
    with vote_load(VOTERS_FILE, statements["measured"], VOTE_LOG):
        sampler = LockSampler(url)
        sampler.start()
        try:
            votes = run_locust(server, vote, seconds=args.duration, label="p-votes", **load)
        finally:
            result["lock_waits"] = sampler.stop()
    log(
        f"votes: {votes.requests} requests, {votes.rps:.0f} votes/s, p50 {votes.p50_ms:.0f} ms, "
        f"p95 {votes.p95_ms:.0f} ms, {votes.failures} failures"
    )
    result["votes"] = summarise([votes])
    result["votes_over_floor"] = ratios(result["votes"], result["floor"])
    return result


# --------------------------------------------------------------------------- report


def print_pair(title: str, floor: dict, measured: dict, ratio: dict, name: str) -> None:
    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    columns = f"{'target':<12} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50 ms':>7} "
    columns += f"{'p95 ms':>7} {'CPU ms/req':>10} {'server CPU':>10} {'locust CPU':>10} "
    columns += f"{'other CPU':>9}"
    print(f"\n{title}\n{columns}\n{'-' * len(columns)}")
    for item in (floor, measured):
        print(
            f"{item['target']:<12} {item['requests']:>9} {item['failures']:>9} "
            f"{item['rps']:>8.1f} {item['p50_ms']:>7.0f} {item['p95_ms']:>7.0f} "
            f"{item['server_cpu_ms']:>10.2f} {item['server_cpu']:>10.2f} "
            f"{item['locust_cpu']:>10.2f} {item['other_cpu']:>9.2f}"
        )
    print(
        f"{name + '/floor':<12} {'':>9} {'':>9} {show(ratio['rps']):>8} "
        f"{show(ratio['p50_ms']):>7} {show(ratio['p95_ms']):>7} "
        f"{show(ratio['server_cpu_ms']):>10}"
    )


def print_accounting(accounting: dict[str, Any]) -> None:
    verdict = "OK: no vote lost or doubled" if accounting["ok"] else "MISMATCH"
    print(
        f"Votes accounted for: {accounting['acknowledged']} answered 200 "
        f"({accounting['refused']} refused, {accounting['unanswered']} unanswered) -> "
        f"{accounting['expected_rows']} votes expected, {accounting['rows']} StatementVote rows; "
        f"counters {'match' if not accounting['counter_mismatches'] else 'DIFFER'}; "
        f"{accounting['audit_events']} audit events for {accounting['expected_audit_events']} "
        f"changes: {verdict}."
    )
    for name in ("lost", "unexpected", "counter_mismatches"):
        if accounting[name]:
            more = " ..." if len(accounting[name]) > 5 else ""
            print(f"  {name}: {accounting[name][:5]}{more}")


def print_report(report: dict[str, Any]) -> int:
    """The tables and verdicts; the number of failures (requests, unequal
    query counts, votes unaccounted for)."""
    parameters = report["parameters"]
    pair = report["comments_page"]
    print_pair(
        f"(b) comments module page, {parameters['comments']} comments, "
        f"{parameters['page_users']} users",
        pair["floor"],
        pair["page"],
        pair["page_over_floor"],
        "page",
    )
    queries = report["queries"]
    print(
        f"SQL queries of that page: {queries['small']['queries']} with "
        f"{queries['small']['comments']} comments, {queries['long']['queries']} with "
        f"{queries['long']['comments']}: {'equal' if queries['equal'] else 'NOT EQUAL'}."
    )
    failures = pair["floor"]["failures"] + pair["page"]["failures"] + (not queries["equal"])
    votes = report.get("votes")
    measured = [pair["floor"], pair["page"], *([votes["floor"], votes["votes"]] if votes else [])]
    other = max(item["other_cpu"] for item in measured)
    if other > 0.25:
        print(
            f"Note: other processes used up to {other:.2f} cores meanwhile (with PostgreSQL, "
            "its own processes count here): the rates are low and noisy; CPU ms/req and the "
            "ratios hold up better."
        )
    if votes is None:
        print(f"\n(a) statement votes: SKIPPED, they need PostgreSQL ({report['votes_skipped']}).")
        return failures
    print_pair(
        f"(a) statement votes, {parameters['users']} participants, "
        f"{parameters['statements']} statements",
        votes["floor"],
        votes["votes"],
        votes["votes_over_floor"],
        "votes",
    )
    print(f"SQL queries of one vote through the API: {queries['per_vote']}.")
    print_accounting(votes["accounting"])
    waits = votes["lock_waits"]
    if waits.get("samples"):
        print(
            f"During the votes, on average {waits['busy_connections']:.1f} connections were "
            f"busy, {waits['waiting_on_any_lock']:.2f} waited on a lock, "
            f"{waits['waiting_on_audit_head']:.2f} on the audit head (a queue in "
            f"{waits['share_with_audit_queue']:.0%} of {waits['samples']} samples)."
        )
    print(f"Audit lock: {votes['audit_lock']['verdict']}.")
    failures += votes["floor"]["failures"] + votes["votes"]["failures"]
    return failures + (not votes["accounting"]["ok"])


# --------------------------------------------------------------------------- the run


def choose_database() -> tuple[str, str | None]:
    """The database URL, and why the votes are skipped (``None``: they run)."""
    postgres, where = find_postgres()
    if postgres:
        log(f"PostgreSQL ({where}): {shown_url(postgres)}")
        return postgres, None
    for path in WORK_DIR.glob("participation.sqlite3*"):
        path.unlink()
    url = f"sqlite:///{WORK_DIR / 'participation.sqlite3'}"
    log(f"SKIPPED the statement votes (they need PostgreSQL): {where}.")
    log(f"The comments page runs on SQLite: {shown_url(url)}")
    return url, where


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal:
        return internal(args)

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds through `finally`, which stops the server

    signal.signal(signal.SIGTERM, terminate)
    began = time.monotonic()
    load_average = [round(value, 2) for value in os.getloadavg()]
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    url, skipped = choose_database()
    env = server_env() | {"DATABASE_URL": url}
    report: dict[str, Any] = {
        "benchmark": "participation",
        "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine() | {"load_average_at_start": load_average},
        "database": shown_url(url),
        "server": {"workers": args.workers, "threads": args.threads},
        "parameters": {
            "users": args.users,
            "page_users": args.page_users,
            "statements": args.statements,
            "comments": args.comments,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "votes_skipped": skipped,
    }
    server: Server | None = None
    try:
        run_step("migrate", manage("migrate", "--noinput"), env)
        ensure_static(env)
        prepare = ["--internal", "prepare", "--comments", str(args.comments)]
        if skipped is None:
            prepare += ["--votes", "--statements", str(args.statements)]
            prepare += ["--users", str(args.users), "--hold-votes", str(args.hold_votes)]
        prepared = run_inside("seed data, count queries, time the audit lock", env, *prepare)
        report["queries"] = prepared["queries"]
        report["audit_hold"] = prepared["audit_hold"]
        if prepared["votes"]:
            report["queries"]["per_vote"] = prepared["votes"]["queries_per_vote"]
        server = start_server(env, workers=args.workers, threads=args.threads)
        report["comments_page"] = measure_page(server, prepared, args)
        if skipped is None:
            report["votes"] = measure_votes(server, prepared, args, url)
    except BenchError as error:
        log(f"FAILED: {error}", error=True)
        return 1
    except KeyboardInterrupt:
        log("interrupted", error=True)
        return 130
    finally:
        if server is not None:
            server.stop()
            log("server stopped")

    if skipped is None:
        votes = report["votes"]
        try:
            votes["accounting"] = run_inside(
                "vote accounting",
                env,
                *("--internal", "account", "--log", str(VOTE_LOG)),
                *("--module", str(prepared["votes"]["modules"]["measured"])),
            )
        except BenchError as error:
            log(f"FAILED: {error}", error=True)
            return 1
        votes["audit_lock"] = lock_verdict(
            votes["votes"]["rps"], report["audit_hold"], votes["lock_waits"]
        )
    report["failures"] = print_report(report)
    report["elapsed_s"] = round(time.monotonic() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nResults written to {shown} ({report['elapsed_s']:.0f} s).")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""The run from start to end, and the dispatch of the steps run inside Django.

``main`` prepares the data, counts the queries, starts the server, loads the
floor and the page, stops the server whatever happens, then prints and writes
the report. With ``--internal <step>`` (how the run re-invokes ``run.py`` in a
child process with the server's settings) it sets Django up and runs only
that step.
"""

from __future__ import annotations

import os
import signal
import time

from . import data, queries
from .config import (
    DATA_DIR,
    DEMO_SLUG,
    DEMO_TITLE,
    BenchError,
    describe_database,
    log,
    parse_args,
    server_env,
)
from .load import Target, measure, summarise
from .report import build_report, page_over_floor, print_report, report_failures, write_report
from .server import Server, start_server

INTERNAL = {
    "queries": queries.internal_queries,
    "static-fingerprint": data.internal_static_fingerprint,
}


def run_internal_step(step: str) -> int:
    import django

    django.setup()
    INTERNAL[step]()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal:
        return run_internal_step(args.internal)

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
        data.prepare_data(env, fresh=args.fresh)
        query_counts = queries.count_queries(env)
        server = start_server(env, workers=args.workers, threads=args.threads)
        floor = Target("floor", f"/bench/floor/{DEMO_SLUG}/", DEMO_TITLE)
        page = Target("page", f"/p/{DEMO_SLUG}/", DEMO_TITLE)
        measured = measure(server, floor, page, args)
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

    floor_summary = summarise(measured["floor"])
    page_summary = summarise(measured["page"])
    ratios = page_over_floor(floor_summary, page_summary)
    print_report(floor_summary, page_summary, ratios, query_counts)
    report = build_report(
        args,
        env,
        database=database,
        load_average=load_average,
        floor=floor_summary,
        page=page_summary,
        ratios=ratios,
        queries=query_counts,
        began=began,
    )
    write_report(report, args.output)
    if report["failures"]:
        report_failures(report)
        return 1
    return 0

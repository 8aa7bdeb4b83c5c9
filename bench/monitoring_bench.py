"""Benchmark: the public monitoring dashboard of a deployed system against a floor.

``make bench`` runs this file after the other benchmarks; alone:
``.venv/bin/python bench/monitoring_bench.py``. It seeds, through the
contract services, one published procurement at contract monitoring with a
signed contract of ``--kpis`` public weekly KPIs (two of them fairness KPIs
reported for three groups) measured every week for ``--weeks`` weeks (five
years by default), a few payment decisions, audits with findings and
incidents. Then it serves the app as ``bench/run.py`` does (one gunicorn,
production settings, ``PARTICIPAI_BENCH_FLOOR=1``, the static files of
``var/bench/static/``) and loads, with locust, each after a few seconds of
unmeasured warm-up that must not fail:

- **floor**: ``/bench/floor/<slug>/`` (one indexed query, a tiny response);
- **page**: ``/p/<slug>/monitoring/``, the dashboard;
- **api**: ``/api/procurements/<slug>/monitoring``, the same in JSON.

It prints requests per second, latency and CPU per request of each with the
ratios page/floor and api/floor; the SQL queries of a page view and of an API
call for the long contract and for a short one (4 weeks, 2 KPIs: they must be
equal); and, in process, what a view is made of (HTML and SVG bytes, table
rows, the time spent building the dashboard's data against rendering it).
Speed is the ratio to the floor, never an absolute number; no rate is a pass
or fail, but the run exits 1 if a request failed or the query counts differ.

The data lives in a new SQLite file in ``var/bench/monitoring/`` (with
``DATABASE_URL``, that database: seeded once, found again later); results go
to ``bench/results/monitoring.json``. The steps inside Django run in a child
process with the server's settings (``--internal prepare``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import signal
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from participation_bench import (
    check_target,
    ensure_static,
    load_once,
    print_pair,
    ratios,
    shown_url,
)
from procurement_page.config import (
    DATA_DIR,
    HOST,
    ROOT,
    BenchError,
    log,
    manage,
    run_step,
    server_env,
)
from procurement_page.load import Target, summarise
from procurement_page.report import machine
from procurement_page.server import Server, start_server

BENCH_DIR = Path(__file__).resolve().parent
THIS = Path(__file__).resolve()
WORK_DIR = DATA_DIR / "monitoring"
RESULT_FILE = BENCH_DIR / "results" / "monitoring.json"

ORGANISATION = "bench-monitoring"
OFFICER = "bench-monitoring-officer"
TITLE = "Benchmark: monitoring of a deployed system"
SHORT_TITLE = "Benchmark: monitoring, a short contract"
WEEKS = 5 * 52 + 1  # five years of weekly measurements, both ends included
SHORT_WEEKS = 4
SHORT_KPIS = 2
FAIRNESS_GROUPS = ("Older people", "People with a disability", "Carers")
FAR_BELOW_FLOOR = 0.1  # below this ratio the run says what the view is made of


# --------------------------------------------------------------------------- parameters


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(
        description="Benchmark the public monitoring dashboard against a floor.",
        epilog="Set DATABASE_URL to measure on a database of its own instead of SQLite.",
    )
    options = (
        ("users", "BENCH_USERS", 20, "concurrent locust users per target"),
        ("duration", "BENCH_DURATION", 20, "seconds of measured load per target"),
        ("warmup", "BENCH_WARMUP", 3, "seconds of unmeasured load per target first"),
        ("workers", "BENCH_WORKERS", max(2, cpus), "gunicorn workers (default: CPUs, >= 2)"),
        ("threads", "BENCH_THREADS", 4, "threads per gunicorn worker"),
        ("kpis", "BENCH_KPIS", 10, "public weekly KPIs on the contract (at least 2)"),
        ("weeks", "BENCH_WEEKS", WEEKS, "weekly measurements per KPI and group"),
    )
    for name, variable, default, text in options:
        parser.add_argument(
            f"--{name}",
            type=int,
            default=os.environ.get(variable, "").strip() or default,
            help=f"{text} ({variable}, default {default})",
        )
    parser.add_argument("--output", type=Path, default=RESULT_FILE)
    parser.add_argument("--internal", choices=("prepare",), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name, *_rest in options:
        minimum = {"warmup": 0, "kpis": 2}.get(name, 1)
        if getattr(args, name) < minimum:
            parser.error(f"--{name} must be at least {minimum}")
    return args


# --------------------------------------------------------------------------- inside Django


def seed_officer():
    """The organisation and its procurement officer (made once)."""
    from participai.accounts import services as account_services
    from participai.accounts.models import User
    from participai.accounts.roles import Role

    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        organisation = account_services.organisation_create(
            actor=None, name="Benchmark Monitoring Borough", country="ES", slug=ORGANISATION
        )
        officer = account_services.user_create(username=OFFICER, password=None)
        account_services.membership_grant(
            actor=None, organisation=organisation, user=officer, role=Role.PROCUREMENT_OFFICER
        )
    return officer


def _place(procurement, stage: str) -> None:
    """Put ``procurement`` at ``stage`` directly, as the tests' ``make_procurement``
    does: the gates' rules (assessments, tender, award...) have their own tests
    and are not what this benchmark measures."""
    from participai.procurements import lifecycle
    from participai.procurements.models import Procurement

    Procurement.objects.filter(pk=procurement.pk).update(
        stage=stage, phase=lifecycle.stage(stage).phase
    )
    procurement.refresh_from_db()


def _kpi_values(number: int, fairness: bool) -> dict[str, Any]:
    higher = number % 3 != 2
    return {
        "name": f"Indicator {number}" + (", by group" if fairness else ""),
        "measure": f"What indicator {number} measures, and how, every week.",
        "unit": "%",
        "direction": "higher" if higher else "lower",
        "target": Decimal(90 if higher else 10),
        "threshold": Decimal(80 if higher else 20),
        "frequency": "weekly",
        "data_source": "Case management system",
        "owner": "Head of adult social care",
        "is_public": True,
        "disaggregate_by": "\n".join(FAIRNESS_GROUPS) if fairness else "",
    }


def _measurements_csv(kpis: list, first: dt.date, weeks: int) -> bytes:
    """Every KPI's weekly values as the CSV import reads them: one row per
    week (per group for a fairness KPI), mostly between threshold and target,
    one week in thirteen past the threshold, and one group-week in eleven
    resting on 3 cases (shown publicly as "fewer than 5")."""
    lines = ["kpi,measured_on,value,group,cases"]
    for kpi in kpis:
        higher = kpi.direction == "higher"
        for week in range(weeks):
            day = (first + dt.timedelta(weeks=week)).isoformat()
            for number, group in enumerate(kpi.groups or [""]):
                good = 85 + (week * 7 + number * 3) % 10 + (week % 4) / 4
                value = good if week % 13 else 75.5
                value = value if higher else 100 - value
                cases = 3 if group and (week + number) % 11 == 0 else 40 + week % 30
                lines.append(f"{kpi.pk},{day},{value:.2f},{group},{cases}")
    return ("\n".join(lines) + "\n").encode()


def seed_deployed(officer, *, title: str, kpis: int, weeks: int):
    """A published procurement at contract monitoring whose signed contract has
    ``kpis`` public weekly KPIs (the last two fairness KPIs reported for
    ``FAIRNESS_GROUPS``), each measured every week for ``weeks`` weeks up to
    today; five payment milestones (four tied to a KPI) with their decisions
    (released and withheld), three public audits with findings (some
    closed) and twelve incidents (most triaged, some resolved). Made once
    per title; returns the procurement.

    Everything goes through the services but the stage (see :func:`_place`)
    and the measurements, which go through ``measurements_import_csv``: the
    service for many rows at once (each row checked as one entered by hand,
    inserted in bulk, one audit event), since thousands of
    ``measurement_record`` calls would only slow the preparation and the
    dashboard reads the same rows either way.
    """
    from django.utils import timezone

    from participai.contracts import services
    from participai.contracts.models import Kpi, Measurement
    from participai.procurements import services as procurement_services
    from participai.procurements.models import Procurement

    existing = Procurement.objects.filter(title=title).first()
    if existing is not None:
        return existing
    organisation = officer.memberships.get().organisation
    procurement = procurement_services.procurement_create(
        actor=officer,
        organisation=organisation,
        title=title,
        mission="Everyone referred to adult social care gets help in time.",
        problem_statement="Created by `bench/monitoring_bench.py`: benchmark data.",
        affected_people="Nobody: it is benchmark data.",
    )
    procurement_services.procurement_publish(actor=officer, procurement=procurement)
    _place(procurement, "contract_negotiation")

    today = timezone.localdate()
    first = today - dt.timedelta(weeks=weeks - 1)
    start = first - dt.timedelta(days=6)  # the first week's period starts with the contract
    end = today + dt.timedelta(days=365)
    span = today - start  # milestones and audits spread over the time measured
    contract = services.contract_start(
        actor=officer,
        procurement=procurement,
        start_date=start,
        end_date=end,
        supplier_name="Acme Analytics",
        value=Decimal("1200000.00"),
        currency="EUR",
        exit_plan="Data returned within 30 days; handover to the in-house team.",
    )
    added = [
        services.kpi_add(
            actor=officer,
            contract=contract,
            **_kpi_values(number, fairness=number > kpis - 2),
        )
        for number in range(1, kpis + 1)
    ]
    plain = len(added) - 2  # the KPIs measured as a whole, which payments depend on
    milestones = [
        services.milestone_add(
            actor=officer,
            contract=contract,
            title=f"Year {year} of service",
            amount=Decimal("200000"),
            due_on=start + span * year / 5,
            condition=f"Indicator {year} meets its target in the year's last week.",
            kpi=added[(year - 1) % plain] if plain and year < 5 else None,
        )
        for year in range(1, 6)
    ]
    services.contract_sign(actor=officer, contract=contract, signed_on=start)
    _place(procurement, "contract_monitoring")
    contract.refresh_from_db()

    data = _measurements_csv(added, first, weeks)
    services.measurements_import_csv(
        actor=officer, contract=contract, file=io.BytesIO(data), filename="weekly.csv"
    )
    # Payments: each milestone tied to a KPI released on the last week before
    # it was due that met the target (every other one first withheld, then
    # released in half); withheld when no week met it or it has no KPI.
    for milestone in milestones:
        kpi = milestone.kpi
        met = None
        if kpi is not None:
            weeks_met = Measurement.objects.filter(kpi=kpi, measured_on__lte=milestone.due_on)
            if kpi.direction == "higher":
                weeks_met = weeks_met.filter(value__gte=kpi.target)
            else:
                weeks_met = weeks_met.filter(value__lte=kpi.target)
            met = weeks_met.order_by("-measured_on").first()
        if met is None or milestone.pk % 2:
            services.payment_withhold(
                actor=officer,
                milestone=milestone,
                reason="The condition is not shown met yet: withheld until it is.",
                decided_on=met.measured_on if met else milestone.due_on,
            )
        if met is not None:
            services.payment_release(
                actor=officer,
                milestone=milestone,
                amount=milestone.amount / (2 if milestone.pk % 2 else 1),
                reason="The KPI met its target in the week recorded here.",
                decided_on=met.measured_on,
                measurement=met,
            )

    # Audits: one of each kind, with findings, some closed.
    for number, kind in enumerate(("internal", "independent", "participatory"), start=1):
        started = start + span * number / 4
        audit = services.audit_record(
            actor=officer,
            contract=contract,
            kind=kind,
            title=f"{kind.capitalize()} audit {number}",
            scope="Outcomes by group, explanations given to residents, human review.",
            auditor="Community review panel" if kind == "participatory" else "Audit office",
            participants="Residents and advocates" if kind == "participatory" else "",
            started_on=started,
            reported_on=min(started + dt.timedelta(days=60), today),
            summary="Findings below, each with its owner and due date.",
            is_public=True,
        )
        for index, severity in enumerate(("low", "medium", "high", "critical")[: number + 1]):
            finding = services.finding_add(
                actor=officer,
                audit=audit,
                title=f"Finding {number}.{index + 1}",
                description="What was found, with the cases it rests on.",
                severity=severity,
                owner="Service manager",
                due_on=started + dt.timedelta(days=120),
            )
            if index % 2 == 0:
                services.finding_update(
                    actor=officer, finding=finding, note="Fixed and checked.", status="closed"
                )

    # Incidents: reported by the officer and by guests, most triaged, some resolved.
    for number in range(12):
        incident = services.incident_report(
            procurement=procurement,
            description=f"Report {number}: my referral was marked not urgent and waited weeks.",
            occurred_on=today - dt.timedelta(days=number * 30),
            affected_someone=number % 2 == 0,
            user=officer if number < 4 else None,
        )
        if number % 3:
            incident = services.incident_triage(
                actor=officer,
                incident=incident,
                severity=("low", "medium", "high", "serious")[number % 4],
                respond_by=today + dt.timedelta(days=14),
                note="Checked against the case record.",
            )
        if number % 3 == 2:
            services.incident_resolve(
                actor=officer,
                incident=incident,
                public_response="The referral was reviewed by a social worker.",
            )
    assert Kpi.objects.filter(contract=contract).count() == kpis
    return procurement


def dashboard_path(procurement) -> str:
    return f"/p/{procurement.slug}/monitoring/"


def api_path(procurement) -> str:
    return f"/api/procurements/{procurement.slug}/monitoring"


def count_queries(procurement, *, host: str = "testserver") -> dict[str, int]:
    """SQL queries of an anonymous dashboard view and API call, each after a
    first unmeasured one (what a running server has warmed), and the bytes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    counts: dict[str, int] = {}
    for name, path in (("page", dashboard_path(procurement)), ("api", api_path(procurement))):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        counts[f"{name}_queries"] = len(captured)
        counts[f"{name}_bytes"] = len(response.content)
    return counts


def anatomy(procurement, *, runs: int = 5, host: str = "testserver") -> dict[str, Any]:
    """What one dashboard view is made of, in process: rows read, HTML and SVG
    bytes, table rows, and the median time of building the data
    (``public_dashboard``: queries, statuses, charts) against the whole view."""
    import re
    import statistics

    from django.test import Client

    from participai.contracts.models import Measurement
    from participai.contracts.selectors_public import public_dashboard

    client = Client(HTTP_HOST=host)
    path = dashboard_path(procurement)
    html = client.get(path).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)

    def median_ms(work) -> float:
        times = []
        for _run in range(runs):
            began = time.perf_counter()
            work()
            times.append((time.perf_counter() - began) * 1000)
        return round(statistics.median(times), 1)

    def build_only() -> None:
        public_dashboard(type(procurement).objects.get(pk=procurement.pk))

    return {
        "measurements": Measurement.objects.filter(kpi__contract__procurement=procurement).count(),
        "html_bytes": len(html.encode()),
        "svg_count": len(svgs),
        "svg_bytes": sum(len(svg.encode()) for svg in svgs),
        "table_rows": html.count("<tr"),
        "build_ms": median_ms(build_only),
        "page_ms": median_ms(lambda: client.get(path)),
        "api_ms": median_ms(lambda: client.get(api_path(procurement))),
    }


def internal(args: argparse.Namespace) -> int:
    """In the child process: seed, count the queries, look inside a view;
    print the result as JSON on the last line."""
    import django

    django.setup()
    from django.db import connection

    officer = seed_officer()
    long = seed_deployed(officer, title=TITLE, kpis=args.kpis, weeks=args.weeks)
    short = seed_deployed(officer, title=SHORT_TITLE, kpis=SHORT_KPIS, weeks=SHORT_WEEKS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum soon would after a bulk load
    queries = {"long": count_queries(long, host=HOST), "short": count_queries(short, host=HOST)}
    queries["equal"] = all(
        queries["long"][key] == queries["short"][key] for key in ("page_queries", "api_queries")
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "slug": long.slug,
                "title": long.title,
                "queries": queries,
                "anatomy": anatomy(long, host=HOST),
            }
        )
    )
    return 0


# --------------------------------------------------------------------------- report


def print_report(report: dict[str, Any]) -> int:
    """The table, the query counts and what a view is made of; the number of
    failures (failed requests, unequal query counts)."""
    parameters, load = report["parameters"], report["load"]
    print_pair(
        f"Monitoring dashboard, {parameters['kpis']} weekly KPIs x {parameters['weeks']} weeks, "
        f"{parameters['users']} users",
        load["floor"],
        load["page"],
        load["page_over_floor"],
        "page",
    )
    api, ratio = load["api"], load["api_over_floor"]
    print(
        f"{api['target']:<12} {api['requests']:>9} {api['failures']:>9} {api['rps']:>8.1f} "
        f"{api['p50_ms']:>7.0f} {api['p95_ms']:>7.0f} {api['server_cpu_ms']:>10.2f} "
        f"{api['server_cpu']:>10.2f} {api['locust_cpu']:>10.2f} {api['other_cpu']:>9.2f}"
    )
    print(
        f"{'api/floor':<12} {'':>9} {'':>9} {ratio['rps']:>8.2f} {ratio['p50_ms']:>7.2f} "
        f"{ratio['p95_ms']:>7.2f} {ratio['server_cpu_ms']:>10.2f}"
    )
    queries = report["queries"]
    long, short = queries["long"], queries["short"]
    print(
        f"\nSQL queries per view: page {long['page_queries']}, API {long['api_queries']} "
        f"({parameters['kpis']} KPIs x {parameters['weeks']} weeks); page "
        f"{short['page_queries']}, API {short['api_queries']} ({SHORT_KPIS} KPIs x "
        f"{SHORT_WEEKS} weeks): {'constant' if queries['equal'] else 'NOT CONSTANT'}."
    )
    inside = report["anatomy"]
    print(
        f"One view in process: {inside['measurements']} measurements read; page "
        f"{inside['html_bytes'] / 1024:.0f} kB of HTML, {inside['svg_count']} charts "
        f"({inside['svg_bytes'] / 1024:.0f} kB of SVG), {inside['table_rows']} table rows; "
        f"{inside['page_ms']:.0f} ms a page view, of which {inside['build_ms']:.0f} ms building "
        f"the data (queries, statuses, charts); {inside['api_ms']:.0f} ms an API call."
    )
    other = max(load[name]["other_cpu"] for name in ("floor", "page", "api"))
    if other > 0.25:
        print(
            f"Note: other processes used up to {other:.2f} cores meanwhile: the rates are low "
            "and noisy; CPU ms/req and the ratios hold up better."
        )
    if min(load["page_over_floor"]["rps"] or 0, ratio["rps"] or 0) < FAR_BELOW_FLOOR:
        print(
            f"Far below the floor (< {FAR_BELOW_FLOOR:.0%}): see the line above for where a "
            "view's time goes (building the data vs rendering the template)."
        )
    failures = sum(load[name]["failures"] for name in ("floor", "page", "api"))
    return failures + (not queries["equal"])


# --------------------------------------------------------------------------- the run


def measure(server: Server, prepared: dict, args: argparse.Namespace) -> dict[str, Any]:
    slug = prepared["slug"]
    targets = (
        Target("floor", f"/bench/floor/{slug}/", prepared["title"]),
        Target("page", f"/p/{slug}/monitoring/", prepared["title"]),
        Target("api", f"/api/procurements/{slug}/monitoring", prepared["title"]),
    )
    for target in targets:
        check_target(server, target)
    result = {
        target.name: summarise(
            load_once(server, target, args, users=args.users, label=f"m-{target.name}")
        )
        for target in targets
    }
    result["page_over_floor"] = ratios(result["page"], result["floor"])
    result["api_over_floor"] = ratios(result["api"], result["floor"])
    return result


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
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        for path in WORK_DIR.glob("monitoring.sqlite3*"):
            path.unlink()
        url = f"sqlite:///{WORK_DIR / 'monitoring.sqlite3'}"
    env = server_env() | {"DATABASE_URL": url}
    report: dict[str, Any] = {
        "benchmark": "monitoring",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine() | {"load_average_at_start": load_average},
        "database": shown_url(url),
        "server": {"workers": args.workers, "threads": args.threads},
        "parameters": {
            "users": args.users,
            "kpis": args.kpis,
            "weeks": args.weeks,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
    }
    server: Server | None = None
    try:
        run_step("migrate", manage("migrate", "--noinput"), env)
        ensure_static(env)
        # The alerts and incident mails of the seeding go nowhere (not to the console).
        seed_env = env | {"EMAIL_URL": "locmem://"}
        command = [sys.executable, str(THIS), "--internal", "prepare"]
        command += ["--kpis", str(args.kpis), "--weeks", str(args.weeks)]
        output = run_step("seed data, count queries, look inside a view", command, seed_env)
        prepared = json.loads(output.strip().splitlines()[-1])
        report["queries"] = prepared["queries"]
        report["anatomy"] = prepared["anatomy"]
        server = start_server(env, workers=args.workers, threads=args.threads)
        report["load"] = measure(server, prepared, args)
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

    report["failures"] = print_report(report)
    report["elapsed_s"] = round(time.monotonic() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nResults written to {shown} ({report['elapsed_s']:.0f} s).")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

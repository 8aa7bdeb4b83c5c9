"""The monitoring benchmark's seeding and reporting (``bench/monitoring_bench.py``),
with small numbers on the test database: the procurement it makes is deployed
with the KPIs, weekly measurements, payments, audits and incidents the
dashboard shows, its query counts are measured, and the report flags failures.
No time is measured here."""

from __future__ import annotations

import datetime
import itertools
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from participai.contracts.models import (
    Audit,
    Incident,
    Kpi,
    Measurement,
    PaymentDecision,
)

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

import monitoring_bench as bench  # bench/ is not a package: found through sys.path

pytestmark = pytest.mark.django_db

KPIS, WEEKS = 3, 12


@pytest.fixture
def deployed():
    officer = bench.seed_officer()
    return bench.seed_deployed(officer, title=bench.TITLE, kpis=KPIS, weeks=WEEKS)


def test_the_procurement_is_deployed_with_weekly_public_kpis_up_to_today(deployed):
    assert deployed.stage == "contract_monitoring" and deployed.is_published
    contract = deployed.contract
    assert contract.status == "signed"
    kpis = list(Kpi.objects.filter(contract=contract))
    assert len(kpis) == KPIS
    assert all(kpi.is_public and kpi.frequency == "weekly" for kpi in kpis)
    # The last two are fairness KPIs with three groups; the others have none.
    assert [len(kpi.groups) for kpi in kpis] == [0, 3, 3]
    rows = Measurement.objects.filter(kpi__contract=contract)
    assert rows.count() == WEEKS * (1 + 3 + 3)
    days = sorted(set(rows.values_list("measured_on", flat=True)))
    assert len(days) == WEEKS and days[-1] == timezone.localdate()
    assert all(b - a == datetime.timedelta(weeks=1) for a, b in itertools.pairwise(days))
    assert contract.start_date <= days[0] and contract.end_date > days[-1]
    # Some group-weeks rest on fewer than five cases, for the suppression.
    assert rows.filter(group__gt="", cases__lt=5).exists()


def test_payments_audits_and_incidents_are_recorded(deployed):
    contract = deployed.contract
    outcomes = set(
        PaymentDecision.objects.filter(milestone__contract=contract).values_list(
            "outcome", flat=True
        )
    )
    assert outcomes == {"released", "withheld"}
    assert Audit.objects.filter(contract=contract, is_public=True).count() == 3
    incidents = Incident.objects.filter(procurement=deployed)
    assert incidents.count() == 12
    assert incidents.filter(status="resolved").exists() and incidents.filter(status="triaged")


def test_seeding_again_finds_the_same_procurement(deployed):
    again = bench.seed_deployed(bench.seed_officer(), title=bench.TITLE, kpis=KPIS, weeks=WEEKS)
    assert again.pk == deployed.pk
    assert Measurement.objects.filter(kpi__contract=deployed.contract).count() == WEEKS * 7


def test_the_page_and_the_api_answer_with_a_count_of_queries(deployed):
    counts = bench.count_queries(deployed)
    assert counts["page_queries"] > 0 and counts["api_queries"] > 0
    assert counts["page_bytes"] > 0 and counts["api_bytes"] > 0
    short = bench.seed_deployed(bench.seed_officer(), title=bench.SHORT_TITLE, kpis=2, weeks=2)
    assert bench.count_queries(short)["page_queries"] == counts["page_queries"]


def _result(name: str, failures: int = 0) -> dict:
    return {
        "target": name,
        "requests": 100,
        "failures": failures,
        "rps": 50.0,
        "p50_ms": 10,
        "p95_ms": 20,
        "server_cpu_ms": 5.0,
        "server_cpu": 1.0,
        "locust_cpu": 0.3,
        "other_cpu": 0.0,
    }


def _report(*, page_failures: int = 0, equal: bool = True) -> dict:
    floor, page, api = _result("floor"), _result("page", page_failures), _result("api")
    counts = {"page_queries": 9, "api_queries": 8, "page_bytes": 1, "api_bytes": 1}
    return {
        "parameters": {"users": 2, "kpis": KPIS, "weeks": WEEKS},
        "load": {
            "floor": floor,
            "page": page,
            "api": api,
            "page_over_floor": bench.ratios(page, floor),
            "api_over_floor": bench.ratios(api, floor),
        },
        "queries": {"long": counts, "short": counts, "equal": equal},
        "anatomy": {
            "measurements": 42,
            "html_bytes": 2048,
            "svg_count": 3,
            "svg_bytes": 1024,
            "table_rows": 50,
            "build_ms": 1.0,
            "page_ms": 2.0,
            "api_ms": 1.5,
        },
    }


def test_the_report_prints_every_target_and_counts_failures(capsys):
    assert bench.print_report(_report()) == 0
    out = capsys.readouterr().out
    for line in ("floor ", "page ", "api ", "page/floor", "api/floor", "constant"):
        assert line in out
    assert bench.print_report(_report(page_failures=2)) == 2
    assert bench.print_report(_report(equal=False)) == 1
    assert "NOT CONSTANT" in capsys.readouterr().out

"""GET /api/procurements/{slug}/monitoring: the public dashboard as open data.

The body conforms to the schema the OpenAPI document declares; it carries
the same figures as the page (public KPIs only, suppression under five
cases, payments, public audits, incidents in aggregate, "you said, we
did"); a draft is a 404 JSON body for everyone, its own staff included; the
number of queries does not grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.contracts.api import MonitoringOut
from participai.contracts.models import Audit, Finding, Incident, PaymentDecision

from .test_public_dashboard import add_kpi, answer, deploy, measure

pytestmark = pytest.mark.django_db


def api_url(procurement) -> str:
    return f"/api/procurements/{procurement.slug}/monitoring"


@pytest.fixture
def deployed(make_procurement, officer):
    procurement = make_procurement(published=True)
    deploy(procurement, officer)
    return procurement


def test_the_openapi_document_declares_the_endpoint_and_its_answers(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/procurements/{slug}/monitoring"]["get"]
    assert set(operation["responses"]) == {"200", "404"}
    assert "monitoring" in operation["tags"]
    out = schema["components"]["schemas"]["MonitoringOut"]
    assert {"kpis", "payments", "audits", "incidents", "said_did", "contract"} <= set(
        out["properties"]
    )
    value = schema["components"]["schemas"]["ValueOut"]
    assert {"value", "suppressed", "status"} <= set(value["required"])


def test_the_dashboard_as_json(client, deployed, officer):
    contract = deployed.contract
    kpi = contract.kpis.get()
    measure(kpi, datetime.date(2026, 2, 1), "91.5", officer)
    fair = add_kpi(contract, name="Seen the same day, by group", disaggregate_by="A\nB")
    measure(fair, datetime.date(2026, 2, 1), "90", officer, group="A", cases=12)
    measure(fair, datetime.date(2026, 2, 1), "61.33", officer, group="B", cases=4)
    add_kpi(contract, name="Internal cost per referral", is_public=False)
    PaymentDecision.objects.create(
        milestone=contract.milestones.get(),
        outcome="released",
        amount=Decimal("30000"),
        reason="Three months over target, as the measurements show.",
        decided_on=datetime.date(2026, 5, 1),
        decided_by=officer,
    )
    audit = Audit.objects.create(
        contract=contract,
        kind="independent",
        title="Bias audit",
        scope="Outcomes by group",
        auditor="Fair Audits Ltd",
        started_on=datetime.date(2026, 3, 1),
        created_by=officer,
    )
    Finding.objects.create(
        audit=audit,
        title="Gap for group B",
        description="Secret details",
        severity="high",
        owner="Lead",
        due_on=datetime.date(2026, 6, 1),
    )
    Audit.objects.create(
        contract=contract,
        kind="internal",
        title="Internal review",
        scope="Logs",
        auditor="IT",
        started_on=datetime.date(2026, 3, 1),
        is_public=False,
        created_by=officer,
    )
    for _ in range(2):
        Incident.objects.create(procurement=deployed, description="It refused my referral.")
    answer(deployed, officer, change="Letters now name a person to call.")

    response = client.get(api_url(deployed))

    assert response.status_code == 200
    body = response.json()
    MonitoringOut.model_validate(body)
    assert body["deployed"] is True
    assert body["contract"]["supplier"] == "Acme Analytics"
    assert body["report_url"].endswith(f"/p/{deployed.slug}/monitoring/report/")
    assert [k["name"] for k in body["kpis"]] == [kpi.name, "Seen the same day, by group"]
    assert body["kpis"][0]["values"] == [
        {
            "measured_on": "2026-02-01",
            "group": "",
            "value": "91.5",
            "suppressed": False,
            "status": "below_target",
        }
    ]
    by_group = {v["group"]: v for v in body["kpis"][1]["values"]}
    assert by_group["A"]["value"] == "90"
    assert by_group["B"] == {
        "measured_on": "2026-02-01",
        "group": "B",
        "value": None,
        "suppressed": True,
        "status": None,
    }
    assert "61.33" not in response.content.decode()
    assert body["payments"]["released"] == "30000"
    assert body["payments"]["decisions"][0]["outcome"] == "released"
    assert [a["title"] for a in body["audits"]] == ["Bias audit"]
    assert body["audits"][0]["findings"] == [
        {"title": "Gap for group B", "severity": "high", "status": "open"}
    ]
    assert body["audits"][0]["open"] == 1
    assert "Secret details" not in response.content.decode()
    assert body["incidents"]["total"] == {"value": None, "suppressed": True}
    received = next(c for c in body["incidents"]["by_status"] if c["key"] == "received")
    assert received["count"]["suppressed"] is True
    assert [s["change"] for s in body["said_did"]] == ["Letters now name a person to call."]


def test_not_deployed_yet(client, make_procurement):
    early = make_procurement(published=True, stage="contract_negotiation")
    body = client.get(api_url(early)).json()
    MonitoringOut.model_validate(body)
    assert body["deployed"] is False
    assert body["contract"] is None and body["kpis"] == [] and body["incidents"] is None
    assert body["report_url"] is None


def test_a_draft_is_404_for_everyone_even_its_staff(client, make_procurement, officer):
    draft = make_procurement(published=False)
    deploy(draft, officer)
    response = client.get(api_url(draft))
    assert response.status_code == 404
    assert set(response.json()) == {"message", "field"}
    client.force_login(officer)
    assert client.get(api_url(draft)).status_code == 404
    assert client.get("/api/procurements/nothing-here/monitoring").status_code == 404


def test_queries_do_not_grow_with_kpis_and_measurements(client, deployed, officer):
    contract = deployed.contract
    measure(contract.kpis.get(), datetime.date(2026, 1, 1), "90", officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(api_url(deployed)).status_code == 200
        return len(queries)

    few = count()
    for n in range(8):
        kpi = add_kpi(contract, name=f"KPI {n}", position=n + 1)
        for month in range(1, 13):
            measure(kpi, datetime.date(2026, month, 1), str(80 + month), officer)
    assert count() == few


def test_the_api_does_not_draw_the_charts_it_does_not_carry(monitored_kpi):
    """The JSON carries values, not pictures: the API builds the dashboard
    without drawing a chart; the page draws one per KPI."""
    from participai.contracts import selectors_public

    text = selectors_public.chart_text()
    assert selectors_public.public_kpi(monitored_kpi, [], text, chart=False).chart_svg == ""
    assert "<svg" in selectors_public.public_kpi(monitored_kpi, [], text).chart_svg
    page = selectors_public.public_dashboard(monitored_kpi.contract.procurement, with_charts=False)
    assert page.kpis and all(kpi.chart_svg == "" for kpi in page.kpis)

"""The staff monitoring page through HTTP: who reads and writes; bad input; constant queries."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import Kpi, KpiAlert, Measurement, SupplierAccess

from . import KPI


def base(contract) -> str:
    return f"/workspace/procurements/{contract.procurement.slug}/contract/monitoring/"


def test_page_shows_charts_tables_and_forms_to_the_team(client, officer, monitored, monitored_kpi):
    services.measurement_record(
        actor=officer, kpi=monitored_kpi, measured_on=datetime.date(2026, 1, 31), value=Decimal(80)
    )
    client.force_login(officer)
    response = client.get(base(monitored))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="kpi-{monitored_kpi.pk}-chart-title"' in body
    assert "Measurements of Urgent referrals seen the same day, newest first" in body
    assert "threshold breached" in body
    assert "Record the measurement" in body and "Give access" in body
    assert "Mark resolved" in body


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MODERATOR])
def test_read_only_for_roles_without_the_right(
    client, org, make_member, monitored, monitored_kpi, role
):
    client.force_login(make_member(org, role))
    response = client.get(base(monitored))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="read-only"' in body and "Record the measurement" not in body
    assert "Give access" not in body
    url = f"{base(monitored)}kpis/{monitored_kpi.pk}/measure/"
    assert client.post(url, {"measured_on": "2026-01-31", "value": "90"}).status_code == 403
    assert client.post(f"{base(monitored)}suppliers/grant/", {"user": "x"}).status_code == 403
    assert not Measurement.objects.exists()


def test_outsiders_and_suppliers_get_404(
    client, make_user, other_org, make_member, supplier_user, monitored
):
    for user in (make_user(), make_member(other_org, Role.PROCUREMENT_OFFICER), supplier_user):
        client.force_login(user)
        assert client.get(base(monitored)).status_code == 404


def test_record_with_bad_input_rerenders_with_the_error(client, officer, monitored, monitored_kpi):
    client.force_login(officer)
    url = f"{base(monitored)}kpis/{monitored_kpi.pk}/measure/"
    response = client.post(url, {"measured_on": "2030-01-31", "value": "90"})
    assert response.status_code == 400
    assert "The period cannot end in the future." in response.content.decode()
    response = client.post(url, {"measured_on": "2026-01-31", "value": "90"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"#kpi-{monitored_kpi.pk}"
    )
    assert Measurement.objects.get().source == "staff"


def test_csv_import_through_the_page(client, officer, monitored):
    client.force_login(officer)
    bad = io.BytesIO(b"kpi,measured_on,value\nUrgent referrals seen the same day,2026-02-30,90\n")
    bad.name = "m.csv"
    response = client.post(f"{base(monitored)}import/", {"file": bad})
    assert response.status_code == 400
    assert "Line 2, column “measured_on”" in response.content.decode()
    assert not Measurement.objects.exists()


def test_grant_revoke_and_resolve_through_the_page(
    client, officer, make_user, monitored, monitored_kpi
):
    make_user("acme_ops", email="ops@acme.example")
    client.force_login(officer)
    assert (
        client.post(f"{base(monitored)}suppliers/grant/", {"user": "ops@acme.example"}).status_code
        == 302
    )
    access = SupplierAccess.objects.get()
    assert access.user.username == "acme_ops"
    response = client.post(f"{base(monitored)}suppliers/grant/", {"user": "nobody"}, follow=True)
    assert "No account has this user name or email." in response.content.decode()
    assert client.post(f"{base(monitored)}suppliers/{access.pk}/revoke/").status_code == 302
    assert not SupplierAccess.objects.exists()
    services.measurement_record(
        actor=officer, kpi=monitored_kpi, measured_on=datetime.date(2026, 1, 31), value=Decimal(80)
    )
    alert = KpiAlert.objects.get()
    assert client.post(f"{base(monitored)}alerts/{alert.pk}/resolve/").status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert client.post(f"{base(monitored)}alerts/check/").status_code == 302
    assert KpiAlert.objects.filter(kind="overdue").exists()


def test_queries_do_not_grow_with_kpis_and_measurements(client, officer, monitored, monitored_kpi):
    client.force_login(officer)
    client.get(base(monitored))
    with CaptureQueriesContext(connection) as few:
        client.get(base(monitored))
    start = datetime.date(2026, 1, 4)
    for n in range(9):
        kpi = Kpi.objects.create(
            contract=monitored,
            position=n + 1,
            **{**KPI, "name": f"KPI {n}", "disaggregate_by": "A\nB" if n % 2 else ""},
        )
        Measurement.objects.bulk_create(
            Measurement(
                kpi=kpi,
                measured_on=start + datetime.timedelta(weeks=w),
                value=Decimal(80 + w % 20),
                group=("A" if n % 2 else ""),
                source="staff",
                recorded_by=officer,
            )
            for w in range(40)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(base(monitored))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_monitoring_page_says_when_no_contract_is_recorded(client, make_procurement, officer):
    procurement = make_procurement(stage="contract_monitoring")
    client.force_login(officer)
    response = client.get(f"/workspace/procurements/{procurement.slug}/contract/monitoring/")
    assert response.status_code == 200
    assert "No contract is recorded yet" in response.content.decode()

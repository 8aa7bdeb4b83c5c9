"""The supplier's access: granted and revoked by officers; its own contract only."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import Measurement, MeasurementSource, SupplierAccess
from participai.procurements.models import Procurement

from . import awarded_tender, complete_contract, events


def test_officers_grant_and_revoke(officer, make_user, monitored):
    user = make_user("acme_ops")
    access = services.supplier_access_grant(actor=officer, contract=monitored, user=user)
    assert access.granted_by == officer
    with pytest.raises(ValidationError, match="already has access"):
        services.supplier_access_grant(actor=officer, contract=monitored, user=user)
    services.supplier_access_revoke(actor=officer, access=access)
    assert not SupplierAccess.objects.exists()
    assert events("contracts.supplier_access_grant").count() == 1
    assert events("contracts.supplier_access_revoke").get().data["username"] == "acme_ops"


def test_others_may_not_grant_and_members_are_not_suppliers(
    org, make_member, make_user, officer, monitored
):
    for role in (Role.PROJECT_LEAD, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.supplier_access_grant(
                actor=make_member(org, role), contract=monitored, user=make_user()
            )
    with pytest.raises(ValidationError) as caught:
        services.supplier_access_grant(
            actor=officer, contract=monitored, user=make_member(org, Role.AUDITOR)
        )
    assert "member" in caught.value.message_dict["user"][0]
    assert not SupplierAccess.objects.exists()


def test_the_supplier_records_on_its_contract_only(
    supplier_user, monitored_kpi, officer, make_procurement
):
    m = services.measurement_record(
        actor=supplier_user,
        kpi=monitored_kpi,
        measured_on=datetime.date(2026, 1, 31),
        value=Decimal(96),
    )
    assert m.source == MeasurementSource.SUPPLIER
    other = make_procurement(stage="contract_negotiation", title="Other")
    awarded_tender(other, officer)
    other_contract = complete_contract(other, officer)
    services.contract_sign(
        actor=officer, contract=other_contract, signed_on=datetime.date(2026, 1, 1)
    )
    Procurement.objects.filter(pk=other.pk).update(stage="contract_monitoring")
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            actor=supplier_user,
            kpi=other_contract.kpis.get(),
            measured_on=datetime.date(2026, 1, 31),
            value=Decimal(96),
        )


def test_the_supplier_may_not_record_once_monitoring_is_over(
    supplier_user, monitored, monitored_kpi
):
    Procurement.objects.filter(pk=monitored.procurement_id).update(status="closed")
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            actor=supplier_user,
            kpi=monitored_kpi,
            measured_on=datetime.date(2026, 1, 31),
            value=Decimal(96),
        )


# --- Through HTTP ------------------------------------------------------------------------


def url(contract, rest=""):
    return f"/workspace/supplier/{contract.procurement.slug}/{rest}"


def test_supplier_page_shows_their_kpis_and_charts_not_payments(client, supplier_user, monitored):
    client.force_login(supplier_user)
    response = client.get(url(monitored))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Urgent referrals seen the same day" in body
    assert 'role="img"' in body and "Record the measurement" in body
    assert "Pilot live" not in body  # the payment milestone
    assert "Supplier access" not in body


def test_everyone_else_gets_404(client, make_user, org, make_member, officer, monitored):
    for user in (make_user("stranger"), make_member(org, Role.PROCUREMENT_OFFICER), officer):
        client.force_login(user)
        assert client.get(url(monitored)).status_code == 404
        assert client.get(url(monitored, "import/")).status_code == 404
    client.logout()
    assert client.get(url(monitored)).status_code == 302  # to the login page


def test_another_contract_is_404_to_the_supplier(client, supplier_user, officer, make_procurement):
    other = make_procurement(stage="contract_negotiation", title="Other")
    awarded_tender(other, officer)
    complete_contract(other, officer)
    client.force_login(supplier_user)
    assert client.get(f"/workspace/supplier/{other.slug}/").status_code == 404


def test_supplier_records_and_imports_through_the_pages(
    client, supplier_user, monitored, monitored_kpi
):
    client.force_login(supplier_user)
    response = client.post(
        url(monitored, f"kpis/{monitored_kpi.pk}/measure/"),
        {"measured_on": "2026-01-31", "value": "96", "cases": "12", "note": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/workspace/supplier/{monitored.procurement.slug}/#kpi-{monitored_kpi.pk}"
    )
    bad = io.BytesIO(b"kpi,measured_on,value\nUrgent referrals seen the same day,2026-02-28,x\n")
    bad.name = "m.csv"
    response = client.post(url(monitored, "import/"), {"file": bad})
    assert response.status_code == 400
    assert "Line 2, column “value”" in response.content.decode()
    good = io.BytesIO(b"kpi,measured_on,value\nUrgent referrals seen the same day,2026-02-28,97\n")
    good.name = "m.csv"
    assert client.post(url(monitored, "import/"), {"file": good}).status_code == 302
    assert Measurement.objects.count() == 2


def test_access_supplier_contract_is_the_suppliers_only_way_in(monitored, officer, make_user):
    from django.http import Http404

    from participai.contracts.access import access_supplier_contract
    from participai.contracts.models import SupplierAccess

    contract, supplier = monitored, make_user("civic_chat_analyst")
    slug = contract.procurement.slug
    with pytest.raises(Http404):
        access_supplier_contract(supplier, slug)
    SupplierAccess.objects.create(contract=contract, user=supplier, granted_by=officer)
    assert access_supplier_contract(supplier, slug) == contract
    with pytest.raises(Http404):
        access_supplier_contract(make_user("stranger"), slug)
    with pytest.raises(Http404):
        access_supplier_contract(supplier, "no-such-procurement")

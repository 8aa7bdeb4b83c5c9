"""The contract pages through real HTTP: who may read and write, at which stage;
bad input; the overview's warnings and hints; a page whose queries do not grow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.roles import Role
from participai.assessment.models import AssessmentStatus, RightsAssessment
from participai.contracts import services
from participai.contracts.models import Contract, ContractStatus, Kpi, PaymentMilestone
from participai.procurements.models import Procurement

from . import END, KPI, START, awarded_tender, complete_contract, events

WRITERS = (Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER)
READERS = (Role.PROJECT_LEAD, Role.AUDITOR)


@pytest.fixture
def at_stage(make_procurement) -> Procurement:
    procurement = make_procurement(stage="contract_negotiation")
    return procurement


@pytest.fixture
def tender(at_stage, officer):
    return awarded_tender(at_stage, officer)


@pytest.fixture
def base(at_stage) -> str:
    return f"/workspace/procurements/{at_stage.slug}/contract/"


@pytest.fixture
def contract(at_stage, officer, tender) -> Contract:
    return complete_contract(at_stage, officer)


def start_form(**overrides) -> dict:
    data = {
        "supplier_name": "Acme Analytics",
        "value": "120000.00",
        "currency": "EUR",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
    }
    data.update(overrides)
    return data


def kpi_form(**overrides) -> dict:
    data = {key: str(value) for key, value in KPI.items() if key != "is_public"}
    data["is_public"] = "on"
    data.update(overrides)
    return data


def milestone_form(**overrides) -> dict:
    data = {
        "title": "Final acceptance",
        "amount": "50000",
        "due_on": "2027-06-30",
        "condition": "An independent audit, with the community panel, finds no open issue.",
        "kpi": "",
    }
    data.update(overrides)
    return data


def edit_form(contract: Contract, **overrides) -> dict:
    data = {
        "supplier_name": contract.supplier_name,
        "value": str(contract.value),
        "currency": contract.currency,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "exit_plan": contract.exit_plan,
        "clauses": [c.pk for c in contract.clauses.all()],
    }
    data.update(overrides)
    return data


# --- Writers -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_writers_record_the_whole_contract(client, make_member, org, base, tender, role):
    member = make_member(org, role)
    client.force_login(member)
    page = client.get(base).content.decode()
    assert "No contract is recorded yet" in page and f'href="{base}start/"' in page
    # The start form is prefilled from the award.
    html = client.get(f"{base}start/").content.decode()
    assert 'value="Acme Analytics"' in html and 'value="120000.00"' in html
    assert client.post(f"{base}start/", start_form()).status_code == 302
    contract = Contract.objects.get()
    assert contract.award == tender.award and contract.clauses.count() == 2
    assert events("contracts.contract_start").get().actor_id == member.pk
    # Terms, KPI, milestone, exit plan, signature.
    response = client.post(
        f"{base}edit/", edit_form(contract, exit_plan="Data back in **30 days**.")
    )
    assert response.status_code == 302
    assert client.post(f"{base}kpis/add/", kpi_form()).status_code == 302
    kpi = Kpi.objects.get()
    response = client.post(f"{base}milestones/add/", milestone_form(kpi=kpi.pk))
    assert response.status_code == 302
    overview = client.get(base).content.decode()
    assert "Data back in <strong>30 days</strong>." in overview
    assert KPI["name"] in overview and "Final acceptance" in overview
    assert f'action="{base}sign/"' in overview
    today = timezone.localdate().isoformat()
    assert client.post(f"{base}sign/", {"signed_on": today}).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    assert {e.action for e in events().filter(action__startswith="contracts.")} == {
        "contracts.contract_start",
        "contracts.contract_update",
        "contracts.kpi_add",
        "contracts.milestone_add",
        "contracts.contract_sign",
    }
    # Signed: no more forms, and writes are refused.
    signed = client.get(base).content.decode()
    assert "Signed on" in signed and f"{base}kpis/add/" not in signed
    response = client.post(f"{base}kpis/add/", kpi_form(name="Late KPI"))
    assert response.status_code == 400 and "no longer edited" in response.content.decode()
    assert Kpi.objects.count() == 1


def test_kpis_and_milestones_are_edited_and_removed(client, officer, base, contract):
    kpi = contract.kpis.get()
    paid = contract.milestones.get()
    client.force_login(officer)
    assert client.get(f"{base}kpis/{kpi.pk}/").status_code == 200
    response = client.post(f"{base}kpis/{kpi.pk}/", kpi_form(target="99"))
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target == Decimal("99")
    response = client.post(f"{base}milestones/{paid.pk}/", milestone_form(amount="1000"))
    assert response.status_code == 302
    paid.refresh_from_db()
    assert (paid.amount, paid.title) == (Decimal("1000"), "Final acceptance")
    assert client.post(f"{base}milestones/{paid.pk}/remove/").status_code == 302
    assert client.post(f"{base}kpis/{kpi.pk}/remove/").status_code == 302
    assert not Kpi.objects.exists() and not PaymentMilestone.objects.exists()
    assert events("contracts.kpi_remove").count() == 1
    assert events("contracts.milestone_remove").count() == 1


def test_bad_input_rerenders_with_errors_and_saves_nothing(client, officer, base, contract):
    client.force_login(officer)
    response = client.post(f"{base}kpis/add/", kpi_form(target="80", threshold="85"))
    assert response.status_code == 400
    assert "cannot be below the threshold" in response.content.decode()
    response = client.post(f"{base}milestones/add/", milestone_form(due_on="2030-01-01"))
    assert response.status_code == 400
    assert "must be due while the contract runs" in response.content.decode()
    response = client.post(f"{base}milestones/add/", milestone_form(condition=""))
    assert response.status_code == 400
    response = client.post(f"{base}edit/", edit_form(contract, end_date="2025-01-01"))
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert Kpi.objects.count() == 1 and PaymentMilestone.objects.count() == 1
    contract.refresh_from_db()
    assert contract.end_date == END
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(f"{base}sign/", {"signed_on": tomorrow})
    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    assert events().filter(action__startswith="contracts.").count() == 4  # the setup only


def test_an_incomplete_contract_shows_what_is_missing(client, officer, base, at_stage, tender):
    services.contract_start(actor=officer, procurement=at_stage, start_date=START, end_date=END)
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "still needs: at least one KPI, a payment schedule, an exit plan" in html
    assert f'action="{base}sign/"' not in html
    response = client.post(f"{base}sign/", {"signed_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "cannot be signed yet" in response.content.decode()


def test_without_an_award_the_form_asks_everything(client, officer, base):
    client.force_login(officer)
    html = client.get(f"{base}start/").content.decode()
    assert "There is no award on the platform" in html
    response = client.post(f"{base}start/", start_form(supplier_name="", value=""))
    assert response.status_code == 400
    assert not Contract.objects.exists()
    response = client.post(f"{base}start/", start_form(supplier_name="Framework Co"))
    assert response.status_code == 302
    assert Contract.objects.get().award is None


def test_the_overview_warns_and_hints(client, officer, base, at_stage, contract):
    services.milestone_add(
        actor=officer, contract=contract, title="Extra", amount=Decimal("100000"),
        due_on=datetime.date(2027, 1, 31), condition="Delivered.",
    )  # fmt: skip
    RightsAssessment.objects.create(
        procurement=at_stage, number=1, stage=at_stage.stage, status=AssessmentStatus.COMPLETED,
        started_by=officer, completed_by=officer, completed_at=timezone.now(),
        affected_groups="Older people\nPeople with disabilities",
    )  # fmt: skip
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert 'id="over-value"' in html
    assert "10000.00 EUR more than the contract" in html
    assert "25.0 % of the contract" in html  # 30 000 of 120 000 tied to the KPI
    assert "Older people; People with disabilities" in html
    assert (
        "Older people; People with disabilities" in client.get(f"{base}kpis/add/").content.decode()
    )


# --- Readers, outsiders, other stages ----------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_contract_but_may_not_write(
    client, make_member, org, base, contract, role
):
    client.force_login(make_member(org, role))
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Analytics" in html and KPI["name"] in html and "Read only" in html
    assert f"{base}edit/" not in html and f"{base}kpis/add/" not in html
    kpi, paid = contract.kpis.get(), contract.milestones.get()
    for url, data in [
        (f"{base}start/", start_form()),
        (f"{base}edit/", edit_form(contract, exit_plan="Mine")),
        (f"{base}sign/", {"signed_on": timezone.localdate().isoformat()}),
        (f"{base}kpis/add/", kpi_form()),
        (f"{base}kpis/{kpi.pk}/", kpi_form(name="Renamed")),
        (f"{base}kpis/{kpi.pk}/remove/", {}),
        (f"{base}milestones/add/", milestone_form()),
        (f"{base}milestones/{paid.pk}/", milestone_form()),
        (f"{base}milestones/{paid.pk}/remove/", {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"{base}edit/").status_code == 403
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT and contract.exit_plan.startswith("Data")
    assert [k.name for k in Kpi.objects.all()] == [KPI["name"]]
    assert [m.title for m in PaymentMilestone.objects.all()] == ["Pilot live"]
    assert events().filter(action__startswith="contracts.").count() == 4


def test_other_bodies_and_residents_get_404(
    client, make_member, other_org, resident, base, contract
):
    kpi = contract.kpis.get()
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(base).status_code == 404
        assert client.post(f"{base}kpis/add/", kpi_form()).status_code == 404
        assert client.post(f"{base}kpis/{kpi.pk}/remove/").status_code == 404
        assert client.post(f"{base}edit/", edit_form(contract, exit_plan="x")).status_code == 404
    assert Kpi.objects.count() == 1


def test_at_another_stage_writes_are_refused(client, officer, base, at_stage, contract):
    Procurement.objects.filter(pk=at_stage.pk).update(stage="solution_evaluation")
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "Read only" in html and f"{base}kpis/add/" not in html
    assert client.post(f"{base}kpis/add/", kpi_form()).status_code == 403
    assert client.post(f"{base}edit/", edit_form(contract, exit_plan="x")).status_code == 403
    assert client.post(f"{base}sign/", {"signed_on": "2026-01-02"}).status_code == 403
    assert Kpi.objects.count() == 1


def test_rows_of_another_contract_are_404(client, officer, base, contract, make_procurement):
    other = make_procurement(title="Other", stage="contract_negotiation")
    awarded_tender(other, officer)
    foreign = complete_contract(other, officer)
    kpi, paid = foreign.kpis.get(), foreign.milestones.get()
    client.force_login(officer)
    assert client.get(f"{base}kpis/{kpi.pk}/").status_code == 404
    assert client.post(f"{base}kpis/{kpi.pk}/remove/").status_code == 404
    assert client.post(f"{base}milestones/{paid.pk}/remove/").status_code == 404
    assert Kpi.objects.count() == 2 and PaymentMilestone.objects.count() == 2


def test_no_contract_yet_is_404_for_its_parts(client, officer, base, tender):
    client.force_login(officer)
    assert client.get(f"{base}edit/").status_code == 404
    assert client.post(f"{base}kpis/add/", kpi_form()).status_code == 404


def test_anonymous_goes_to_log_in_and_removal_needs_post(client, officer, base, contract):
    response = client.get(base)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(officer)
    assert client.get(f"{base}kpis/{contract.kpis.get().pk}/remove/").status_code == 405
    assert Kpi.objects.count() == 1


def test_text_is_escaped(client, officer, base, contract):
    services.kpi_add(
        actor=officer, contract=contract, **{**KPI, "name": "<script>alert(1)</script>"}
    )
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_overview_runs_the_same_queries_for_more_rows(client, officer, base, contract):
    client.force_login(officer)

    def count() -> int:
        client.get(base)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        kpi = services.kpi_add(actor=officer, contract=contract, **{**KPI, "name": f"K{n}"})
        services.milestone_add(
            actor=officer, contract=contract, title=f"M{n}", amount=Decimal(10),
            due_on=datetime.date(2026, 2, n + 1), condition="Done.", kpi=kpi,
        )  # fmt: skip
    assert count() == few


def test_the_admin_site_shows_contracts_to_superusers_read_only(
    client, make_user, officer, contract
):
    client.force_login(officer)
    assert client.get("/admin/contracts/contract/").status_code == 302  # not a superuser
    client.force_login(make_user("root", is_superuser=True))
    listing = client.get("/admin/contracts/contract/")
    assert listing.status_code == 200 and "Acme Analytics" in listing.content.decode()
    detail = client.get(f"/admin/contracts/contract/{contract.pk}/change/")
    assert detail.status_code == 200 and KPI["name"] in detail.content.decode()
    assert client.get("/admin/contracts/contract/add/").status_code == 403
    response = client.post(f"/admin/contracts/contract/{contract.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Contract.objects.filter(pk=contract.pk).exists()

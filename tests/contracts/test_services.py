"""The contract record's services: start from the award or from scratch, update,
sign; KPIs and payment milestones; refusals that change nothing; the audit
trail; the page's reads; and the gate check ``contract_recorded``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.roles import Role
from participai.assessment.models import AssessmentStatus, RightsAssessment
from participai.contracts import services
from participai.contracts.models import Contract, ContractStatus, Kpi, PaymentMilestone
from participai.contracts.selectors import contract_page, missing_parts
from participai.procurements.checks import GateContext, run_checks
from participai.procurements.models import Procurement

from . import END, KPI, START, awarded_tender, complete_contract, events

EDITORS = (Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER)
NOT_EDITORS = (Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.AUDITOR, Role.EVALUATOR)


@pytest.fixture
def at_stage(make_procurement) -> Procurement:
    return make_procurement(stage="contract_negotiation")


@pytest.fixture
def tender(at_stage, officer):
    return awarded_tender(at_stage, officer)


@pytest.fixture
def contract(at_stage, officer, tender) -> Contract:
    return services.contract_start(
        actor=officer, procurement=at_stage, start_date=START, end_date=END
    )


def terms(contract: Contract, **overrides) -> dict:
    values = {
        "contract": contract,
        "supplier_name": contract.supplier_name,
        "value": contract.value,
        "currency": contract.currency,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "exit_plan": contract.exit_plan,
        "clause_ids": [c.pk for c in contract.clauses.all()],
    }
    values.update(overrides)
    return values


def milestone(**overrides) -> dict:
    values = {
        "title": "Pilot live",
        "amount": Decimal("30000"),
        "due_on": datetime.date(2026, 6, 30),
        "condition": "The pilot runs in two teams.",
        "kpi": None,
    }
    values.update(overrides)
    return values


# --- Start -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_the_contract_starts_from_the_award(make_member, org, at_stage, tender, role):
    member = make_member(org, role)
    contract = services.contract_start(
        actor=member, procurement=at_stage, start_date=START, end_date=END
    )
    assert contract.award == tender.award
    assert (contract.supplier_name, contract.value, contract.currency) == (
        "Acme Analytics", Decimal("120000.00"), "EUR",
    )  # fmt: skip
    assert contract.status == ContractStatus.DRAFT and contract.signed_on is None
    assert sorted(c.title for c in contract.clauses.all()) == ["Clause 1", "Clause 2"]
    event = events("contracts.contract_start").get()
    assert event.actor_id == member.pk
    assert event.data["award"] == tender.award.pk
    assert event.data["supplier_name"] == "Acme Analytics"
    assert event.data["value"] == "120000.00"
    assert len(event.data["clauses"]) == 2


def test_given_terms_override_the_award(officer, at_stage, tender):
    contract = services.contract_start(
        actor=officer, procurement=at_stage, start_date=START, end_date=END,
        value=Decimal("110000"), supplier_name="Acme Analytics S.L.",
    )  # fmt: skip
    assert (contract.supplier_name, contract.value) == ("Acme Analytics S.L.", Decimal("110000"))


def test_without_an_award_every_term_comes_from_the_form(officer, at_stage):
    with pytest.raises(ValidationError) as error:
        services.contract_start(
            actor=officer, procurement=at_stage, start_date=START, end_date=END
        )
    assert {"supplier_name", "value"} <= set(error.value.message_dict)
    assert not Contract.objects.exists()
    contract = services.contract_start(
        actor=officer, procurement=at_stage, start_date=START, end_date=END,
        supplier_name="Framework supplier", value=Decimal("5000"), currency="gbp",
    )  # fmt: skip
    assert contract.award is None and not contract.clauses.exists()
    assert (contract.supplier_name, contract.currency) == ("Framework supplier", "GBP")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": None}, "start_date"),
        ({"end_date": None}, "end_date"),
        ({"end_date": START - datetime.timedelta(days=1)}, "end_date"),
        ({"value": Decimal("-1")}, "value"),
        ({"value": Decimal("1.005")}, "value"),
        ({"currency": "EURO"}, "currency"),
        ({"supplier_name": "  "}, "supplier_name"),
    ],
)
def test_bad_terms_are_refused_at_the_start(officer, at_stage, tender, overrides, field):
    values = {"start_date": START, "end_date": END, **overrides}
    with pytest.raises(ValidationError) as error:
        services.contract_start(actor=officer, procurement=at_stage, **values)
    assert field in error.value.message_dict
    assert not Contract.objects.exists()
    assert not events("contracts.contract_start").exists()


def test_a_contract_starts_once(officer, at_stage, contract):
    with pytest.raises(ValidationError) as error:
        services.contract_start(
            actor=officer, procurement=at_stage, start_date=START, end_date=END
        )
    assert "already recorded" in str(error.value)
    assert Contract.objects.count() == 1


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_other_roles_may_not_start(make_member, org, at_stage, tender, role):
    with pytest.raises(PermissionDenied):
        services.contract_start(
            actor=make_member(org, role), procurement=at_stage, start_date=START, end_date=END
        )
    assert not Contract.objects.exists()


@pytest.mark.parametrize("stage", ["solution_evaluation", "contract_monitoring"])
def test_the_contract_is_recorded_at_its_stage_only(officer, make_procurement, stage):
    procurement = make_procurement(stage=stage)
    awarded_tender(procurement, officer)
    with pytest.raises(PermissionDenied):
        services.contract_start(
            actor=officer, procurement=procurement, start_date=START, end_date=END
        )
    assert not Contract.objects.exists()


# --- Update ------------------------------------------------------------------------------


def test_the_terms_are_updated_with_an_audit_of_what_changed(officer, contract):
    first = contract.clauses.order_by("position").first()
    services.contract_update(
        actor=officer, **terms(contract, value=Decimal("99000.50"), exit_plan="Hand over.",
                               clause_ids=[first.pk]),
    )  # fmt: skip
    contract.refresh_from_db()
    assert contract.value == Decimal("99000.50") and contract.exit_plan == "Hand over."
    assert list(contract.clauses.all()) == [first]
    event = events("contracts.contract_update").get()
    assert event.data["changed"] == ["clauses", "exit_plan", "value"]
    assert event.data["before"]["value"] == "120000.00"
    assert event.data["after"]["clauses"] == [first.pk]
    services.contract_update(actor=officer, **terms(contract))
    assert events("contracts.contract_update").count() == 1


def test_clauses_of_another_tender_are_refused(officer, contract, make_procurement):
    other = awarded_tender(make_procurement(title="Other"), officer)
    foreign = other.clauses.first()
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            actor=officer, **terms(contract, clause_ids=[foreign.pk], exit_plan="Changed")
        )
    assert "clauses" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.exit_plan == "" and foreign not in contract.clauses.all()
    assert contract.clauses.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": START - datetime.timedelta(days=1)}, "end_date"),
        ({"value": Decimal("-0.01")}, "value"),
        ({"currency": "€"}, "currency"),
    ],
)
def test_bad_updates_change_nothing(officer, contract, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.contract_update(actor=officer, **terms(contract, exit_plan="New", **overrides))
    assert field in error.value.message_dict
    contract.refresh_from_db()
    assert contract.exit_plan == "" and contract.value == Decimal("120000.00")
    assert not events("contracts.contract_update").exists()


def test_dates_may_not_leave_a_milestone_outside(officer, contract):
    services.milestone_add(actor=officer, contract=contract, **milestone())
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            actor=officer, **terms(contract, end_date=datetime.date(2026, 3, 31))
        )
    assert "1 payment milestone would fall outside" in error.value.message_dict["end_date"][0]
    contract.refresh_from_db()
    assert contract.end_date == END


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_other_roles_may_not_update(make_member, org, contract, role):
    with pytest.raises(PermissionDenied):
        services.contract_update(actor=make_member(org, role), **terms(contract, exit_plan="Mine"))
    contract.refresh_from_db()
    assert contract.exit_plan == ""


# --- KPIs --------------------------------------------------------------------------------


def test_kpis_are_added_in_order_and_audited(officer, contract):
    first = services.kpi_add(actor=officer, contract=contract, **KPI)
    second = services.kpi_add(
        actor=officer, contract=contract,
        **{**KPI, "name": "Complaints upheld", "direction": "lower", "target": Decimal("2"),
           "threshold": Decimal("5"),
           "disaggregate_by": "Older people\n\nDisabled people\nOlder people\n"},
    )  # fmt: skip
    assert (first.position, second.position) == (0, 1)
    assert second.groups == ["Older people", "Disabled people"]
    event = events("contracts.kpi_add").filter(object_id=str(second.pk)).get()
    assert event.data["disaggregate_by"] == ["Older people", "Disabled people"]
    assert (event.data["target"], event.data["threshold"]) == ("2.0000", "5.0000")


@pytest.mark.parametrize(
    ("direction", "target", "threshold", "words"),
    [
        ("higher", "80", "85", "cannot be below the threshold"),
        ("lower", "6", "5", "cannot be above the threshold"),
    ],
)
def test_the_target_must_be_on_the_good_side(
    officer, contract, direction, target, threshold, words
):
    values = {**KPI, "direction": direction, "target": Decimal(target),
              "threshold": Decimal(threshold)}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.kpi_add(actor=officer, contract=contract, **values)
    assert words in error.value.message_dict["target"][0]
    assert not Kpi.objects.exists()
    # Equal is allowed both ways.
    values["target"] = values["threshold"]
    assert services.kpi_add(actor=officer, contract=contract, **values).pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"measure": " "}, "measure"),
        ({"unit": ""}, "unit"),
        ({"unit": "u" * 41}, "unit"),
        ({"direction": "sideways"}, "direction"),
        ({"frequency": "hourly"}, "frequency"),
        ({"data_source": ""}, "data_source"),
        ({"owner": ""}, "owner"),
        ({"target": Decimal("1.00001")}, "target"),
        ({"threshold": None}, "threshold"),
    ],
)
def test_bad_kpis_are_refused(officer, contract, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.kpi_add(actor=officer, contract=contract, **{**KPI, **overrides})
    assert field in error.value.message_dict
    assert not Kpi.objects.exists()
    assert not events("contracts.kpi_add").exists()


def test_a_kpi_is_updated_and_removed(officer, make_member, org, contract):
    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    tied = services.milestone_add(actor=officer, contract=contract, **milestone(kpi=kpi))
    services.kpi_update(actor=officer, kpi=kpi, **{**KPI, "target": Decimal("97")})
    kpi.refresh_from_db()
    assert kpi.target == Decimal("97")
    assert events("contracts.kpi_update").get().data["changed"] == ["target"]
    with pytest.raises(ValidationError):
        services.kpi_update(actor=officer, kpi=kpi, **{**KPI, "target": Decimal("10")})
    kpi.refresh_from_db()
    assert kpi.target == Decimal("97")
    with pytest.raises(PermissionDenied):
        services.kpi_remove(actor=make_member(org, Role.PROJECT_LEAD), kpi=kpi)
    services.kpi_remove(actor=officer, kpi=kpi)
    assert not Kpi.objects.exists()
    tied.refresh_from_db()
    assert tied.kpi is None
    assert events("contracts.kpi_remove").get().data["milestones_unlinked"] == [tied.pk]


# --- Milestones --------------------------------------------------------------------------


def test_milestones_are_added_updated_and_removed(officer, contract):
    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    added = services.milestone_add(actor=officer, contract=contract, **milestone(kpi=kpi))
    assert added.kpi == kpi and added.position == 0
    assert events("contracts.milestone_add").get().data["kpi"] == kpi.pk
    services.milestone_update(
        actor=officer, milestone=added, **milestone(amount=Decimal("0"), kpi=None)
    )
    added.refresh_from_db()
    assert added.amount == 0 and added.kpi is None
    assert events("contracts.milestone_update").get().data["changed"] == ["amount", "kpi"]
    services.milestone_remove(actor=officer, milestone=added)
    assert not PaymentMilestone.objects.exists()
    assert events("contracts.milestone_remove").get().data["title"] == "Pilot live"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"due_on": START - datetime.timedelta(days=1)}, "due_on"),
        ({"due_on": END + datetime.timedelta(days=1)}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"condition": " "}, "condition"),
    ],
)
def test_bad_milestones_are_refused(officer, contract, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.milestone_add(actor=officer, contract=contract, **milestone(**overrides))
    assert field in error.value.message_dict
    assert not PaymentMilestone.objects.exists()


def test_a_milestone_may_not_hang_on_another_contracts_kpi(officer, contract, make_procurement):
    other_procurement = make_procurement(title="Other", stage="contract_negotiation")
    awarded_tender(other_procurement, officer)
    other = complete_contract(other_procurement, officer)
    foreign = other.kpis.get()
    with pytest.raises(ValidationError) as error:
        services.milestone_add(actor=officer, contract=contract, **milestone(kpi=foreign))
    assert "kpi" in error.value.message_dict
    assert not contract.milestones.exists()


# --- Sign --------------------------------------------------------------------------------


def test_an_incomplete_contract_cannot_be_signed(officer, contract):
    with pytest.raises(ValidationError) as error:
        services.contract_sign(actor=officer, contract=contract, signed_on=timezone.localdate())
    message = str(error.value)
    assert "at least one KPI" in message and "a payment schedule" in message
    assert "an exit plan" in message
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT and contract.signed_on is None


def test_a_complete_contract_is_signed_and_then_frozen(officer, at_stage, tender):
    contract = complete_contract(at_stage, officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.contract_sign(actor=officer, contract=contract, signed_on=tomorrow)
    assert "signed_on" in error.value.message_dict
    today = timezone.localdate()
    services.contract_sign(actor=officer, contract=contract, signed_on=today)
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == (ContractStatus.SIGNED, today)
    assert events("contracts.contract_sign").get().data["signed_on"] == today.isoformat()
    kpi = contract.kpis.get()
    paid = contract.milestones.get()
    refusals = [
        lambda: services.contract_update(actor=officer, **terms(contract, exit_plan="Changed")),
        lambda: services.contract_sign(actor=officer, contract=contract, signed_on=today),
        lambda: services.kpi_add(actor=officer, contract=contract, **KPI),
        lambda: services.kpi_update(actor=officer, kpi=kpi, **{**KPI, "name": "Renamed"}),
        lambda: services.kpi_remove(actor=officer, kpi=kpi),
        lambda: services.milestone_add(actor=officer, contract=contract, **milestone()),
        lambda: services.milestone_update(actor=officer, milestone=paid, **milestone(title="X")),
        lambda: services.milestone_remove(actor=officer, milestone=paid),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError) as error:
            refuse()
        assert "signed" in str(error.value)
    contract.refresh_from_db()
    assert contract.exit_plan.startswith("Data returned")
    assert [k.name for k in contract.kpis.all()] == [KPI["name"]]
    assert [m.title for m in contract.milestones.all()] == ["Pilot live"]
    assert events("contracts.contract_sign").count() == 1


def test_signing_needs_the_right(make_member, org, at_stage, officer, tender):
    contract = complete_contract(at_stage, officer)
    with pytest.raises(PermissionDenied):
        services.contract_sign(
            actor=make_member(org, Role.PROJECT_LEAD), contract=contract,
            signed_on=timezone.localdate(),
        )  # fmt: skip
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


# --- The page's reads --------------------------------------------------------------------


def test_missing_parts_name_what_is_missing(officer, contract):
    assert missing_parts(contract) == ["at least one KPI", "a payment schedule", "an exit plan"]
    services.kpi_add(actor=officer, contract=contract, **KPI)
    assert missing_parts(Contract.objects.get(pk=contract.pk)) == [
        "a payment schedule",
        "an exit plan",
    ]


def test_the_page_warns_of_milestones_beyond_the_value_and_shows_the_kpi_share(officer, contract):
    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    services.milestone_add(
        actor=officer, contract=contract, **milestone(amount=Decimal("60000"), kpi=kpi)
    )
    page = contract_page(contract.procurement)
    assert page.over_value is None
    assert page.kpi_share == Decimal("50.0")
    services.milestone_add(
        actor=officer, contract=contract, **milestone(title="Final", amount=Decimal("70000"))
    )
    page = contract_page(contract.procurement)
    assert page.milestones_total == Decimal("130000")
    assert page.over_value == Decimal("10000")
    assert page.kpi_share == Decimal("50.0")
    assert [m.title for m in page.milestones] == ["Pilot live", "Final"]


def test_the_page_hints_the_latest_completed_fria_groups(officer, at_stage):
    common = {"procurement": at_stage, "stage": at_stage.stage, "started_by": officer}
    RightsAssessment.objects.create(
        number=1, status=AssessmentStatus.COMPLETED, affected_groups="Old group",
        completed_by=officer, completed_at=timezone.now(), **common,
    )  # fmt: skip
    RightsAssessment.objects.create(
        number=2, status=AssessmentStatus.COMPLETED,
        affected_groups="Older people\n\nCarers\n", completed_by=officer,
        completed_at=timezone.now(), **common,
    )  # fmt: skip
    RightsAssessment.objects.create(
        number=3, status=AssessmentStatus.DRAFT, affected_groups="Draft group", **common
    )
    assert contract_page(at_stage).fria_groups == ["Older people", "Carers"]


def test_the_page_reads_run_the_same_queries_for_more_rows(
    officer, contract, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    services.milestone_add(actor=officer, contract=contract, **milestone(kpi=kpi))
    with CaptureQueriesContext(connection) as few:
        contract_page(contract.procurement)
    for n in range(4):
        more = services.kpi_add(actor=officer, contract=contract, **{**KPI, "name": f"K{n}"})
        services.milestone_add(
            actor=officer, contract=contract, **milestone(title=f"M{n}", kpi=more)
        )
    with django_assert_num_queries(len(few)):
        contract_page(contract.procurement)


# --- The gate check ----------------------------------------------------------------------


def contract_recorded(procurement: Procurement):
    fresh = Procurement.objects.get(pk=procurement.pk)
    (result,) = run_checks(
        ["contract_recorded"], GateContext(procurement=fresh, stage_documents=())
    )
    return result


def test_the_gate_passes_only_when_the_record_is_complete(officer, at_stage, tender):
    result = contract_recorded(at_stage)
    assert not result.passed and "Record the contract" in result.detail
    contract = services.contract_start(
        actor=officer, procurement=at_stage, start_date=START, end_date=END
    )
    result = contract_recorded(at_stage)
    assert not result.passed
    assert "at least one KPI, a payment schedule, an exit plan" in result.detail
    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    services.milestone_add(actor=officer, contract=contract, **milestone(kpi=kpi))
    result = contract_recorded(at_stage)
    assert not result.passed and result.detail.endswith("an exit plan.")
    services.contract_update(actor=officer, **terms(contract, exit_plan="Hand back the data."))
    result = contract_recorded(at_stage)
    assert result.passed and "Acme Analytics" in result.detail

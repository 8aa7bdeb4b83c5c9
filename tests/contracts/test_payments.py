"""Staggered payments: a release shows its condition met (a KPI-tied milestone
needs a measurement meeting the target), never more than is outstanding; a
withholding records its reason; the ledger is append-only; refusals change
nothing; the ledger's sums and its constant number of queries.

Shared helpers (also used by the audit and view tests): :func:`monitored_contract`
and :func:`measure`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.models import User
from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import (
    Contract,
    Kpi,
    Measurement,
    PaymentDecision,
    PaymentMilestone,
    PaymentOutcome,
)
from participai.contracts.selectors_payments import MilestoneStatus, ledger
from participai.procurements.models import Procurement, ProcurementStatus

from . import awarded_tender, complete_contract, events

SIGNED_ON = datetime.date(2026, 2, 1)
REASON = "The KPI report for June shows 96% of urgent referrals seen the same day."
WITHHOLD = "The June report is missing: the supplier has not sent the figures."


def monitored_contract(procurement: Procurement, officer: User) -> Contract:
    """A signed contract of ``procurement``, now at contract monitoring: the
    milestone "Pilot live" (30 000, tied to a KPI: higher is better, target
    95, threshold 85) and "Final acceptance" (50 000, no KPI)."""
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    services.milestone_add(
        actor=officer,
        contract=contract,
        title="Final acceptance",
        amount=Decimal("50000"),
        due_on=datetime.date(2027, 6, 30),
        condition="An independent audit finds no open issue.",
    )
    services.contract_sign(actor=officer, contract=contract, signed_on=SIGNED_ON)
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    return Contract.objects.select_related("procurement").get(pk=contract.pk)


def measure(
    kpi: Kpi, officer: User, value: str, on: datetime.date = datetime.date(2026, 6, 30)
) -> Measurement:
    return Measurement.objects.create(
        kpi=kpi, measured_on=on, value=Decimal(value), source="staff", recorded_by=officer
    )


def milestones(contract: Contract) -> tuple[PaymentMilestone, PaymentMilestone]:
    tied = contract.milestones.get(title="Pilot live")
    plain = contract.milestones.get(title="Final acceptance")
    return tied, plain


@pytest.fixture
def contract(make_procurement, officer) -> Contract:
    return monitored_contract(make_procurement(stage="contract_negotiation"), officer)


def release(actor, milestone, **overrides) -> PaymentDecision:
    values = {
        "amount": milestone.amount,
        "reason": REASON,
        "decided_on": datetime.date(2026, 7, 10),
        "measurement": None,
    }
    values.update(overrides)
    return services.payment_release(actor=actor, milestone=milestone, **values)


# --- Releases ----------------------------------------------------------------------------


def test_a_kpi_tied_milestone_is_released_on_a_measurement_meeting_the_target(officer, contract):
    tied, _ = milestones(contract)
    measurement = measure(tied.kpi, officer, "96")
    decision = release(officer, tied, measurement=measurement)
    assert decision.outcome == PaymentOutcome.RELEASED
    assert decision.amount == Decimal("30000.00") and decision.measurement == measurement
    assert decision.decided_by == officer and decision.reason == REASON
    event = events("contracts.payment_released").get()
    assert event.actor_id == officer.pk
    assert event.data["milestone"] == tied.pk and event.data["amount"] == "30000.00"
    assert event.data["measurement"] == measurement.pk
    assert event.organisation_id_ref == contract.procurement.organisation_id


def test_a_measurement_exactly_at_the_target_meets_it(officer, contract):
    tied, _ = milestones(contract)
    decision = release(officer, tied, measurement=measure(tied.kpi, officer, "95"))
    assert decision.pk


def test_lower_is_better_kpis_are_met_at_or_below_the_target(officer, contract):
    tied, _ = milestones(contract)
    Kpi.objects.filter(pk=tied.kpi_id).update(
        direction="lower", target=Decimal("5"), threshold=Decimal("10")
    )
    tied.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        release(officer, tied, measurement=measure(tied.kpi, officer, "6"))
    assert "measurement" in error.value.message_dict
    decision = release(
        officer, tied, measurement=measure(tied.kpi, officer, "5", datetime.date(2026, 7, 1))
    )
    assert decision.pk


def test_a_milestone_without_kpi_is_released_in_parts(officer, contract):
    _, plain = milestones(contract)
    release(officer, plain, amount=Decimal("20000"))
    release(officer, plain, amount="30000.00", decided_on=datetime.date(2026, 7, 11))
    assert PaymentDecision.objects.filter(milestone=plain).count() == 2
    with pytest.raises(ValidationError) as error:
        release(officer, plain, amount=Decimal("1"), decided_on=datetime.date(2026, 7, 12))
    assert "fully released" in str(error.value)
    assert PaymentDecision.objects.filter(milestone=plain).count() == 2


def test_a_kpi_tied_milestone_is_not_released_without_a_met_measurement(officer, contract):
    tied, _ = milestones(contract)
    # No measurement at all.
    with pytest.raises(ValidationError) as error:
        release(officer, tied)
    assert "measurement" in error.value.message_dict
    # One below the target (above the threshold: not even a breach).
    with pytest.raises(ValidationError) as error:
        release(officer, tied, measurement=measure(tied.kpi, officer, "90"))
    assert "does not meet the target" in error.value.message_dict["measurement"][0]
    # One meeting it, but after the decision.
    later = measure(tied.kpi, officer, "99", datetime.date(2026, 7, 31))
    with pytest.raises(ValidationError) as error:
        release(officer, tied, measurement=later)
    assert "after the decision" in error.value.message_dict["measurement"][0]
    assert not PaymentDecision.objects.exists()
    assert not events("contracts.payment_released").exists()


def test_a_measurement_of_another_kpi_is_refused(officer, contract, make_procurement):
    tied, plain = milestones(contract)
    other_kpi = Kpi.objects.create(
        contract=contract,
        name="Complaints answered in time",
        measure="Share answered within 20 days.",
        unit="%",
        target=Decimal("90"),
        threshold=Decimal("80"),
        data_source="Complaints log",
        owner="Head of service",
    )
    met_elsewhere = measure(other_kpi, officer, "99")
    for milestone in (tied, plain):
        with pytest.raises(ValidationError) as error:
            release(officer, milestone, measurement=met_elsewhere)
        assert "measurement" in error.value.message_dict
    assert not PaymentDecision.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "Looks fine to us."}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("50000.01")}, "amount"),
        ({"amount": Decimal("10.001")}, "amount"),
        ({"amount": "many"}, "amount"),
        ({"decided_on": None}, "decided_on"),
        ({"decided_on": datetime.date(2026, 1, 31)}, "decided_on"),
        ({"decided_on": "tomorrow"}, "decided_on"),
    ],
)
def test_bad_releases_change_nothing(officer, contract, overrides, field):
    _, plain = milestones(contract)
    if overrides.get("decided_on") == "tomorrow":
        overrides["decided_on"] = timezone.localdate() + datetime.timedelta(days=1)
    before = events().count()
    with pytest.raises(ValidationError) as error:
        release(officer, plain, **overrides)
    assert field in error.value.message_dict
    assert not PaymentDecision.objects.exists() and events().count() == before


def test_over_release_after_a_part_is_refused(officer, contract):
    _, plain = milestones(contract)
    release(officer, plain, amount=Decimal("40000"))
    with pytest.raises(ValidationError) as error:
        release(officer, plain, amount=Decimal("10000.01"))
    assert "10000.00" in error.value.message_dict["amount"][0]
    assert PaymentDecision.objects.count() == 1


def test_a_decision_cannot_precede_the_last_one(officer, contract):
    _, plain = milestones(contract)
    release(officer, plain, amount=Decimal("10000"), decided_on=datetime.date(2026, 8, 1))
    with pytest.raises(ValidationError) as error:
        release(officer, plain, amount=Decimal("10000"), decided_on=datetime.date(2026, 7, 1))
    assert "decided_on" in error.value.message_dict


# --- Withholding -------------------------------------------------------------------------


def test_a_withheld_milestone_is_released_later_by_a_new_row(officer, contract):
    tied, _ = milestones(contract)
    withheld = services.payment_withhold(
        actor=officer, milestone=tied, reason=WITHHOLD, decided_on=datetime.date(2026, 7, 1)
    )
    assert withheld.outcome == PaymentOutcome.WITHHELD and withheld.amount == Decimal("30000")
    event = events("contracts.payment_withheld").get()
    assert event.data["reason"] == WITHHOLD and event.data["amount"] == "30000.00"
    # Withholding again is refused: it is already withheld.
    with pytest.raises(ValidationError):
        services.payment_withhold(
            actor=officer, milestone=tied, reason=WITHHOLD, decided_on=datetime.date(2026, 7, 2)
        )
    released = release(officer, tied, measurement=measure(tied.kpi, officer, "97"))
    withheld.refresh_from_db()
    assert withheld.outcome == PaymentOutcome.WITHHELD  # the first row is untouched
    assert released.pk != withheld.pk
    assert list(PaymentDecision.objects.values_list("outcome", flat=True)) == [
        "withheld",
        "released",
    ]


def test_withholding_records_what_is_outstanding(officer, contract):
    _, plain = milestones(contract)
    release(officer, plain, amount=Decimal("20000"))
    withheld = services.payment_withhold(
        actor=officer, milestone=plain, reason=WITHHOLD, decided_on=datetime.date(2026, 7, 20)
    )
    assert withheld.amount == Decimal("30000.00")


def test_a_fully_released_milestone_cannot_be_withheld(officer, contract):
    _, plain = milestones(contract)
    release(officer, plain)
    with pytest.raises(ValidationError):
        services.payment_withhold(
            actor=officer, milestone=plain, reason=WITHHOLD, decided_on=datetime.date(2026, 8, 1)
        )
    assert PaymentDecision.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "Not yet.", " " * 30])
def test_a_withholding_needs_a_reason(officer, contract, reason):
    _, plain = milestones(contract)
    with pytest.raises(ValidationError) as error:
        services.payment_withhold(
            actor=officer, milestone=plain, reason=reason, decided_on=datetime.date(2026, 7, 1)
        )
    assert "reason" in error.value.message_dict
    assert not PaymentDecision.objects.exists()
    assert not events("contracts.payment_withheld").exists()


# --- The ledger is append-only -----------------------------------------------------------


def test_ledger_rows_cannot_be_changed_or_deleted(officer, contract):
    _, plain = milestones(contract)
    decision = release(officer, plain)
    decision.amount = Decimal("1")
    with pytest.raises(PaymentDecision.Immutable):
        decision.save()
    with pytest.raises(PaymentDecision.Immutable):
        decision.delete()
    with pytest.raises(PaymentDecision.Immutable):
        PaymentDecision.objects.filter(pk=decision.pk).update(amount=Decimal("1"))
    with pytest.raises(PaymentDecision.Immutable):
        PaymentDecision.objects.all().delete()
    assert PaymentDecision.objects.get().amount == Decimal("50000.00")


# --- Rights and stage --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PROJECT_LEAD, Role.LEGAL_OFFICER, Role.AUDITOR, Role.DATA_EXPERT]
)
def test_only_officers_decide_payments(make_member, org, contract, role):
    _, plain = milestones(contract)
    member = make_member(org, role)
    with pytest.raises(PermissionDenied):
        release(member, plain)
    with pytest.raises(PermissionDenied):
        services.payment_withhold(
            actor=member, milestone=plain, reason=WITHHOLD, decided_on=datetime.date(2026, 7, 1)
        )
    assert not PaymentDecision.objects.exists()


def test_the_organisation_admin_decides_payments(make_member, org, contract):
    _, plain = milestones(contract)
    assert release(make_member(org, Role.ORG_ADMIN), plain).pk


@pytest.mark.parametrize("stage", ["contract_negotiation", "solution_evaluation"])
def test_payments_are_decided_only_while_monitoring(officer, contract, stage):
    _, plain = milestones(contract)
    Procurement.objects.filter(pk=contract.procurement_id).update(stage=stage)
    with pytest.raises(PermissionDenied):
        release(officer, plain)
    assert not PaymentDecision.objects.exists()


def test_payments_are_decided_at_review_but_not_once_closed(officer, contract):
    _, plain = milestones(contract)
    Procurement.objects.filter(pk=contract.procurement_id).update(stage="review")
    release(officer, plain, amount=Decimal("100"))
    Procurement.objects.filter(pk=contract.procurement_id).update(status=ProcurementStatus.STOPPED)
    with pytest.raises(PermissionDenied):
        release(officer, plain, amount=Decimal("100"))
    assert PaymentDecision.objects.count() == 1


def test_an_unsigned_contract_has_no_payment_decisions(officer, make_procurement):
    procurement = make_procurement(stage="contract_negotiation")
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    milestone = contract.milestones.get()
    with pytest.raises(ValidationError) as error:
        services.payment_withhold(
            actor=officer, milestone=milestone, reason=WITHHOLD, decided_on=SIGNED_ON
        )
    assert "not signed" in str(error.value)
    assert not PaymentDecision.objects.exists()


# --- The ledger --------------------------------------------------------------------------


def test_the_ledger_sums_each_milestone_and_the_contract(officer, contract):
    tied, plain = milestones(contract)
    page = ledger(contract)
    assert [row.status for row in page.milestones] == [MilestoneStatus.PENDING] * 2
    assert page.total == Decimal("80000") and page.outstanding == Decimal("80000")
    assert page.released == 0 and page.withheld == 0 and page.decisions == []

    services.payment_withhold(
        actor=officer, milestone=tied, reason=WITHHOLD, decided_on=datetime.date(2026, 7, 1)
    )
    release(officer, plain, amount=Decimal("20000"), decided_on=datetime.date(2026, 6, 15))
    page = ledger(contract)
    rows = {row.milestone.pk: row for row in page.milestones}
    assert rows[tied.pk].status == MilestoneStatus.WITHHELD
    assert rows[tied.pk].withheld == Decimal("30000") and rows[tied.pk].released == 0
    assert rows[plain.pk].status == MilestoneStatus.PARTLY_RELEASED
    assert rows[plain.pk].released == Decimal("20000")
    assert rows[plain.pk].outstanding == Decimal("30000")
    assert page.released == Decimal("20000") and page.withheld == Decimal("30000")
    assert page.outstanding == Decimal("60000")
    # Chronological by the date of the decision, whatever the order recorded.
    assert [d.decided_on for d in page.decisions] == [
        datetime.date(2026, 6, 15),
        datetime.date(2026, 7, 1),
    ]

    release(officer, tied, measurement=measure(tied.kpi, officer, "96"))
    release(officer, plain, amount=Decimal("30000"), decided_on=datetime.date(2026, 7, 20))
    page = ledger(contract)
    assert [row.status for row in page.milestones] == [MilestoneStatus.RELEASED] * 2
    assert [row.withheld for row in page.milestones] == [0, 0]
    assert page.released == Decimal("80000") and page.outstanding == 0
    assert len(page.decisions) == 4
    assert page.milestones[0].latest.outcome == PaymentOutcome.RELEASED


def test_the_ledger_reads_in_constant_queries(officer, contract, django_assert_max_num_queries):
    def fill(n: int) -> None:
        for i in range(n):
            milestone = PaymentMilestone.objects.create(
                contract=contract,
                title=f"Extra {i}",
                amount=Decimal("1000"),
                due_on=datetime.date(2026, 9, 1),
                condition="Delivered.",
                position=10 + i,
            )
            release(officer, milestone, amount=Decimal("400"))
            services.payment_withhold(
                actor=officer,
                milestone=milestone,
                reason=WITHHOLD,
                decided_on=datetime.date(2026, 7, 11),
            )

    fill(1)
    with django_assert_max_num_queries(3):
        small = ledger(contract)
        [d.measurement for d in small.decisions]
        [str(d.decided_by) for d in small.decisions]
        [row.milestone.kpi for row in small.milestones]
    fill(6)
    with django_assert_max_num_queries(3):
        big = ledger(contract)
        [d.measurement for d in big.decisions]
        [str(d.decided_by) for d in big.decisions]
        [d.milestone.title for d in big.decisions]
        [row.milestone.kpi for row in big.milestones]
    assert len(big.decisions) == 14

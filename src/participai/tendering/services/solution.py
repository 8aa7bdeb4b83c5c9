"""Every write of the solution evaluation: the pilot plan and the test results.

Once the tender is awarded, the team tests the chosen solution against each
requirement (a pilot, a test environment, user testing with the people who
use the service) and records what each test found. The gate of the solution
evaluation stage (``requirements_tested``) passes once every requirement has a
result other than "not tested yet".

Keyword-only, one transaction each: the procurement row is locked first, then
the tender, then the actor's right is checked (``Action.TEST_SOLUTION``: the
procurement team, while the stage enables solution tests and the procurement
is active), then the input (``ValidationError`` keyed by field, nothing
saved), then the write and its audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import Requirement, SolutionTest, Tender, TenderStatus, TestResult

PILOT_PLAN_MAX = 20_000
METHOD_MAX = 5_000
FINDINGS_MAX = 20_000
# More people than this in one test is a typing slip, not a user test.
PARTICIPANTS_MAX = 100_000


def _locked_tender(actor: User, tender: Tender) -> Tender:
    """The tender re-read under the lock of its procurement (taken first, as every
    tendering service does), after ``actor``'s right to test is checked.

    Raises ``PermissionDenied`` when the right is refused and ``ValidationError``
    when the tender is not awarded: only a chosen solution can be tested.
    """
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=tender.procurement_id)
    )
    require(actor, Action.TEST_SOLUTION, procurement)
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    locked.procurement = procurement
    if locked.status != TenderStatus.AWARDED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The solution is tested once the tender is awarded: there is no chosen "
                    "solution yet."
                )
            }
        )
    return locked


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- The pilot plan ----------------------------------------------------------------------


@transaction.atomic
def pilot_plan_update(*, actor: User, tender: Tender, pilot_plan: str) -> Tender:
    """Write the pilot or test plan of the chosen solution (``Tender.pilot_plan``).

    Preconditions: the tender is awarded; ``actor`` may test the solution now.
    The plan may be emptied. One audit event with the plan before and after;
    none when it did not change.
    """
    tender = _locked_tender(actor, tender)
    errors: dict[str, str] = {}
    plan = clean_plain(pilot_plan)
    if len(plan) > PILOT_PLAN_MAX:
        errors["pilot_plan"] = _("Keep the plan under %(n)d characters.") % {"n": PILOT_PLAN_MAX}
    _raise(errors)
    before = tender.pilot_plan
    if plan == before:
        return tender
    tender.pilot_plan = plan
    tender.save(update_fields=["pilot_plan", "updated_at"])
    audit_record(
        actor=actor,
        action="tendering.pilot_plan_update",
        target=tender,
        organisation_id=tender.procurement.organisation_id,
        data={"procurement": tender.procurement.slug, "before": before, "after": plan},
    )
    return tender


# --- Test results ------------------------------------------------------------------------


def _check_test(
    *,
    method: str,
    with_service_users: bool,
    participants: int,
    result: str,
    findings: str,
    tested_on: datetime.date | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    """The cleaned values of a test, with what is wrong in ``errors``."""
    method = clean_plain(method)
    if not method:
        errors["method"] = _(
            "Say how the requirement was tested: a pilot, a test environment, a session "
            "with service users…"
        )
    elif len(method) > METHOD_MAX:
        errors["method"] = _("Keep the method under %(n)d characters.") % {"n": METHOD_MAX}
    findings = clean_plain(findings)
    if len(findings) > FINDINGS_MAX:
        errors["findings"] = _("Keep the findings under %(n)d characters.") % {"n": FINDINGS_MAX}
    if result not in TestResult.values:
        errors["result"] = _("Choose a result from the list.")
    if participants is None or participants < 0:
        errors["participants"] = _("The number of people cannot be negative.")
    elif participants > PARTICIPANTS_MAX:
        errors["participants"] = _("Check the number of people: %(n)d is more than expected.") % {
            "n": participants
        }
    elif with_service_users and participants == 0:
        errors["participants"] = _(
            "Say how many service users took part: a test with service users has at least one."
        )
    if tested_on is None:
        errors["tested_on"] = _("Give the date of the test.")
    elif tested_on > timezone.localdate():
        errors["tested_on"] = _(
            "The test date cannot be in the future: record a test once it has taken place."
        )
    return {
        "method": method,
        "with_service_users": bool(with_service_users),
        "participants": participants or 0,
        "result": result,
        "findings": findings,
        "tested_on": tested_on,
    }


def _snapshot(test: SolutionTest) -> dict[str, Any]:
    return {
        "requirement": test.requirement_id,
        "method": test.method,
        "with_service_users": test.with_service_users,
        "participants": test.participants,
        "result": test.result,
        "findings": test.findings,
        "tested_on": test.tested_on.isoformat(),
    }


@transaction.atomic
def solution_test_record(
    *,
    actor: User,
    tender: Tender,
    requirement: Requirement,
    method: str,
    with_service_users: bool,
    participants: int,
    result: str,
    findings: str,
    tested_on: datetime.date,
) -> SolutionTest:
    """Record what a test of the chosen solution found for ``requirement``.

    Preconditions: the tender is awarded; ``actor`` may test the solution now.
    Checks: ``requirement`` belongs to ``tender``; a method; a result of
    :class:`TestResult`; ``participants`` not negative, and at least one when
    the test was with service users; ``tested_on`` given and not in the future.
    Earlier tests of the requirement stay: the latest one is its result.
    """
    tender = _locked_tender(actor, tender)
    errors: dict[str, str] = {}
    if requirement.tender_id != tender.pk:
        errors["requirement"] = _("Choose a requirement of this tender.")
    values = _check_test(
        method=method,
        with_service_users=with_service_users,
        participants=participants,
        result=result,
        findings=findings,
        tested_on=tested_on,
        errors=errors,
    )
    _raise(errors)
    test = SolutionTest.objects.create(
        tender=tender, requirement=requirement, recorded_by=actor, **values
    )
    audit_record(
        actor=actor,
        action="tendering.solution_test_record",
        target=test,
        organisation_id=tender.procurement.organisation_id,
        data={"procurement": tender.procurement.slug, **_snapshot(test)},
    )
    return test


def _locked_test(actor: User, test: SolutionTest) -> tuple[Tender, SolutionTest]:
    tender = _locked_tender(actor, Tender.objects.get(pk=test.tender_id))
    locked = SolutionTest.objects.select_for_update().get(pk=test.pk)
    return tender, locked


@transaction.atomic
def solution_test_update(
    *,
    actor: User,
    test: SolutionTest,
    method: str,
    with_service_users: bool,
    participants: int,
    result: str,
    findings: str,
    tested_on: datetime.date,
) -> SolutionTest:
    """Correct a recorded test (its requirement stays). Same checks as
    :func:`solution_test_record`. One audit event with the fields changed,
    before and after; none when nothing changed."""
    tender, test = _locked_test(actor, test)
    errors: dict[str, str] = {}
    values = _check_test(
        method=method,
        with_service_users=with_service_users,
        participants=participants,
        result=result,
        findings=findings,
        tested_on=tested_on,
        errors=errors,
    )
    _raise(errors)
    before = _snapshot(test)
    for field, value in values.items():
        setattr(test, field, value)
    after = _snapshot(test)
    changed = sorted(key for key in after if after[key] != before[key])
    if not changed:
        return test
    test.save()
    audit_record(
        actor=actor,
        action="tendering.solution_test_update",
        target=test,
        organisation_id=tender.procurement.organisation_id,
        data={
            "procurement": tender.procurement.slug,
            "requirement": test.requirement_id,
            "changed": changed,
            "before": {key: before[key] for key in changed},
            "after": {key: after[key] for key in changed},
        },
    )
    return test


@transaction.atomic
def solution_test_remove(*, actor: User, test: SolutionTest) -> None:
    """Remove a test recorded by mistake. The audit event keeps what it said."""
    tender, test = _locked_test(actor, test)
    snapshot = _snapshot(test)
    audit_record(
        actor=actor,
        action="tendering.solution_test_remove",
        target=test,
        organisation_id=tender.procurement.organisation_id,
        data={"procurement": tender.procurement.slug, **snapshot},
    )
    test.delete()

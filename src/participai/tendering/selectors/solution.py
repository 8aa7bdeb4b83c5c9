"""Reads of the solution evaluation: each requirement with its test results.

:func:`solution_page` runs a fixed number of queries whatever the number of
requirements and tests (the tests come with the requirements, prefetched).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Requirement, SolutionTest, Tender, TenderStatus, TestResult


def requirement_is_tested(tests: list[SolutionTest]) -> bool:
    """The gate's rule (``tendering.checks.requirements_tested``): a requirement
    counts as tested once any of its tests has a result other than "not tested"."""
    return any(test.result != TestResult.NOT_TESTED for test in tests)


@dataclass(frozen=True)
class RequirementResult:
    """A requirement with its tests, newest first; ``latest`` is its result."""

    requirement: Requirement
    history: list[SolutionTest]

    @property
    def latest(self) -> SolutionTest | None:
        return self.history[0] if self.history else None

    @property
    def result(self) -> str:
        return self.latest.result if self.latest else TestResult.NOT_TESTED

    @property
    def result_label(self) -> str:
        return str(TestResult(self.result).label)

    @property
    def is_tested(self) -> bool:
        return requirement_is_tested(self.history)


@dataclass(frozen=True)
class ResultCount:
    result: str
    label: str
    count: int


@dataclass(frozen=True)
class UserTesting:
    """Tests run with the people who use the service.

    ``largest_group`` is the most people in one such test: the same person may
    have tested several requirements in one session, so adding the counts up
    would overstate how many people took part.
    """

    tests: int
    largest_group: int
    requirements: int

    @property
    def happened(self) -> bool:
        return self.tests > 0


@dataclass(frozen=True)
class SolutionPage:
    tender: Tender
    is_awarded: bool
    requirements: list[RequirementResult]
    counts: list[ResultCount]
    user_testing: UserTesting
    untested: list[Requirement]
    gate_needs: list[str]

    @property
    def gate_ready(self) -> bool:
        return not self.gate_needs


def solution_page(tender: Tender) -> SolutionPage:
    """Everything the solution evaluation page shows, in two queries.

    Each requirement (in the tender's order) with its latest result and its
    history; how many requirements stand at each result; whether user testing
    with service users happened and with how many people; and what the gate
    check ``requirements_tested`` still needs (the untested requirements).
    """
    requirements = list(
        Requirement.objects.filter(tender=tender).prefetch_related(
            Prefetch(
                "solution_tests",
                queryset=SolutionTest.objects.select_related("recorded_by").order_by(
                    "-tested_on", "-id"
                ),
            )
        )
    )
    rows = [RequirementResult(r, list(r.solution_tests.all())) for r in requirements]
    by_result = {value: 0 for value in TestResult.values}
    for row in rows:
        by_result[row.result] += 1
    counts = [
        ResultCount(value, str(label), by_result[value]) for value, label in TestResult.choices
    ]
    with_users = [test for row in rows for test in row.history if test.with_service_users]
    user_testing = UserTesting(
        tests=len(with_users),
        largest_group=max((test.participants for test in with_users), default=0),
        requirements=len({test.requirement_id for test in with_users}),
    )
    untested = [row.requirement for row in rows if not row.is_tested]
    gate_needs: list[str] = []
    if not rows:
        gate_needs.append(_("The tender has no requirements to test the solution against."))
    elif untested:
        gate_needs.append(
            ngettext(
                "A result (met, partly met or not met) for %(count)d requirement.",
                "A result (met, partly met or not met) for %(count)d requirements.",
                len(untested),
            )
            % {"count": len(untested)}
        )
    return SolutionPage(
        tender=tender,
        is_awarded=tender.status == TenderStatus.AWARDED,
        requirements=rows,
        counts=counts,
        user_testing=user_testing,
        untested=untested,
        gate_needs=gate_needs,
    )

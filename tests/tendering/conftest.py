"""Fixtures for the tender: rows placed directly, as ``make_procurement`` places stages.

They build the state a test starts from without going through every earlier
service, so that a test of scoring does not depend on the rules of
publication. The services have their own tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from participai.accounts.models import User
from participai.procurements.models import Procurement
from participai.tendering.models import (
    Bid,
    Criterion,
    CriterionGroup,
    PanelMember,
    PanelMemberKind,
    Requirement,
    RequirementKind,
    ScoringMethod,
    Tender,
    TenderStatus,
)

# Weights that meet the strictest responsible-AI minimum (25 %).
CRITERIA = (
    ("Outcomes for residents", CriterionGroup.QUALITY, Decimal(35), ScoringMethod.JUDGEMENT),
    ("Fairness, oversight and transparency", CriterionGroup.RESPONSIBLE_AI, Decimal(30),
     ScoringMethod.JUDGEMENT),
    ("Social value", CriterionGroup.SOCIAL_VALUE, Decimal(10), ScoringMethod.JUDGEMENT),
    ("Price", CriterionGroup.PRICE, Decimal(25), ScoringMethod.LOWEST_PRICE),
)  # fmt: skip


@pytest.fixture
def make_tender(officer) -> Callable[..., Tender]:
    """``make_tender(procurement, published=False, opened=False, criteria=True)``.

    A published tender has its deadline and opening one day in the future,
    unless ``opened``, when both lie one day in the past.
    """

    def make(
        procurement: Procurement,
        *,
        published: bool = False,
        opened: bool = False,
        criteria: bool = True,
        requirements: int = 2,
    ) -> Tender:
        now = timezone.now()
        moment = now - datetime.timedelta(days=1) if opened else now + datetime.timedelta(days=1)
        tender = Tender.objects.create(
            procurement=procurement,
            outcomes="Every referral is seen by a person within two days.",
            created_by=officer,
            status=TenderStatus.PUBLISHED if published or opened else TenderStatus.DRAFT,
            published_at=now - datetime.timedelta(days=30) if published or opened else None,
            submission_deadline=moment if published or opened else None,
            opening_at=moment if published or opened else None,
        )
        for n in range(requirements):
            Requirement.objects.create(
                tender=tender,
                kind=RequirementKind.OUTCOME if n % 2 == 0 else RequirementKind.CONSTRAINT,
                title=f"Requirement {n + 1}",
                text="Measured monthly.",
                position=n,
                created_by=officer,
            )
        if criteria:
            for position, (name, group, weight, method) in enumerate(CRITERIA):
                Criterion.objects.create(
                    tender=tender,
                    name=name,
                    group=group,
                    weight=weight,
                    method=method,
                    scale_max=5,
                    position=position,
                    descriptors=[{"score": s, "text": f"Level {s}"} for s in range(6)],
                )
        return tender

    return make


@pytest.fixture
def make_bid(officer) -> Callable[..., Bid]:
    def make(tender: Tender, supplier: str = "Acme Analytics", price: str = "100000") -> Bid:
        return Bid.objects.create(
            tender=tender,
            supplier_name=supplier,
            price=Decimal(price),
            received_at=tender.submission_deadline - datetime.timedelta(hours=1)
            if tender.submission_deadline
            else timezone.now(),
            recorded_by=officer,
        )

    return make


@pytest.fixture
def make_seat(officer) -> Callable[..., PanelMember]:
    """``make_seat(tender, user, kind, declared=True, conflict=False, submitted=False)``."""

    def make(
        tender: Tender,
        user: User,
        kind: str = PanelMemberKind.COMMUNITY,
        *,
        declared: bool = True,
        conflict: bool = False,
        submitted: bool = False,
    ) -> PanelMember:
        now = timezone.now()
        return PanelMember.objects.create(
            tender=tender,
            user=user,
            kind=kind,
            declared_at=now if declared or conflict else None,
            has_conflict=conflict,
            conflict_statement="My spouse works for a bidder." if conflict else "",
            submitted_at=now if submitted else None,
            added_by=officer,
        )

    return make

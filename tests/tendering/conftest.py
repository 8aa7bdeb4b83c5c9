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


@pytest.fixture
def make_awarded(make_tender, make_bid, make_seat, make_user, officer):
    """``make_awarded(procurement, publish_individual_scores=False)``: an opened
    tender (the ``CRITERIA`` above) with two valid bids, a panel of a staff
    member, an expert and two community members who submitted their scores,
    a community member who declared a conflict, and the award to "Borealis Data".

    Members score the three judgement criteria; price is by formula (Acme 5,
    Borealis 4). Weighted totals: staff 83/65, expert 77/71, community 55/95
    and 62/89 (Acme/Borealis), so the community's average is 58.50/92.00
    and the whole panel's 69.25/80.00.
    """
    from types import SimpleNamespace

    from participai.tendering.models import Award, Score

    def make(procurement: Procurement, *, publish_individual_scores: bool = False):
        tender = make_tender(procurement, opened=True)
        Tender.objects.filter(pk=tender.pk).update(
            status=TenderStatus.AWARDED, publish_individual_scores=publish_individual_scores
        )
        tender.refresh_from_db()
        acme = make_bid(tender, "Acme Analytics", "100000")
        borealis = make_bid(tender, "Borealis Data", "125000")
        criteria = list(tender.criteria.order_by("position"))
        panel = {
            "staff_sam": (PanelMemberKind.STAFF, (4, 4, 3), (3, 3, 3)),
            "expert_eva": (PanelMemberKind.EXPERT, (4, 3, 3), (3, 4, 3)),
            "community_ana": (PanelMemberKind.COMMUNITY, (2, 2, 2), (5, 5, 5)),
            "community_ben": (PanelMemberKind.COMMUNITY, (3, 2, 2), (5, 4, 5)),
        }
        seats = {}
        for username, (kind, for_acme, for_borealis) in panel.items():
            seat = make_seat(tender, make_user(username), kind, submitted=True)
            seats[username] = seat
            for bid, scores in ((acme, for_acme), (borealis, for_borealis)):
                for criterion, score in zip(criteria[:3], scores, strict=True):
                    Score.objects.create(
                        member=seat,
                        bid=bid,
                        criterion=criterion,
                        score=Decimal(score),
                        justification=f"{username} on {criterion.name}",
                    )
        seats["community_cora"] = make_seat(
            tender, make_user("community_cora"), PanelMemberKind.COMMUNITY, conflict=True
        )
        award = Award.objects.create(
            tender=tender,
            bid=borealis,
            rationale="Borealis Data scored highest on **fairness** and outcomes.",
            decided_on=timezone.localdate(),
            totals=[
                {"bid": borealis.pk, "supplier": "Borealis Data", "total": "86.00", "rank": 1},
                {"bid": acme.pk, "supplier": "Acme Analytics", "total": "70.00", "rank": 2},
            ],
            recorded_by=officer,
        )
        return SimpleNamespace(
            tender=tender, acme=acme, borealis=borealis, seats=seats, award=award
        )

    return make


@pytest.fixture
def make_evaluation(make_procurement, make_tender, make_bid):
    """``make_evaluation(opened=True, stage="vendor_evaluation")``: a published
    procurement at ``stage`` with a published tender (the ``CRITERIA`` above),
    opened or still sealed, and two valid bids: "Acme Analytics" (100000) and
    "Borealis Data" (125000). Returns a namespace with ``procurement``,
    ``tender``, ``acme``, ``borealis``, ``criteria`` (in order) and ``judged``
    (the three the panel scores). No panel: tests seat who they need."""
    from types import SimpleNamespace

    def make(*, opened: bool = True, stage: str = "vendor_evaluation"):
        procurement = make_procurement(stage=stage, published=True)
        tender = make_tender(procurement, published=True, opened=opened)
        acme = make_bid(tender, "Acme Analytics", "100000")
        borealis = make_bid(tender, "Borealis Data", "125000")
        criteria = list(tender.criteria.order_by("position"))
        judged = [c for c in criteria if c.method == ScoringMethod.JUDGEMENT]
        return SimpleNamespace(
            procurement=procurement,
            tender=tender,
            acme=acme,
            borealis=borealis,
            criteria=criteria,
            judged=judged,
        )

    return make


@pytest.fixture
def fill_scores():
    """``fill_scores(seat, {bid: (s1, s2, s3)}, submit=True)``: the seat's scores of
    each bid on the judgement criteria, in order (rows placed directly), with the
    justification "<username> on <criterion>"; then submitted, unless not."""
    from participai.tendering.models import Score

    def fill(seat: PanelMember, scores: dict, *, submit: bool = True) -> PanelMember:
        judged = [
            c
            for c in seat.tender.criteria.order_by("position")
            if c.method == ScoringMethod.JUDGEMENT
        ]
        for bid, values in scores.items():
            for criterion, value in zip(judged, values, strict=True):
                Score.objects.create(
                    member=seat,
                    bid=bid,
                    criterion=criterion,
                    score=Decimal(value),
                    justification=f"{seat.user.username} on {criterion.name}",
                )
        if submit:
            PanelMember.objects.filter(pk=seat.pk).update(submitted_at=timezone.now())
            seat.refresh_from_db()
        return seat

    return fill

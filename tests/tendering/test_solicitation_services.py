"""The services that prepare a tender: rights, draft-only writes, validation that
changes nothing, sources of requirements, weights, clauses, publication and the
public review of the draft.

The helpers at the top place the sources a requirement is traced to directly
in the database (as ``settle_stakes`` does for assessments); the selectors'
and views' tests import them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from participai.accounts.roles import Role
from participai.assessment.models import AssessmentStatus, Consequence, RightsAssessment
from participai.assessment.selectors.obligations import obligation_statuses
from participai.core.models import AuditEvent
from participai.participation.models import (
    DocumentVersion,
    Module,
    ModuleKind,
    Process,
    Response,
)
from participai.procurements.models import Procurement, ProcurementStatus
from participai.tendering import clauses as clause_library
from participai.tendering.models import (
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementKind,
    RequirementSource,
    ScoringMethod,
    SourceKind,
    Tender,
    TenderClause,
    TenderStatus,
)
from participai.tendering.services import solicitation as services

STAGE = "solicitation_preparation"
RISKS = (
    "Urgent referrals from people without a phone are ranked low.\n"
    "\n"
    "  Interpreters' notes are not read by the model.  \n"
)


# --- Helpers shared with the selectors' and views' tests ---------------------------------


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def make_process(procurement: Procurement, user, *, published: bool = True, stage: str = STAGE):
    n = Process.objects.count() + 1
    return Process.objects.create(
        procurement=procurement,
        stage=stage,
        slug=f"process-{n}",
        title=f"What the triage must never do {n}",
        question="What must the triage never decide alone?",
        negotiable="Which decisions stay with a person.",
        decision_stage="diagnosis",
        opens_at=in_days(-10),
        closes_at=in_days(10),
        is_published=published,
        created_by=user,
    )


def make_response(
    procurement: Procurement,
    user,
    *,
    change: str = "Urgent cases are seen by a person the same day.",
    published: bool = True,
) -> Response:
    process = make_process(procurement, user, published=published)
    return Response.objects.create(
        procurement=procurement,
        process=process,
        status="adopted",
        change_kind="requirement",
        change=change,
        reason="Many people asked for it.",
        reason_html="<p>Many people asked for it.</p>",
        created_by=user,
    )


def make_consequence(
    procurement: Procurement, user, description: str = "Staff stop reading the notes."
) -> Consequence:
    return Consequence.objects.create(
        procurement=procurement,
        stage=procurement.stage,
        description=description,
        intention="unintended",
        effect="negative",
        affected_group="Residents referred",
        response="act",
        created_by=user,
    )


def make_rights_assessment(
    procurement: Procurement, user, *, risks: str = RISKS, completed: bool = True
) -> RightsAssessment:
    return RightsAssessment.objects.create(
        procurement=procurement,
        number=procurement.rights_assessments.count() + 1,
        stage=procurement.stage,
        status=AssessmentStatus.COMPLETED if completed else AssessmentStatus.DRAFT,
        started_by=user,
        completed_by=user if completed else None,
        completed_at=timezone.now() if completed else None,
        risks=risks,
    )


def first_obligation(procurement: Procurement) -> tuple[str, str]:
    status = obligation_statuses(procurement)[0]
    return status.obligation.key, status.text


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def procurement(make_procurement, settle_stakes):
    """Published, at solicitation preparation, impact level III, not high-risk."""
    return settle_stakes(make_procurement(stage=STAGE, published=True), level=3)


@pytest.fixture
def tender(procurement, officer) -> Tender:
    return services.tender_start(actor=officer, procurement=procurement)


@pytest.fixture
def requirement(tender, officer) -> Requirement:
    return services.requirement_add(
        actor=officer,
        tender=tender,
        kind=RequirementKind.OUTCOME,
        title="Urgent referrals are seen the same day",
        text="Measured monthly.",
    )


@pytest.fixture
def lead(org, make_member):
    return make_member(org, Role.PROJECT_LEAD)


@pytest.fixture
def legal(org, make_member):
    return make_member(org, Role.LEGAL_OFFICER)


@pytest.fixture
def auditor(org, make_member):
    return make_member(org, Role.AUDITOR)


@pytest.fixture
def published_tender(tender) -> Tender:
    Tender.objects.filter(pk=tender.pk).update(
        status=TenderStatus.PUBLISHED,
        published_at=timezone.now(),
        submission_deadline=in_days(10),
        opening_at=in_days(11),
    )
    tender.refresh_from_db()
    return tender


def criterion(tender, officer, **overrides) -> Criterion:
    values = {
        "group": CriterionGroup.QUALITY,
        "name": "Outcomes for residents",
        "weight": Decimal(40),
        "scale_max": 5,
        "descriptors": [{"score": 5, "text": "Excellent"}, {"score": 0, "text": "None"}],
    }
    values.update(overrides)
    return services.criterion_add(actor=officer, tender=tender, **values)


# --- The tender ---------------------------------------------------------------------------


def test_start_creates_one_draft_and_is_idempotent(procurement, officer):
    tender = services.tender_start(actor=officer, procurement=procurement)
    assert tender.status == TenderStatus.DRAFT and tender.created_by == officer
    again = services.tender_start(actor=officer, procurement=procurement)
    assert again.pk == tender.pk
    assert Tender.objects.count() == 1
    [event] = events("tendering.tender_start")
    assert event.object_id == str(tender.pk) and event.data["procurement"] == procurement.slug


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.FACILITATOR, Role.EVALUATOR])
def test_start_is_refused_without_the_right(procurement, make_member, org, role):
    with pytest.raises(PermissionDenied):
        services.tender_start(actor=make_member(org, role), procurement=procurement)
    assert not Tender.objects.exists()


def test_start_is_refused_at_another_stage_and_when_closed(make_procurement, officer):
    for procurement in (
        make_procurement(stage="vendor_evaluation"),
        make_procurement(stage=STAGE, title="Closed one"),
    ):
        if procurement.stage == STAGE:
            Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
            procurement.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.tender_start(actor=officer, procurement=procurement)
    assert not Tender.objects.exists()


def test_update_sets_outcomes_and_dates(tender, lead):
    dates = {
        "clarification_deadline": in_days(5),
        "submission_deadline": in_days(10),
        "opening_at": in_days(10),
    }
    services.tender_update(actor=lead, tender=tender, outcomes="  Seen in time.  ", **dates)
    tender.refresh_from_db()
    assert tender.outcomes == "Seen in time."
    assert tender.opening_at == dates["opening_at"]
    [event] = events("tendering.tender_update")
    assert event.data["fields"] == sorted(["outcomes", *dates])
    # Nothing changed, nothing recorded.
    services.tender_update(actor=lead, tender=tender, outcomes="Seen in time.", **dates)
    assert len(events("tendering.tender_update")) == 1


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"clarification_deadline": 11, "submission_deadline": 10, "opening_at": 12}, None),
        ({"clarification_deadline": 5, "submission_deadline": 10, "opening_at": 9}, "opening_at"),
        ({"clarification_deadline": 12, "submission_deadline": None, "opening_at": 11}, None),
    ],
)
def test_update_refuses_dates_out_of_order(tender, officer, dates, field):
    values = {name: in_days(days) if days else None for name, days in dates.items()}
    with pytest.raises(ValidationError) as caught:
        services.tender_update(actor=officer, tender=tender, outcomes="New", **values)
    assert (field or "clarification_deadline") in caught.value.message_dict
    tender.refresh_from_db()
    assert tender.outcomes == "" and tender.submission_deadline is None
    assert not events("tendering.tender_update")


def test_update_refuses_a_published_tender_and_outsiders(published_tender, officer, auditor):
    with pytest.raises(ValidationError) as caught:
        services.tender_update(
            actor=officer,
            tender=published_tender,
            outcomes="Changed",
            clarification_deadline=None,
            submission_deadline=in_days(10),
            opening_at=in_days(11),
        )
    assert caught.value.messages == [
        "The tender is published; what bidders answer to no longer changes."
    ]
    with pytest.raises(PermissionDenied):
        services.tender_update(
            actor=auditor,
            tender=published_tender,
            outcomes="",
            clarification_deadline=None,
            submission_deadline=None,
            opening_at=None,
        )
    published_tender.refresh_from_db()
    assert published_tender.outcomes == ""


# --- Requirements -------------------------------------------------------------------------


def test_requirements_are_added_updated_moved_and_removed(tender, officer):
    first = services.requirement_add(
        actor=officer, tender=tender, kind="outcome", title="  First\x07 ", text=" a "
    )
    second = services.requirement_add(
        actor=officer, tender=tender, kind="constraint", title="Second"
    )
    assert (first.title, first.text, first.position) == ("First", "a", 0)
    assert second.position == 1
    services.requirement_update(
        actor=officer, requirement=second, kind="outcome", title="Second, reworded", text="b"
    )
    services.requirement_move(actor=officer, requirement=second, direction="up")
    ordered = list(tender.requirements.order_by("position").values_list("title", flat=True))
    assert ordered == ["Second, reworded", "First"]
    # The top one cannot go higher: nothing moves, nothing is recorded.
    services.requirement_move(actor=officer, requirement=second, direction="up")
    assert len(events("tendering.requirement_move")) == 1
    services.requirement_remove(actor=officer, requirement=first)
    assert list(tender.requirements.values_list("title", flat=True)) == ["Second, reworded"]
    assert len(events("tendering.requirement_add")) == 2
    assert events("tendering.requirement_update")[0].data["fields"] == ["kind", "text", "title"]
    assert events("tendering.requirement_remove")[0].data["title"] == "First"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "wish", "title": "A"}, "kind"),
        ({"kind": "outcome", "title": "   "}, "title"),
        ({"kind": "outcome", "title": "x" * 201}, "title"),
        ({"kind": "outcome", "title": "A", "text": "x" * 10_001}, "text"),
    ],
)
def test_requirement_refusals_change_nothing(tender, requirement, officer, values, field):
    with pytest.raises(ValidationError) as caught:
        services.requirement_add(actor=officer, tender=tender, **values)
    assert field in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.requirement_update(actor=officer, requirement=requirement, **values)
    requirement.refresh_from_db()
    assert requirement.title == "Urgent referrals are seen the same day"
    assert tender.requirements.count() == 1
    assert not events("tendering.requirement_update")


def test_requirement_move_needs_a_direction(requirement, officer):
    with pytest.raises(ValidationError) as caught:
        services.requirement_move(actor=officer, requirement=requirement, direction="sideways")
    assert "direction" in caught.value.message_dict


def test_requirements_of_a_published_tender_stay(published_tender, officer):
    requirement = Requirement.objects.create(
        tender=published_tender, kind="outcome", title="Fixed", created_by=officer
    )
    calls = [
        lambda: services.requirement_add(
            actor=officer, tender=published_tender, kind="outcome", title="New"
        ),
        lambda: services.requirement_update(
            actor=officer, requirement=requirement, kind="outcome", title="Changed"
        ),
        lambda: services.requirement_remove(actor=officer, requirement=requirement),
        lambda: services.requirement_move(actor=officer, requirement=requirement, direction="up"),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="The tender is published"):
            call()
    assert list(published_tender.requirements.values_list("title", flat=True)) == ["Fixed"]


def test_requirements_are_refused_to_readers(requirement, tender, auditor, make_member, org):
    for user in (auditor, make_member(org, Role.FACILITATOR)):
        with pytest.raises(PermissionDenied):
            services.requirement_add(actor=user, tender=tender, kind="outcome", title="No")
        with pytest.raises(PermissionDenied):
            services.requirement_remove(actor=user, requirement=requirement)
    assert tender.requirements.count() == 1


# --- Sources ------------------------------------------------------------------------------


def test_each_kind_of_source_is_linked_with_its_label(procurement, requirement, officer):
    response = make_response(procurement, officer)
    consequence = make_consequence(procurement, officer, "Staff   stop\nreading the notes.")
    key, text = first_obligation(procurement)
    assessment = make_rights_assessment(procurement, officer)
    linked = [
        services.requirement_source_add(
            actor=officer, requirement=requirement, kind="response", response=response
        ),
        services.requirement_source_add(
            actor=officer, requirement=requirement, kind="consequence", consequence=consequence
        ),
        services.requirement_source_add(
            actor=officer, requirement=requirement, kind="obligation", obligation_key=key
        ),
        services.requirement_source_add(
            actor=officer,
            requirement=requirement,
            kind="fria_risk",
            rights_assessment=assessment,
            fria_risk="Interpreters' notes are not read by the model.",
        ),
    ]
    assert [source.label for source in linked] == [
        "Urgent cases are seen by a person the same day.",
        "Staff stop reading the notes.",
        text,
        "Interpreters' notes are not read by the model.",
    ]
    assert [event.data["ref"] for event in events("tendering.requirement_source_add")] == [
        f"response:{response.pk}",
        f"consequence:{consequence.pk}",
        f"obligation:{key}",
        f"rights_assessment:{assessment.pk}",
    ]
    # The label is how the source read when linked; the source itself is untouched.
    Consequence.objects.filter(pk=consequence.pk).update(description="Reworded later")
    assert RequirementSource.objects.get(pk=linked[1].pk).label == "Staff stop reading the notes."
    response.refresh_from_db()
    assert response.target_type_id is None and response.target_label == ""


def test_the_obligation_label_is_in_the_active_language(procurement, requirement, officer):
    key, english = first_obligation(procurement)
    with translation.override("es"):
        source = services.requirement_source_add(
            actor=officer, requirement=requirement, kind="obligation", obligation_key=key
        )
        spanish = obligation_statuses(procurement)[0].text
    assert source.label == spanish != english


def test_a_response_label_falls_back_to_the_reason(procurement, requirement, officer):
    response = make_response(procurement, officer, change="")
    source = services.requirement_source_add(
        actor=officer, requirement=requirement, kind="response", response=response
    )
    assert source.label == "Many people asked for it."


def test_sources_must_belong_to_the_procurement(
    procurement, requirement, officer, make_procurement
):
    other = make_procurement(stage=STAGE, title="Another procurement")
    cases = [
        ({"kind": "response", "response": make_response(other, officer)}, "response"),
        (
            {"kind": "response", "response": make_response(procurement, officer, published=False)},
            "response",
        ),
        ({"kind": "response"}, "response"),
        ({"kind": "consequence", "consequence": make_consequence(other, officer)}, "consequence"),
        ({"kind": "obligation", "obligation_key": "no_such_obligation"}, "obligation_key"),
        (
            {
                "kind": "fria_risk",
                "rights_assessment": make_rights_assessment(other, officer),
                "fria_risk": "Interpreters' notes are not read by the model.",
            },
            "rights_assessment",
        ),
        (
            {
                "kind": "fria_risk",
                "rights_assessment": make_rights_assessment(procurement, officer, completed=False),
                "fria_risk": "Interpreters' notes are not read by the model.",
            },
            "rights_assessment",
        ),
        ({"kind": "somewhere", "obligation_key": "x"}, "kind"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.requirement_source_add(actor=officer, requirement=requirement, **values)
        assert field in caught.value.message_dict, values
    assert not RequirementSource.objects.exists()
    assert not events("tendering.requirement_source_add")


def test_a_risk_must_be_a_line_of_the_assessment(procurement, requirement, officer):
    assessment = make_rights_assessment(procurement, officer)
    for risk in ("Urgent referrals", "A risk nobody named", ""):
        with pytest.raises(ValidationError) as caught:
            services.requirement_source_add(
                actor=officer,
                requirement=requirement,
                kind=SourceKind.FRIA_RISK,
                rights_assessment=assessment,
                fria_risk=risk,
            )
        assert "fria_risk" in caught.value.message_dict
    assert not RequirementSource.objects.exists()


def test_a_source_is_linked_once(procurement, requirement, officer):
    consequence = make_consequence(procurement, officer)
    services.requirement_source_add(
        actor=officer, requirement=requirement, kind="consequence", consequence=consequence
    )
    with pytest.raises(ValidationError) as caught:
        services.requirement_source_add(
            actor=officer, requirement=requirement, kind="consequence", consequence=consequence
        )
    assert caught.value.message_dict == {
        "consequence": ["This source is already linked to the requirement."]
    }
    assert requirement.sources.count() == 1


def test_a_source_is_unlinked(procurement, requirement, officer, auditor):
    source = services.requirement_source_add(
        actor=officer,
        requirement=requirement,
        kind="consequence",
        consequence=make_consequence(procurement, officer),
    )
    with pytest.raises(PermissionDenied):
        services.requirement_source_remove(actor=auditor, source=source)
    services.requirement_source_remove(actor=officer, source=source)
    assert not requirement.sources.exists()
    [event] = events("tendering.requirement_source_remove")
    assert event.data["label"] == "Staff stop reading the notes."


def test_sources_of_a_published_tender_stay(published_tender, procurement, officer):
    requirement = Requirement.objects.create(
        tender=published_tender, kind="outcome", title="Fixed", created_by=officer
    )
    with pytest.raises(ValidationError, match="published"):
        services.requirement_source_add(
            actor=officer,
            requirement=requirement,
            kind="consequence",
            consequence=make_consequence(procurement, officer),
        )
    assert not RequirementSource.objects.exists()


# --- Criteria -----------------------------------------------------------------------------


def test_a_criterion_is_added_with_its_scale_descriptors_and_requirements(
    tender, requirement, officer
):
    added = criterion(tender, officer, weight="12.5", requirements=[requirement.pk])
    assert added.weight == Decimal("12.50")
    assert added.descriptors == [{"score": 0, "text": "None"}, {"score": 5, "text": "Excellent"}]
    assert list(added.requirements.all()) == [requirement]
    [event] = events("tendering.criterion_add")
    assert event.data["weight"] == "12.50" and event.data["requirements"] == [requirement.pk]
    # Weights need not add up to 100 while drafting.
    criterion(tender, officer, name="Second", weight=Decimal(3))
    assert tender.criteria.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"group": "beauty"}, "group"),
        ({"name": " "}, "name"),
        ({"weight": Decimal("100.01")}, "weight"),
        ({"weight": Decimal(-1)}, "weight"),
        ({"weight": Decimal("10.005")}, "weight"),
        ({"weight": 10.5}, "weight"),
        ({"weight": "ten"}, "weight"),
        ({"scale_max": 0}, "scale_max"),
        ({"scale_max": 101}, "scale_max"),
        ({"method": "lowest_price"}, "method"),
        ({"method": "coin_toss"}, "method"),
        ({"descriptors": [{"score": 6, "text": "Beyond"}]}, "descriptors"),
        ({"descriptors": [{"score": -1, "text": "Below"}]}, "descriptors"),
        ({"descriptors": [{"score": 1, "text": "A"}, {"score": 1, "text": "B"}]}, "descriptors"),
        ({"descriptors": [{"score": 1, "text": " "}]}, "descriptors"),
        ({"descriptors": [{"score": "1", "text": "A"}]}, "descriptors"),
        ({"requirements": [999_999]}, "requirements"),
    ],
)
def test_criterion_refusals_change_nothing(tender, officer, overrides, field):
    existing = criterion(tender, officer)
    with pytest.raises(ValidationError) as caught:
        criterion(tender, officer, **{"name": "New", **overrides})
    assert field in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.criterion_update(
            actor=officer,
            criterion=existing,
            **{
                "group": CriterionGroup.QUALITY,
                "name": "Renamed",
                "weight": Decimal(40),
                **overrides,
            },
        )
    existing.refresh_from_db()
    assert existing.name == "Outcomes for residents" and tender.criteria.count() == 1
    assert not events("tendering.criterion_update")


def test_one_price_criterion_may_use_the_formula(tender, officer, make_procurement):
    price = criterion(
        tender, officer, group="price", name="Price", method=ScoringMethod.LOWEST_PRICE
    )
    with pytest.raises(ValidationError) as caught:
        criterion(tender, officer, group="price", name="Cost", method="lowest_price")
    assert caught.value.message_dict["method"] == [
        "Another criterion is already scored by the price formula."
    ]
    # The formula criterion itself may be updated.
    services.criterion_update(
        actor=officer,
        criterion=price,
        group="price",
        name="Total price",
        weight=Decimal(30),
        method="lowest_price",
    )
    # A requirement of another tender is refused.
    other = Tender.objects.create(
        procurement=make_procurement(stage=STAGE, title="Other"), created_by=officer
    )
    foreign = Requirement.objects.create(
        tender=other, kind="outcome", title="Foreign", created_by=officer
    )
    with pytest.raises(ValidationError) as caught:
        criterion(tender, officer, name="X", requirements=[foreign])
    assert "requirements" in caught.value.message_dict


def test_criteria_are_updated_moved_within_their_group_and_removed(tender, officer):
    a = criterion(tender, officer, name="A")
    price = criterion(tender, officer, name="Price", group="price")
    b = criterion(tender, officer, name="B")
    services.criterion_move(actor=officer, criterion=b, direction="up")
    quality = list(tender.criteria.filter(group="quality").order_by("position"))
    assert [c.name for c in quality] == ["B", "A"]
    price.refresh_from_db()
    assert price.position == 1  # the other group's order is left alone
    services.criterion_update(
        actor=officer,
        criterion=a,
        group="responsible_ai",
        name="Oversight",
        weight=Decimal(25),
        descriptors=[{"score": 3, "text": "Meets it"}],
    )
    a.refresh_from_db()
    assert (a.group, a.name, a.weight, a.descriptors) == (
        "responsible_ai",
        "Oversight",
        Decimal(25),
        [{"score": 3, "text": "Meets it"}],
    )
    assert set(events("tendering.criterion_update")[0].data["changed"]) == {
        "group",
        "name",
        "weight",
    }
    services.criterion_remove(actor=officer, criterion=a)
    assert not Criterion.objects.filter(pk=a.pk).exists()
    assert events("tendering.criterion_remove")[0].data["name"] == "Oversight"


def test_criteria_of_a_published_tender_stay(published_tender, officer, auditor):
    with pytest.raises(ValidationError, match="published"):
        criterion(published_tender, officer)
    with pytest.raises(PermissionDenied):
        criterion(published_tender, auditor)
    assert not published_tender.criteria.exists()


# --- Weight problems in words -------------------------------------------------------------


def test_weight_problems_read_as_people_write_them(tender, officer):
    criterion(tender, officer, name="Quality", weight=Decimal(90))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(10))
    assert services.weight_problems(list(tender.criteria.all()), 3) == [
        "Responsible-AI criteria carry 10 % of the weight; at impact level III they must "
        "carry at least 20 %."
    ]
    assert services.weight_problems(list(tender.criteria.all()), None) == [
        "Responsible-AI criteria carry 10 % of the weight; while the impact level has not "
        "been assessed they must carry at least 25 %, the minimum for the highest impact."
    ]
    criterion(tender, officer, name="Extra", weight=Decimal("2.5"))
    assert services.weight_problems(list(tender.criteria.all()), 2) == [
        "The weights add up to 102.5 %; they must add up to 100 %."
    ]
    with translation.override("es"):
        [problem] = services.weight_problems(list(tender.criteria.all()), 2)
    assert "102,5" in problem


def test_the_minimum_follows_the_settings(tender, officer, settings):
    settings.TENDER_MIN_RESPONSIBLE_AI_WEIGHT = {1: Decimal(0), 2: Decimal(5), 3: Decimal(40)}
    criterion(tender, officer, name="Quality", weight=Decimal(70))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(30))
    [problem] = services.weight_problems(list(tender.criteria.all()), 3)
    assert "at least 40 %" in problem
    assert services.weight_problems(list(tender.criteria.all()), 2) == []


# --- Clauses ------------------------------------------------------------------------------


def test_the_light_set_is_proposed_once_in_the_active_language(tender, officer, org):
    library = clause_library.library()
    light = library.proposed(high_risk=False)
    created = services.clause_propose(actor=officer, tender=tender)
    assert [c.library_key for c in created] == [clause.key for clause in light]
    first = TenderClause.objects.get(tender=tender, library_key=light[0].key)
    expected = light[0].render("en", buyer=org.name, supplier="the supplier")
    assert first.text == first.library_text == expected
    assert first.title == light[0].title_in("en") and not first.is_adapted
    [event] = events("tendering.clause_propose")
    assert event.data["high_risk"] is False and len(event.data["keys"]) == len(light)
    # Nothing new a second time.
    assert services.clause_propose(actor=officer, tender=tender) == []
    assert len(events("tendering.clause_propose")) == 1
    assert tender.clauses.count() == len(light)


def test_a_high_risk_screening_brings_the_high_risk_set(make_procurement, settle_stakes, officer):
    procurement = settle_stakes(
        make_procurement(stage=STAGE), level=4, ai_act_class="high_risk", fria_required=True
    )
    tender = services.tender_start(actor=officer, procurement=procurement)
    # One clause is already there: it is skipped.
    high = clause_library.library().proposed(high_risk=True)
    services.clause_add_from_library(actor=officer, tender=tender, key=high[3].key)
    with translation.override("es"):
        created = services.clause_propose(actor=officer, tender=tender)
    assert {c.library_key for c in created} == {c.key for c in high} - {high[3].key}
    spanish = next(c for c in created if c.library_key == high[0].key)
    assert spanish.title == high[0].title_in("es")
    assert "{buyer}" not in spanish.text and "{supplier}" not in spanish.text


def test_clauses_are_added_adapted_moved_and_removed(tender, officer):
    key = clause_library.library().proposed(high_risk=False)[0].key
    theme = clause_library.library().clause(key).theme
    picked = services.clause_add_from_library(actor=officer, tender=tender, key=key)
    own = services.clause_add_custom(
        actor=officer, tender=tender, theme=theme, title="Our own", text="The supplier helps."
    )
    assert own.library_key == "" and not own.is_adapted
    services.clause_update(
        actor=officer, clause=picked, title=picked.title, text="Adapted wording."
    )
    picked.refresh_from_db()
    assert picked.is_adapted and picked.library_text != picked.text
    assert events("tendering.clause_update")[0].data["adapted"] is True
    services.clause_move(actor=officer, clause=own, direction="up")
    ordered = list(tender.clauses.filter(theme=theme).order_by("position"))
    assert ordered == [own, picked]
    services.clause_remove(actor=officer, clause=picked)
    assert list(tender.clauses.all()) == [own]
    # Removed, it can be added again.
    services.clause_add_from_library(actor=officer, tender=tender, key=key)
    assert len(events("tendering.clause_add")) == 3
    assert len(events("tendering.clause_remove")) == 1


def test_clause_refusals_change_nothing(tender, officer, auditor):
    key = clause_library.library().clauses[0].key
    services.clause_add_from_library(actor=officer, tender=tender, key=key)
    cases = [
        (lambda: services.clause_add_from_library(actor=officer, tender=tender, key=key), "key"),
        (
            lambda: services.clause_add_from_library(actor=officer, tender=tender, key="nope"),
            "key",
        ),
        (
            lambda: services.clause_add_custom(
                actor=officer, tender=tender, theme="nope", title="T", text="X"
            ),
            "theme",
        ),
        (
            lambda: services.clause_add_custom(
                actor=officer, tender=tender, theme="audit", title="", text="X"
            ),
            "title",
        ),
        (
            lambda: services.clause_update(
                actor=officer, clause=tender.clauses.get(), title="T", text="  "
            ),
            "text",
        ),
    ]
    for call, field in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        assert field in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.clause_propose(actor=auditor, tender=tender)
    assert tender.clauses.count() == 1
    assert not tender.clauses.get().is_adapted
    assert len(events("tendering.clause_add")) == 1


def test_clauses_of_a_published_tender_stay(published_tender, officer):
    with pytest.raises(ValidationError, match="published"):
        services.clause_propose(actor=officer, tender=published_tender)
    assert not published_tender.clauses.exists()


# --- Publication --------------------------------------------------------------------------


def ready(tender, officer) -> Tender:
    """A draft that can be published: requirements, weights meeting every minimum,
    one clause, dates in the future."""
    criterion(tender, officer, name="Outcomes", weight=Decimal(45))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(30))
    criterion(
        tender, officer, name="Price", group="price", weight=Decimal(25), method="lowest_price"
    )
    services.requirement_add(actor=officer, tender=tender, kind="outcome", title="Seen in time")
    services.clause_add_from_library(
        actor=officer, tender=tender, key=clause_library.library().clauses[0].key
    )
    return services.tender_update(
        actor=officer,
        tender=tender,
        outcomes="Everyone is seen in time.",
        clarification_deadline=in_days(5),
        submission_deadline=in_days(10),
        opening_at=in_days(10),
    )


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER, Role.ORG_ADMIN])
def test_publish_freezes_the_tender_and_records_the_rule(tender, officer, make_member, org, role):
    ready(tender, officer)
    published = services.tender_publish(actor=make_member(org, role), tender=tender)
    published.refresh_from_db()
    assert published.status == TenderStatus.PUBLISHED and published.published_at is not None
    assert published.impact_level == 3
    assert published.min_responsible_ai_weight == Decimal(20)
    [event] = events("tendering.tender_publish")
    assert event.data["group_weights"] == {
        "quality": "45.00",
        "price": "25.00",
        "responsible_ai": "30.00",
    }
    with pytest.raises(ValidationError, match="published"):
        services.tender_publish(actor=officer, tender=tender)


def test_publish_is_refused_to_the_project_lead_and_at_other_stages(tender, officer, lead):
    ready(tender, officer)
    with pytest.raises(PermissionDenied):
        services.tender_publish(actor=lead, tender=tender)
    Procurement.objects.filter(pk=tender.procurement_id).update(stage="vendor_evaluation")
    with pytest.raises(PermissionDenied):
        services.tender_publish(actor=officer, tender=tender)
    tender.refresh_from_db()
    assert tender.is_draft and not events("tendering.tender_publish")


def test_publish_lists_every_problem_at_once(make_procurement, settle_stakes, officer):
    procurement = settle_stakes(make_procurement(stage=STAGE), level=3)
    tender = services.tender_start(actor=officer, procurement=procurement)
    criterion(tender, officer, name="Quality", weight=Decimal(80))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(10))
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=in_days(-1), opening_at=in_days(-2)
    )
    with pytest.raises(ValidationError) as caught:
        services.tender_publish(actor=officer, tender=tender)
    problems = caught.value.message_dict
    assert problems["criteria"] == [
        "The weights add up to 90 %; they must add up to 100 %.",
        "Responsible-AI criteria carry 10 % of the weight; at impact level III they must "
        "carry at least 20 %.",
    ]
    assert problems["requirements"] == ["Add at least one requirement."]
    assert problems["clauses"] == ["Add at least one contract clause."]
    assert problems["submission_deadline"] == [
        "The deadline for bids has passed: set a later one."
    ]
    assert problems["opening_at"] == ["The opening of the bids has passed: set a later one."]
    assert problems["procurement"] == [
        "Publish the procurement first: the public must see what is tendered."
    ]
    tender.refresh_from_db()
    assert tender.is_draft and tender.published_at is None
    assert not events("tendering.tender_publish")


def test_publish_needs_criteria_and_dates(tender, officer):
    with pytest.raises(ValidationError) as caught:
        services.tender_publish(actor=officer, tender=tender)
    problems = caught.value.message_dict
    assert problems["criteria"] == ["Add at least one evaluation criterion."]
    assert problems["submission_deadline"] == ["Set the deadline for bids."]
    assert problems["opening_at"] == ["Set when the bids are opened."]
    assert "procurement" not in problems


def test_an_unassessed_procurement_is_held_to_the_strictest_minimum(make_procurement, officer):
    tender = services.tender_start(
        actor=officer, procurement=make_procurement(stage=STAGE, published=True)
    )
    ready(tender, officer)
    services.criterion_update(
        actor=officer,
        criterion=tender.criteria.get(name="Fairness"),
        group="responsible_ai",
        name="Fairness",
        weight=Decimal(20),
    )
    services.criterion_update(
        actor=officer,
        criterion=tender.criteria.get(name="Outcomes"),
        group="quality",
        name="Outcomes",
        weight=Decimal(55),
    )
    with pytest.raises(ValidationError) as caught:
        services.tender_publish(actor=officer, tender=tender)
    assert caught.value.message_dict == {
        "criteria": [
            "Responsible-AI criteria carry 20 % of the weight; while the impact level has not "
            "been assessed they must carry at least 25 %, the minimum for the highest impact."
        ]
    }


# --- The public review of the draft -------------------------------------------------------


def test_the_draft_goes_to_review_and_each_version_follows(procurement, tender, officer):
    ready(tender, officer)
    process = make_process(procurement, officer)
    version = services.tender_send_to_review(actor=officer, tender=tender, process=process)
    tender.refresh_from_db()
    module = tender.review_module
    assert module.process == process and module.kind == ModuleKind.DOCUMENT_REVIEW
    assert version.module == module and version.number == 1
    assert "Seen in time" in version.body and "Fairness (30 %)" in version.body
    assert version.paragraphs.count() > 5
    [event] = events("tendering.tender_review_send")
    assert event.data["version"] == 1 and event.data["process"] == process.slug
    assert events("module.added") and events("document.version_published")

    # Unchanged, it is refused; changed, it becomes version 2 in the same module.
    with pytest.raises(ValidationError) as caught:
        services.tender_send_to_review(actor=officer, tender=tender)
    assert "body" in caught.value.message_dict
    services.requirement_add(actor=officer, tender=tender, kind="constraint", title="No lock-in")
    second = services.tender_send_to_review(
        actor=officer, tender=tender, change_note="A constraint against lock-in."
    )
    assert (second.module, second.number) == (module, 2)
    assert second.change_note == "A constraint against lock-in."
    assert Module.objects.filter(kind=ModuleKind.DOCUMENT_REVIEW).count() == 1


def test_a_new_process_is_created_and_published_for_the_review(procurement, tender, officer):
    ready(tender, officer)
    version = services.tender_send_to_review(
        actor=officer, tender=tender, process_title="Comment on the tender", closes_at=in_days(14)
    )
    process = Process.objects.get(pk=version.module.process_id)
    assert process.title == "Comment on the tender" and process.slug == "comment-on-the-tender"
    assert process.is_published and process.stage == STAGE


def test_review_refusals_change_nothing(procurement, tender, officer, make_procurement, auditor):
    other = make_procurement(stage=STAGE, title="Other")
    cases = [
        ({"process": make_process(other, officer)}, "process"),
        ({"process": make_process(procurement, officer, stage="vendor_evaluation")}, "process"),
        ({"process_title": "", "closes_at": in_days(3)}, "process_title"),
        ({"process_title": "Comment", "closes_at": in_days(-1)}, "closes_at"),
        ({"process_title": "Comment"}, "closes_at"),
    ]
    processes = Process.objects.count()
    for values, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.tender_send_to_review(actor=officer, tender=tender, **values)
        assert field in caught.value.message_dict, values
    with pytest.raises(PermissionDenied):
        services.tender_send_to_review(
            actor=auditor, tender=tender, process=make_process(procurement, officer)
        )
    assert Process.objects.count() == processes + 1
    assert not Module.objects.exists() and not DocumentVersion.objects.exists()
    tender.refresh_from_db()
    assert tender.review_module is None


def test_a_published_tender_is_not_sent_to_review(published_tender, procurement, officer):
    with pytest.raises(ValidationError, match="published"):
        services.tender_send_to_review(
            actor=officer, tender=published_tender, process=make_process(procurement, officer)
        )
    assert not Module.objects.exists()

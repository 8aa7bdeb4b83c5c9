"""Lessons learned: written by the team at any stage, also once the
procurement is stopped; tags normalised; kept with the stage they were
written at; through the services and the review page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.contracts.models import Lesson
from participai.contracts.services import review as services
from participai.procurements.models import Procurement, ProcurementStatus

from . import events

pytestmark = pytest.mark.django_db

LESSON = {
    "what_worked": "Residents' panel caught the letter problem early.",
    "what_failed": "The CSV export was late because no one owned it.",
    "do_differently": "Name an owner for every KPI's data from day one.",
}


def base(procurement: Procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/contract/review/"


def test_a_lesson_keeps_the_stage_and_normalised_tags(make_procurement, officer):
    procurement = make_procurement(stage="review")
    lesson = services.lesson_write(
        actor=officer,
        procurement=procurement,
        tags=["  Data   Ownership ", "KPIs", "kpis", "", "Exit"],
        shareable=True,
        **LESSON,
    )
    assert lesson.stage == "review"
    assert lesson.tags == ["data ownership", "kpis", "exit"]
    assert lesson.shareable is True
    event = events("contracts.lesson_write").get()
    assert event.data["tags"] == ["data ownership", "kpis", "exit"]


def test_tags_as_a_comma_separated_string(make_procurement, officer):
    procurement = make_procurement(stage="review")
    lesson = services.lesson_write(
        actor=officer, procurement=procurement, tags="Bias, , PANEL,bias", **LESSON
    )
    assert lesson.tags == ["bias", "panel"]


@pytest.mark.parametrize(
    ("tags", "message"),
    [([f"tag{n}" for n in range(11)], "at most 10"), (["x" * 41], "under 40")],
)
def test_too_many_or_too_long_tags_are_refused(make_procurement, officer, tags, message):
    procurement = make_procurement(stage="review")
    with pytest.raises(ValidationError) as error:
        services.lesson_write(actor=officer, procurement=procurement, tags=tags, **LESSON)
    assert message in error.value.message_dict["tags"][0]
    assert not Lesson.objects.exists()


def test_each_text_is_required(make_procurement, officer):
    procurement = make_procurement(stage="review")
    with pytest.raises(ValidationError) as error:
        services.lesson_write(
            actor=officer,
            procurement=procurement,
            what_worked="",
            what_failed=" ",
            do_differently="",
        )
    assert set(error.value.message_dict) == {"what_worked", "what_failed", "do_differently"}
    assert not Lesson.objects.exists()


def test_a_stopped_procurement_still_gets_its_lessons(make_procurement, officer, org, make_member):
    procurement = make_procurement(stage="impact_assessment")
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    procurement.refresh_from_db()

    lesson = services.lesson_write(actor=officer, procurement=procurement, **LESSON)

    assert lesson.stage == "impact_assessment"
    data_expert = make_member(org, Role.DATA_EXPERT)
    updated = services.lesson_update(
        actor=data_expert, lesson=lesson, tags=["Stopped early"], **LESSON
    )
    assert updated.tags == ["stopped early"] and updated.stage == "impact_assessment"
    assert events("contracts.lesson_update").count() == 1


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MODERATOR, Role.FACILITATOR])
def test_only_the_team_writes_lessons(make_procurement, org, make_member, role):
    procurement = make_procurement(stage="review")
    with pytest.raises(PermissionDenied):
        services.lesson_write(actor=make_member(org, role), procurement=procurement, **LESSON)
    assert not Lesson.objects.exists()


def test_lessons_through_the_page(client, make_procurement, officer, org, make_member):
    procurement = make_procurement(stage="contract_monitoring")
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    client.force_login(officer)

    response = client.post(
        f"{base(procurement)}lessons/add/", {**LESSON, "tags": "Panel, Data", "shareable": "on"}
    )

    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert lesson.tags == ["panel", "data"] and lesson.shareable
    html = client.get(base(procurement)).content.decode()
    assert LESSON["what_failed"] in html and "panel" in html

    edit = f"{base(procurement)}lessons/{lesson.pk}/"
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {**LESSON, "what_worked": ""})
    assert bad.status_code == 400
    assert client.post(edit, {**LESSON, "tags": "Exit"}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.tags == ["exit"] and not lesson.shareable

    # An auditor reads the lessons but writes none.
    client.force_login(make_member(org, Role.AUDITOR))
    assert LESSON["what_failed"] in client.get(base(procurement)).content.decode()
    assert client.post(f"{base(procurement)}lessons/add/", LESSON).status_code == 403
    assert client.get(edit).status_code == 403
    assert Lesson.objects.count() == 1


def test_non_members_get_404(client, make_procurement, officer, other_org, make_member):
    procurement = make_procurement(stage="review")
    lesson = services.lesson_write(actor=officer, procurement=procurement, **LESSON)
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.post(f"{base(procurement)}lessons/add/", LESSON).status_code == 404
    assert client.get(f"{base(procurement)}lessons/{lesson.pk}/").status_code == 404

"""The tender's workspace pages through real HTTP requests: what each role may
read and write, at which stage, forms that come back with their errors, the
clause library, publication, and the draft put to public comment end to end."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.participation.models import DocumentVersion, Process
from participai.procurements.models import Procurement, ProcurementStatus
from participai.tendering import clauses as clause_library
from participai.tendering.models import (
    Criterion,
    Requirement,
    RequirementSource,
    Tender,
    TenderClause,
    TenderStatus,
)
from participai.tendering.services import solicitation as services

from .test_solicitation_services import (
    STAGE,
    criterion,
    in_days,
    make_consequence,
    make_process,
    make_response,
)

LIBRARY = clause_library.library()


@pytest.fixture
def procurement(make_procurement, settle_stakes):
    return settle_stakes(make_procurement(stage=STAGE, published=True), level=3)


@pytest.fixture
def base(procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/tender/"


@pytest.fixture
def tender(procurement, officer) -> Tender:
    return services.tender_start(actor=officer, procurement=procurement)


@pytest.fixture
def full(procurement, tender, officer) -> dict:
    """A draft with one of everything: a sourced and an unsourced requirement,
    criteria short of the responsible-AI minimum, an adapted clause."""
    sourced = services.requirement_add(
        actor=officer, tender=tender, kind="outcome", title="Urgent cases seen the same day"
    )
    services.requirement_add(
        actor=officer, tender=tender, kind="constraint", title="No lock-in <b>ever</b>"
    )
    source = services.requirement_source_add(
        actor=officer,
        requirement=sourced,
        kind="consequence",
        consequence=make_consequence(procurement, officer),
    )
    quality = criterion(tender, officer, name="Outcomes for residents", weight=Decimal(90))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(10))
    clause = services.clause_add_from_library(
        actor=officer, tender=tender, key=LIBRARY.proposed(high_risk=False)[0].key
    )
    services.clause_update(actor=officer, clause=clause, title=clause.title, text="Adapted.")
    return {"requirement": sourced, "source": source, "criterion": quality, "clause": clause}


def state(tender: Tender) -> tuple:
    """What a refused request must leave as it was."""
    tender.refresh_from_db()
    return (
        tender.status,
        tender.outcomes,
        list(Requirement.objects.filter(tender=tender).values_list("pk", "title", "position")),
        RequirementSource.objects.count(),
        list(Criterion.objects.filter(tender=tender).values_list("pk", "name", "position")),
        list(TenderClause.objects.filter(tender=tender).values_list("pk", "text", "position")),
        AuditEvent.objects.count(),
    )


def writes(base: str, full: dict) -> list[tuple[str, str, dict | None]]:
    """Every write of the tender's pages (and the form pages that lead to them)."""
    r, s = full["requirement"].pk, full["source"].pk
    c, k = full["criterion"].pk, full["clause"].pk
    return [
        ("post", "start/", {}),
        ("get", "settings/", None),
        ("post", "settings/", {"outcomes": "Changed"}),
        ("get", "requirements/add/", None),
        ("post", "requirements/add/", {"kind": "outcome", "title": "New"}),
        ("get", f"requirements/{r}/", None),
        ("post", f"requirements/{r}/", {"kind": "outcome", "title": "Changed"}),
        ("post", f"requirements/{r}/remove/", {}),
        ("post", f"requirements/{r}/move/", {"direction": "down"}),
        ("get", f"requirements/{r}/sources/add/", None),
        ("post", f"requirements/{r}/sources/{s}/remove/", {}),
        ("get", "criteria/add/", None),
        ("post", "criteria/add/", {"group": "quality", "name": "N", "weight": "5"}),
        ("post", f"criteria/{c}/remove/", {}),
        ("post", f"criteria/{c}/move/", {"direction": "down"}),
        ("post", "clauses/propose/", {}),
        ("post", "clauses/add/", {"key": LIBRARY.clauses[-1].key}),
        ("get", "clauses/custom/", None),
        ("post", "clauses/custom/", {"theme": "audit", "title": "T", "text": "X"}),
        ("get", f"clauses/{k}/", None),
        ("post", f"clauses/{k}/", {"title": "T", "text": "X"}),
        ("post", f"clauses/{k}/remove/", {}),
        ("post", f"clauses/{k}/move/", {"direction": "up"}),
        ("post", "publish/", {}),
        ("get", "review/", None),
        ("post", "review/", {"process": "new", "process_title": "R"}),
    ]


def call(client, method: str, url: str, data: dict | None):
    return client.post(url, data or {}) if method == "post" else client.get(url)


# --- The overview -------------------------------------------------------------------------


def test_a_procurement_without_a_tender_offers_to_start_one(client, officer, base, procurement):
    client.force_login(officer)
    response = client.get(base)
    assert response.status_code == 200
    assert b"No tender has been started" in response.content
    assert f'action="{base}start/"'.encode() in response.content
    assert client.get(f"{base}start/").status_code == 405
    assert client.post(f"{base}start/").status_code == 302
    assert Tender.objects.filter(procurement=procurement, status="draft").exists()
    # Writing pages need a tender first.
    assert client.get(f"{base}clauses/").status_code == 200
    Tender.objects.all().delete()
    assert client.get(f"{base}requirements/add/").status_code == 404


def test_the_overview_shows_everything_with_its_forms(client, officer, base, full):
    client.force_login(officer)
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    requirement = full["requirement"]
    # Requirements with their sources, and the one without flagged.
    assert f'id="requirement-{requirement.pk}"' in html
    assert "Staff stop reading the notes." in html
    assert html.count(">No source</span>") == 1
    assert "No lock-in &lt;b&gt;ever&lt;/b&gt;" in html and "<b>ever</b>" not in html
    assert f"{base}requirements/{requirement.pk}/sources/add/" in html
    # Criteria with weights, group totals and the live problem.
    assert "Outcomes for residents" in html
    assert "Quality: 90 %" in html and "Responsible AI: 10 %" in html
    assert (
        "Responsible-AI criteria carry 10 % of the weight; at impact level III they must "
        "carry at least 20 %." in html
    )
    assert (
        "At impact level III, responsible-AI criteria must carry at least 20 % of the weight."
        in html
    )
    # Clauses by theme, the adapted one marked.
    theme = LIBRARY.theme(full["clause"].theme).title_in("en")
    assert f"<h3>{theme}</h3>" in html
    assert ">Adapted</span>" in html
    # The buttons of someone who prepares and publishes.
    for suffix in ("publish/", "review/", "settings/", "criteria/add/", "clauses/propose/"):
        assert f"{base}{suffix}" in html


def test_the_overview_costs_the_same_queries_whatever_the_rows(
    client, officer, base, procurement, tender, full, django_assert_max_num_queries
):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as small:
        assert client.get(base).status_code == 200
    for i in range(6):
        requirement = services.requirement_add(
            actor=officer, tender=tender, kind="outcome", title=f"More {i}"
        )
        services.requirement_source_add(
            actor=officer,
            requirement=requirement,
            kind="consequence",
            consequence=make_consequence(procurement, officer, f"More {i}"),
        )
        criterion(tender, officer, name=f"More {i}", weight=Decimal(1), requirements=[requirement])
        services.clause_add_from_library(
            actor=officer, tender=tender, key=LIBRARY.clauses[i + 5].key
        )
    with django_assert_max_num_queries(len(small)):
        response = client.get(base)
    assert response.content.decode().count(">No source</span>") == 1


# --- Who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.FACILITATOR, Role.EVALUATOR, Role.MODERATOR])
def test_readers_see_the_tender_and_every_write_is_403(client, make_member, org, base, full, role):
    client.force_login(make_member(org, role))
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Urgent cases seen the same day" in html
    assert "You can read the draft tender." in html
    assert f"{base}publish/" not in html and "/remove/" not in html
    assert f"{base}requirements/add/" not in html
    assert client.get(f"{base}clauses/").status_code == 200
    tender = full["requirement"].tender
    before = state(tender)
    for method, suffix, data in writes(base, full):
        assert call(client, method, base + suffix, data).status_code == 403, suffix
    assert state(tender) == before


def test_the_project_lead_prepares_but_does_not_publish(client, make_member, org, base, full):
    lead = make_member(org, Role.PROJECT_LEAD)
    client.force_login(lead)
    html = client.get(base).content.decode()
    assert f"{base}requirements/add/" in html and f"{base}publish/" not in html
    response = client.post(f"{base}requirements/add/", {"kind": "outcome", "title": "By the lead"})
    assert response.status_code == 302
    assert Requirement.objects.filter(title="By the lead").exists()
    assert client.post(f"{base}publish/").status_code == 403


def test_the_legal_officer_publishes(client, make_member, org, base, procurement, tender, officer):
    services.requirement_add(actor=officer, tender=tender, kind="outcome", title="Seen")
    criterion(tender, officer, name="Outcomes", weight=Decimal(70))
    criterion(tender, officer, name="Fairness", group="responsible_ai", weight=Decimal(30))
    services.clause_add_from_library(actor=officer, tender=tender, key=LIBRARY.clauses[0].key)
    services.tender_update(
        actor=officer,
        tender=tender,
        outcomes="Seen in time.",
        clarification_deadline=None,
        submission_deadline=in_days(10),
        opening_at=in_days(11),
    )
    client.force_login(make_member(org, Role.LEGAL_OFFICER))
    response = client.post(f"{base}publish/", follow=True)
    assert response.status_code == 200
    assert b"The tender is published" in response.content
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    # Read-only from now on, for the team too.
    html = response.content.decode()
    assert "what bidders answer to no longer changes." in html
    assert f"{base}requirements/add/" not in html and f"{base}publish/" not in html


def test_others_get_404_and_strangers_the_login_page(
    client, make_member, other_org, resident, base, full
):
    tender = full["requirement"].tender
    outsiders = (make_member(other_org, Role.ORG_ADMIN), resident)
    before = state(tender)
    for user in outsiders:
        client.force_login(user)
        assert client.get(base).status_code == 404
        assert client.get(f"{base}clauses/").status_code == 404
        for method, suffix, data in writes(base, full):
            assert call(client, method, base + suffix, data).status_code == 404, suffix
    client.logout()
    login = reverse(django_settings.LOGIN_URL)
    for method, suffix, data in [("get", "", None), *writes(base, full)]:
        response = call(client, method, base + suffix, data)
        assert response.status_code == 302 and response["Location"].startswith(login), suffix
    assert state(tender) == before


@pytest.mark.parametrize("stage", ["vendor_evaluation", "market_engagement"])
def test_at_another_stage_the_tender_is_read_only(client, officer, base, full, procurement, stage):
    Procurement.objects.filter(pk=procurement.pk).update(stage=stage)
    client.force_login(officer)
    response = client.get(base)
    assert response.status_code == 200
    assert f"{base}requirements/add/" not in response.content.decode()
    tender = full["requirement"].tender
    before = state(tender)
    for method, suffix, data in writes(base, full):
        assert call(client, method, base + suffix, data).status_code == 403, suffix
    assert state(tender) == before


def test_a_closed_procurement_is_read_only(client, officer, base, full, procurement):
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    client.force_login(officer)
    assert client.get(base).status_code == 200
    tender = full["requirement"].tender
    before = state(tender)
    for method, suffix, data in writes(base, full):
        assert call(client, method, base + suffix, data).status_code == 403, suffix
    assert state(tender) == before


def test_writes_are_post_only(client, officer, base, full):
    client.force_login(officer)
    r, c, k = full["requirement"].pk, full["criterion"].pk, full["clause"].pk
    for suffix in (
        "start/",
        "publish/",
        f"requirements/{r}/remove/",
        f"requirements/{r}/move/",
        f"criteria/{c}/remove/",
        f"clauses/{k}/move/",
        "clauses/propose/",
        "clauses/add/",
    ):
        assert client.get(base + suffix).status_code == 405, suffix
    assert client.post(base).status_code == 405


def test_rows_of_another_tender_are_404(client, officer, base, full, make_procurement):
    other = make_procurement(stage=STAGE, title="Another")
    other_tender = services.tender_start(actor=officer, procurement=other)
    foreign = services.requirement_add(
        actor=officer, tender=other_tender, kind="outcome", title="Foreign"
    )
    client.force_login(officer)
    assert client.get(f"{base}requirements/{foreign.pk}/").status_code == 404
    assert client.post(f"{base}requirements/{foreign.pk}/remove/").status_code == 404
    r = full["requirement"].pk
    assert client.post(f"{base}requirements/{r}/sources/999999/remove/").status_code == 404
    assert Requirement.objects.filter(pk=foreign.pk).exists()


# --- Forms --------------------------------------------------------------------------------


def test_settings_are_saved_and_bad_dates_come_back(client, officer, base, tender):
    client.force_login(officer)
    assert client.get(f"{base}settings/").status_code == 200
    bad = {
        "outcomes": "Seen in time.",
        "submission_deadline": "2031-05-10T12:00",
        "opening_at": "2031-05-09T12:00",
    }
    response = client.post(f"{base}settings/", bad)
    assert response.status_code == 400
    assert b"Bids cannot be opened before the deadline for bids." in response.content
    tender.refresh_from_db()
    assert tender.outcomes == ""
    good = {**bad, "opening_at": "2031-05-10T12:00"}
    assert client.post(f"{base}settings/", good).status_code == 302
    tender.refresh_from_db()
    assert tender.outcomes == "Seen in time." and tender.opening_at.year == 2031


def test_requirements_through_their_forms(client, officer, base, tender):
    client.force_login(officer)
    response = client.post(f"{base}requirements/add/", {"kind": "outcome", "title": ""})
    assert response.status_code == 400 and not tender.requirements.exists()
    response = client.post(
        f"{base}requirements/add/", {"kind": "outcome", "title": "Seen", "text": "Monthly."}
    )
    assert response.status_code == 302
    first = tender.requirements.get()
    assert response["Location"].endswith("#requirements")
    client.post(f"{base}requirements/add/", {"kind": "constraint", "title": "Second"})
    edit = client.get(f"{base}requirements/{first.pk}/")
    assert edit.status_code == 200 and b'value="Seen"' in edit.content
    client.post(f"{base}requirements/{first.pk}/", {"kind": "constraint", "title": "Seen, now"})
    client.post(f"{base}requirements/{first.pk}/move/", {"direction": "down"})
    assert list(tender.requirements.order_by("position").values_list("title", flat=True)) == [
        "Second",
        "Seen, now",
    ]
    response = client.post(
        f"{base}requirements/{first.pk}/move/", {"direction": "away"}, follow=True
    )
    assert b"Move it up or down." in response.content
    client.post(f"{base}requirements/{first.pk}/remove/")
    assert list(tender.requirements.values_list("title", flat=True)) == ["Second"]


def test_a_source_is_linked_and_unlinked_through_the_page(
    client, officer, base, procurement, tender
):
    requirement = services.requirement_add(
        actor=officer, tender=tender, kind="outcome", title="Seen"
    )
    answer = make_response(procurement, officer, change="A person sees every urgent case.")
    consequence = make_consequence(procurement, officer)
    client.force_login(officer)
    page = client.get(f"{base}requirements/{requirement.pk}/sources/add/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        f'value="response:{answer.pk}"' in html and f'value="consequence:{consequence.pk}"' in html
    )
    assert "A person sees every urgent case." in html and 'value="obligation:' in html
    response = client.post(
        f"{base}requirements/{requirement.pk}/sources/add/", {"source": f"response:{answer.pk}"}
    )
    assert response.status_code == 302
    source = requirement.sources.get()
    assert source.label == "A person sees every urgent case."
    # Twice: the page comes back with the service's refusal.
    again = client.post(
        f"{base}requirements/{requirement.pk}/sources/add/", {"source": f"response:{answer.pk}"}
    )
    assert again.status_code == 400
    assert b"This source is already linked to the requirement." in again.content
    # A choice that is not offered is refused by the form.
    assert (
        client.post(
            f"{base}requirements/{requirement.pk}/sources/add/", {"source": "response:999999"}
        ).status_code
        == 400
    )
    client.post(f"{base}requirements/{requirement.pk}/sources/{source.pk}/remove/")
    assert not requirement.sources.exists()


def test_criteria_through_their_forms(client, officer, base, tender):
    requirement = services.requirement_add(
        actor=officer, tender=tender, kind="outcome", title="Seen"
    )
    client.force_login(officer)
    data = {
        "group": "responsible_ai",
        "name": "Oversight",
        "description": "Who checks what.",
        "weight": "22.5",
        "scale_max": "4",
        "method": "judgement",
        "descriptors": "4: Full oversight\n\n0: None",
        "requirements": [requirement.pk],
    }
    bad_line = client.post(f"{base}criteria/add/", {**data, "descriptors": "excellent"})
    assert bad_line.status_code == 400 and b"Line 1: start with the score" in bad_line.content
    formula = client.post(f"{base}criteria/add/", {**data, "method": "lowest_price"})
    assert formula.status_code == 400
    assert b"Only a price criterion can be scored by the price formula." in formula.content
    assert not tender.criteria.exists()
    assert client.post(f"{base}criteria/add/", data).status_code == 302
    added = tender.criteria.get()
    assert added.weight == Decimal("22.50") and added.scale_max == 4
    assert added.descriptors == [
        {"score": 0, "text": "None"},
        {"score": 4, "text": "Full oversight"},
    ]
    assert list(added.requirements.all()) == [requirement]
    edit = client.get(f"{base}criteria/{added.pk}/")
    assert b"0: None\n4: Full oversight" in edit.content
    client.post(f"{base}criteria/{added.pk}/", {**data, "weight": "30"})
    added.refresh_from_db()
    assert added.weight == Decimal(30)
    client.post(f"{base}criteria/{added.pk}/remove/")
    assert not tender.criteria.exists()


def test_the_clause_library_and_the_clauses_forms(client, officer, base, tender, org):
    client.force_login(officer)
    page = client.get(f"{base}clauses/")
    html = page.content.decode()
    assert page.status_code == 200
    light = LIBRARY.proposed(high_risk=False)
    rest = [c for c in LIBRARY.clauses if c not in light]
    assert html.index('id="proposed-heading"') < html.index(f'id="library-{light[0].key}"')
    if rest:
        assert html.index('id="others-heading"') < html.index(f'id="library-{rest[0].key}"')
    assert org.name in html and "{buyer}" not in html
    assert "light set of clauses is proposed" in html

    assert client.post(f"{base}clauses/add/", {"key": light[0].key}).status_code == 302
    assert "In the tender" in client.get(f"{base}clauses/").content.decode()
    again = client.post(f"{base}clauses/add/", {"key": light[0].key}, follow=True)
    assert b"This clause is already in the tender." in again.content
    response = client.post(f"{base}clauses/propose/", follow=True)
    assert f"{len(light) - 1} proposed clauses added".encode() in response.content
    assert tender.clauses.count() == len(light)

    custom = client.post(
        f"{base}clauses/custom/", {"theme": "", "title": "Ours", "text": "We agree."}
    )
    assert custom.status_code == 400
    client.post(
        f"{base}clauses/custom/",
        {"theme": light[0].theme, "title": "Ours", "text": "We agree."},
    )
    ours = tender.clauses.get(title="Ours")
    assert ours.library_key == ""
    picked = tender.clauses.get(library_key=light[0].key)
    form = client.get(f"{base}clauses/{picked.pk}/")
    assert b'name="theme"' not in form.content
    client.post(f"{base}clauses/{picked.pk}/", {"title": picked.title, "text": "Adapted here."})
    picked.refresh_from_db()
    assert picked.is_adapted
    overview = client.get(base).content.decode()
    assert ">Adapted</span>" in overview and ">Written by the team</span>" in overview
    client.post(f"{base}clauses/{ours.pk}/move/", {"direction": "up"})
    client.post(f"{base}clauses/{picked.pk}/remove/")
    assert not tender.clauses.filter(pk=picked.pk).exists()


def test_a_high_risk_procurement_is_proposed_the_high_risk_set(
    client, officer, make_procurement, settle_stakes
):
    procurement = settle_stakes(
        make_procurement(stage=STAGE), level=4, ai_act_class="high_risk", fria_required=True
    )
    services.tender_start(actor=officer, procurement=procurement)
    client.force_login(officer)
    html = client.get(f"/workspace/procurements/{procurement.slug}/tender/clauses/").content
    assert b"found a high-risk use" in html


def test_a_refused_publication_lists_every_problem(client, officer, base, full):
    client.force_login(officer)
    response = client.post(f"{base}publish/", follow=True)
    html = response.content.decode()
    assert "The tender was not published:" in html
    assert "The weights add up to 100 %" not in html
    assert (
        "Responsible-AI criteria carry 10 % of the weight; at impact level III they must "
        "carry at least 20 %." in html
    )
    assert "Set the deadline for bids." in html and "Set when the bids are opened." in html
    assert full["requirement"].tender.status == TenderStatus.DRAFT


def test_a_published_tender_is_read_only(client, officer, base, full):
    tender = full["requirement"].tender
    Tender.objects.filter(pk=tender.pk).update(
        status=TenderStatus.PUBLISHED,
        published_at=in_days(-1),
        submission_deadline=in_days(5),
        opening_at=in_days(6),
    )
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "what bidders answer to no longer changes." in html
    assert "/remove/" not in html and f"{base}publish/" not in html
    before = state(tender)
    for method, suffix, data in writes(base, full):
        if suffix == "start/":
            continue
        response = call(client, method, base + suffix, data)
        assert response.status_code == 302, suffix
        assert response["Location"].startswith(base), suffix
    assert state(tender) == before
    response = client.get(f"{base}settings/", follow=True)
    assert (
        b"The tender is published; what bidders answer to no longer changes." in response.content
    )


# --- Public review of the draft, end to end -----------------------------------------------


def test_the_draft_is_put_to_comment_and_the_module_shows_it(
    client, officer, base, procurement, full
):
    process = make_process(procurement, officer)
    make_process(procurement, officer, stage="vendor_evaluation")
    client.force_login(officer)
    form = client.get(f"{base}review/")
    html = form.content.decode()
    assert form.status_code == 200
    assert f'<option value="{process.pk}">' in html and '<option value="new">' in html
    response = client.post(f"{base}review/", {"process": str(process.pk)})
    assert response.status_code == 302
    tender = full["requirement"].tender
    tender.refresh_from_db()
    module = tender.review_module
    assert module.process_id == process.pk

    # The document review shows the version, as staff and as the public see it.
    setup = client.get(
        reverse(
            "participation_workspace:document_setup",
            args=(procurement.slug, process.slug, module.pk),
        )
    )
    assert setup.status_code == 200
    assert b"Urgent cases seen the same day" in setup.content
    assert f"Draft tender: {procurement.title}".encode() in setup.content
    client.logout()
    public = client.get(f"/p/{procurement.slug}/{process.slug}/m/{module.pk}/")
    assert public.status_code == 200 and b"Urgent cases seen the same day" in public.content

    # The next time only what changed is asked for, and it lands in the same module.
    client.force_login(officer)
    again = client.get(f"{base}review/").content.decode()
    assert 'name="change_note"' in again and 'name="process"' not in again
    services.requirement_add(actor=officer, tender=tender, kind="outcome", title="Also this")
    client.post(f"{base}review/", {"change_note": "One more requirement."})
    versions = list(DocumentVersion.objects.filter(module=module).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert "Also this" in versions[1].body
    unchanged = client.post(f"{base}review/", {"change_note": "Nothing"})
    assert (
        unchanged.status_code == 400 and b"The text is the same as version 2." in unchanged.content
    )


def test_a_new_process_is_created_for_the_review(client, officer, base, procurement, full):
    client.force_login(officer)
    missing = client.post(f"{base}review/", {"process": "new", "process_title": "Comment"})
    assert missing.status_code == 400 and b"Say until when people can comment." in missing.content
    response = client.post(
        f"{base}review/",
        {
            "process": "new",
            "process_title": "Comment on the tender",
            "closes_at": "2031-01-31T18:00",
        },
    )
    assert response.status_code == 302
    process = Process.objects.get(procurement=procurement)
    assert process.title == "Comment on the tender" and process.is_published
    assert DocumentVersion.objects.filter(module__process=process).count() == 1

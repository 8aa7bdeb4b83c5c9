"""Who may read bids and scores, role by role and moment by moment, through real HTTP.

The matrix: every role of ``accounts.roles.Role``, no role, a superuser, the
seats of the panel (community members undeclared, clear or conflicted; staff
with a conflicted, undeclared or clear seat), each before and after the
opening, reading a bid's staff page, its document there, and its document
from the panel seat. Before the opening everyone is refused, the
organisation's admin, its officers and superusers included. Then the rules
on scores (independent until submitted), on moderation (not before every
clear member submitted) and two refusals for every permission: the wrong
role and the wrong stage (or moment).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participai.accounts.roles import Role
from participai.procurements.models import Procurement
from participai.tendering.models import (
    Award,
    Bid,
    BidDocument,
    BidStatus,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    Score,
)
from participai.tendering.services import evaluation as services

PDF = b"%PDF-1.4\n% sealed offer\n" + b"s" * 32
SEALED, OPEN = "sealed", "open"

# viewer -> (staff bid page, staff bid document, document from the panel seat),
# before the opening and after it.
EXPECTED: dict[str, dict[str, tuple[int, int, int]]] = {
    # The procurement team and the auditors follow the evaluation.
    Role.ORG_ADMIN: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    Role.PROCUREMENT_OFFICER: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    Role.PROJECT_LEAD: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    Role.DATA_EXPERT: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    Role.LEGAL_OFFICER: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    Role.AUDITOR: {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    # Other members of the body do not read bids; evaluators read them from a seat.
    Role.MODERATOR: {SEALED: (403, 403, 404), OPEN: (403, 403, 404)},
    Role.FACILITATOR: {SEALED: (403, 403, 404), OPEN: (403, 403, 404)},
    Role.EVALUATOR: {SEALED: (403, 403, 404), OPEN: (403, 403, 404)},
    # Outside the organisation, staff pages do not exist.
    "no_role": {SEALED: (404, 404, 404), OPEN: (404, 404, 404)},
    "superuser": {SEALED: (404, 404, 404), OPEN: (404, 404, 404)},
    "superuser_org_admin": {SEALED: (403, 403, 404), OPEN: (200, 200, 404)},
    # Community members read bids from their seat only, once declared clear.
    "community_undeclared": {SEALED: (404, 404, 403), OPEN: (404, 404, 403)},
    "community_clear": {SEALED: (404, 404, 403), OPEN: (404, 404, 200)},
    "community_conflicted": {SEALED: (404, 404, 403), OPEN: (404, 404, 403)},
    # A seat decides for whoever holds one, over every role.
    "staff_seat_conflicted_org_admin": {SEALED: (403, 403, 403), OPEN: (403, 403, 403)},
    "staff_seat_undeclared_officer": {SEALED: (403, 403, 403), OPEN: (403, 403, 403)},
    "staff_seat_clear_evaluator": {SEALED: (403, 403, 403), OPEN: (200, 200, 200)},
}

CASES = [(viewer, moment) for viewer in EXPECTED for moment in (SEALED, OPEN)]


def test_the_matrix_covers_every_role():
    assert set(Role) <= set(EXPECTED)


def make_viewer(name, ev, org, make_member, make_user, make_seat):
    if name in Role.values:
        return make_member(org, name)
    if name == "no_role":
        return make_user()
    if name.startswith("superuser"):
        user = make_user()
        user.is_superuser = user.is_staff = True
        user.save()
        if name == "superuser_org_admin":
            from participai.accounts import services as account_services

            account_services.membership_grant(
                actor=None, organisation=org, user=user, role=Role.ORG_ADMIN
            )
        return user
    seat = {
        "community_undeclared": (None, PanelMemberKind.COMMUNITY, {"declared": False}),
        "community_clear": (None, PanelMemberKind.COMMUNITY, {}),
        "community_conflicted": (None, PanelMemberKind.COMMUNITY, {"conflict": True}),
        "staff_seat_conflicted_org_admin": (
            Role.ORG_ADMIN,
            PanelMemberKind.STAFF,
            {"conflict": True},
        ),
        "staff_seat_undeclared_officer": (
            Role.PROCUREMENT_OFFICER,
            PanelMemberKind.STAFF,
            {"declared": False},
        ),
        "staff_seat_clear_evaluator": (Role.EVALUATOR, PanelMemberKind.STAFF, {}),
    }[name]
    role, kind, flags = seat
    user = make_member(org, role) if role else make_user()
    make_seat(ev.tender, user, kind, **flags)
    return user


@pytest.mark.parametrize(("viewer", "moment"), CASES)
def test_who_reads_a_bid_and_its_document(
    client, org, make_member, make_user, make_seat, make_evaluation, viewer, moment
):
    ev = make_evaluation(opened=moment == OPEN)
    document = BidDocument.objects.create(
        bid=ev.acme, title="Offer", original_filename="offer.pdf", extension=".pdf",
        content_type="application/pdf", size=len(PDF), sha256="c" * 64,
    )  # fmt: skip
    document.file.save("upload", SimpleUploadedFile("x", PDF))
    client.force_login(make_viewer(viewer, ev, org, make_member, make_user, make_seat))
    staff = f"/workspace/procurements/{ev.procurement.slug}/tender/evaluation/bids/{ev.acme.pk}/"
    panel = f"/workspace/panel/{ev.procurement.slug}/bids/{ev.acme.pk}/documents/{document.pk}/"
    page = client.get(staff)
    download = client.get(f"{staff}documents/{document.pk}/")
    from_seat = client.get(panel)
    assert (page.status_code, download.status_code, from_seat.status_code) == EXPECTED[viewer][
        moment
    ]
    for response in (page, download, from_seat):
        if response.status_code != 200:
            assert b"Acme Analytics" not in response.content
            assert PDF not in response.content
        if moment == SEALED and response.status_code == 403:
            assert b"Bids are sealed until" in response.content
    if moment == OPEN and page.status_code == 200:
        assert b"100,000.00 EUR" in page.content
        assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize("viewer", list(EXPECTED))
def test_before_the_opening_no_page_shows_a_bid(
    client, org, make_member, make_user, make_seat, make_evaluation, viewer
):
    ev = make_evaluation(opened=False)
    client.force_login(make_viewer(viewer, ev, org, make_member, make_user, make_seat))
    slug = ev.procurement.slug
    base = f"/workspace/procurements/{slug}/tender/evaluation/"
    for url in (base, f"{base}moderation/", f"{base}results/", f"/workspace/panel/{slug}/"):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert b"Acme Analytics" not in response.content, url
        assert b"Borealis" not in response.content, url
        assert b"100,000" not in response.content, url


def test_a_conflict_overrides_the_organisation_admins_role(
    client, org, make_member, make_seat, make_evaluation
):
    ev = make_evaluation()
    admin = make_member(org, Role.ORG_ADMIN)
    make_seat(ev.tender, admin, PanelMemberKind.STAFF, conflict=True)
    client.force_login(admin)
    base = f"/workspace/procurements/{ev.procurement.slug}/tender/evaluation/"
    for url in (f"{base}bids/{ev.acme.pk}/", f"{base}moderation/", f"{base}results/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"You declared a conflict of interest" in response.content
    overview = client.get(base).content.decode()
    assert "Acme Analytics" not in overview
    assert "You declared a conflict of interest" in overview


# --- Scores stay independent until submitted ---------------------------------------------


@pytest.fixture
def scored(make_evaluation, make_seat, make_user, make_member, org, fill_scores):
    """Alice (community) submitted; Bob (community) and Lena (project lead, staff
    seat) scored without submitting; Carl declared a conflict after scoring."""
    ev = make_evaluation()
    both = {ev.acme: (3, 3, 3), ev.borealis: (4, 4, 4)}
    ev.alice = fill_scores(make_seat(ev.tender, make_user("alice-secret")), both)
    ev.bob = fill_scores(make_seat(ev.tender, make_user("bob-secret")), both, submit=False)
    lead = make_member(org, Role.PROJECT_LEAD, username="lena-secret")
    ev.lena = fill_scores(make_seat(ev.tender, lead, PanelMemberKind.STAFF), both, submit=False)
    carl = fill_scores(make_seat(ev.tender, make_user("carl-secret")), both)
    carl.has_conflict, carl.submitted_at, carl.declared_at = True, None, carl.created_at
    carl.conflict_statement = "Carl consults for Acme."
    carl.save()
    ev.carl = carl
    ev.seat_url = f"/workspace/panel/{ev.procurement.slug}/"
    ev.moderation_url = (
        f"/workspace/procurements/{ev.procurement.slug}/tender/evaluation/moderation/"
    )
    return ev


def test_a_member_sees_no_one_elses_scores_before_submitting(client, scored):
    client.force_login(scored.bob.user)
    html = client.get(scored.seat_url).content.decode()
    assert "bob-secret on Outcomes for residents" in html  # their own
    assert "alice-secret on" not in html
    assert "lena-secret on" not in html and "carl-secret on" not in html


def test_after_submitting_a_member_sees_the_submitted_scores_only(client, scored):
    services.scores_submit(actor=scored.bob.user, seat=scored.bob)
    client.force_login(scored.bob.user)
    html = client.get(scored.seat_url).content.decode()
    assert "alice-secret on Outcomes for residents" in html
    assert "lena-secret on" not in html  # not submitted yet
    assert "carl-secret on" not in html  # conflicted: left out for good


def test_a_staff_member_with_a_seat_waits_like_everyone_else(client, scored):
    client.force_login(scored.lena.user)
    html = client.get(scored.moderation_url).content.decode()
    assert "lena-secret on Outcomes for residents" in html
    assert "alice-secret on" not in html
    services.scores_submit(actor=scored.lena.user, seat=scored.lena)
    html = client.get(scored.moderation_url).content.decode()
    assert "alice-secret on Outcomes for residents" in html
    assert "bob-secret on" not in html


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.AUDITOR])
def test_the_team_sees_submitted_scores_only(client, scored, make_member, org, role):
    client.force_login(make_member(org, role))
    html = client.get(scored.moderation_url).content.decode()
    assert "alice-secret on Outcomes for residents" in html
    assert "bob-secret on" not in html and "lena-secret on" not in html
    assert "carl-secret on" not in html
    services.scores_submit(actor=scored.bob.user, seat=scored.bob)
    html = client.get(scored.moderation_url).content.decode()
    assert "bob-secret on Outcomes for residents" in html


def test_a_conflicted_member_sees_no_scores(client, scored):
    client.force_login(scored.carl.user)
    html = client.get(scored.seat_url).content.decode()
    assert "secret on" not in html


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR, Role.EVALUATOR])
def test_members_who_do_not_follow_the_evaluation_see_no_scores(
    client, scored, make_member, org, role
):
    client.force_login(make_member(org, role))
    response = client.get(scored.moderation_url)
    assert response.status_code == 403
    assert b"secret on" not in response.content


# --- Moderation waits for the panel ------------------------------------------------------


def test_moderation_is_refused_until_every_clear_member_submitted(client, officer, scored):
    client.force_login(officer)
    prefix = f"cell-{scored.acme.pk}-{scored.judged[0].pk}"
    data = {"cell": prefix, f"{prefix}-score": "3", f"{prefix}-reason": ""}
    assert client.post(scored.moderation_url, data).status_code == 400
    services.scores_submit(actor=scored.bob.user, seat=scored.bob)
    assert client.post(scored.moderation_url, data).status_code == 400
    assert not ModeratedScore.objects.exists()
    services.scores_submit(actor=scored.lena.user, seat=scored.lena)
    # Carl's conflict is not waited for.
    assert client.post(scored.moderation_url, data).status_code == 302
    assert ModeratedScore.objects.get().score == Decimal(3)


# --- Two refusals for every permission ---------------------------------------------------


def move_to(procurement: Procurement, stage: str) -> None:
    Procurement.objects.filter(pk=procurement.pk).update(stage=stage)


def submit_all(ev, make_seat, make_user, fill_scores) -> None:
    fill_scores(make_seat(ev.tender, make_user()), {ev.acme: (3, 3, 3), ev.borealis: (4, 4, 4)})


def agree_all(ev, officer) -> None:
    for bid in (ev.acme, ev.borealis):
        for criterion in ev.judged:
            ModeratedScore.objects.create(
                bid=bid, criterion=criterion, score=Decimal(3), recorded_by=officer
            )


def evaluation_url(ev, rest: str = "") -> str:
    return f"/workspace/procurements/{ev.procurement.slug}/tender/evaluation/{rest}"


BID = {
    "supplier_name": "Cobalt",
    "price": "90000",
    "currency": "EUR",
    "received_at": "2020-01-01T10:00",
}


@pytest.mark.parametrize(
    ("wrong_role", "wrong_stage"),
    [(Role.PROJECT_LEAD, None), (None, "solicitation_preparation")],
)
def test_recording_a_bid_refused(
    client, officer, make_member, org, make_evaluation, wrong_role, wrong_stage
):
    ev = make_evaluation(opened=False)
    if wrong_stage:
        move_to(ev.procurement, wrong_stage)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    assert client.get(evaluation_url(ev, "bids/add/")).status_code == 403
    assert client.post(evaluation_url(ev, "bids/add/"), BID).status_code == 403
    assert Bid.objects.count() == 2


@pytest.mark.parametrize(
    ("wrong_role", "wrong_stage"), [(Role.DATA_EXPERT, None), (None, "solution_evaluation")]
)
def test_seating_the_panel_refused(
    client, officer, make_member, org, make_evaluation, resident, wrong_role, wrong_stage
):
    ev = make_evaluation(opened=False)
    if wrong_stage:
        move_to(ev.procurement, wrong_stage)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    data = {"person": resident.username, "kind": "community_member"}
    assert client.post(evaluation_url(ev, "panel/add/"), data).status_code == 403
    assert not PanelMember.objects.exists()


@pytest.mark.parametrize(
    ("wrong_role", "wrong_stage"), [(Role.LEGAL_OFFICER, None), (None, "solution_evaluation")]
)
def test_moderating_refused(
    client, officer, make_member, org, make_evaluation, make_seat, make_user, fill_scores,
    wrong_role, wrong_stage,
):  # fmt: skip
    ev = make_evaluation()
    submit_all(ev, make_seat, make_user, fill_scores)
    if wrong_stage:
        move_to(ev.procurement, wrong_stage)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    # They may read the table (they follow the evaluation) but not record in it.
    assert client.get(evaluation_url(ev, "moderation/")).status_code == 200
    prefix = f"cell-{ev.acme.pk}-{ev.judged[0].pk}"
    data = {"cell": prefix, f"{prefix}-score": "3"}
    assert client.post(evaluation_url(ev, "moderation/"), data).status_code == 403
    assert not ModeratedScore.objects.exists()


@pytest.mark.parametrize(
    ("wrong_role", "wrong_stage"),
    [(Role.PROJECT_LEAD, None), (None, "solicitation_preparation")],
)
def test_awarding_refused(
    client, officer, make_member, org, make_evaluation, make_seat, make_user, fill_scores,
    wrong_role, wrong_stage,
):  # fmt: skip
    ev = make_evaluation()
    submit_all(ev, make_seat, make_user, fill_scores)
    agree_all(ev, officer)
    if wrong_stage:
        move_to(ev.procurement, wrong_stage)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    data = {"bid": ev.acme.pk, "rationale": "A rationale long enough to pass.", "decided_on": ""}
    assert client.get(evaluation_url(ev, "award/")).status_code == 403
    assert client.post(evaluation_url(ev, "award/"), data).status_code == 403
    assert not Award.objects.exists()


@pytest.mark.parametrize(("wrong_role", "sealed"), [(Role.FACILITATOR, False), (None, True)])
def test_following_the_evaluation_refused(
    client, officer, make_member, org, make_evaluation, wrong_role, sealed
):
    ev = make_evaluation(opened=not sealed)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    for page in ("moderation/", "results/"):
        assert client.get(evaluation_url(ev, page)).status_code == 403


@pytest.mark.parametrize(("wrong_role", "sealed"), [(Role.PROJECT_LEAD, False), (None, True)])
def test_excluding_a_bid_refused(
    client, officer, make_member, org, make_evaluation, wrong_role, sealed
):
    ev = make_evaluation(opened=not sealed)
    client.force_login(make_member(org, wrong_role) if wrong_role else officer)
    url = evaluation_url(ev, f"bids/{ev.acme.pk}/exclude/")
    assert client.post(url, {"reason": "Missing insurance."}).status_code == 403
    ev.acme.refresh_from_db()
    assert ev.acme.status == BidStatus.VALID


def test_publishing_scores_refused_to_the_wrong_role_and_before_the_award(
    client, officer, make_member, org, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    url = evaluation_url(ev, "results/publish-scores/")
    client.force_login(officer)
    response = client.post(url, {"publish": "1"}, follow=True)
    assert b"once the award is recorded" in response.content
    submit_all(ev, make_seat, make_user, fill_scores)
    agree_all(ev, officer)
    services.award_record(
        actor=officer, tender=ev.tender, bid=ev.acme, rationale="A rationale long enough to pass."
    )
    client.force_login(make_member(org, Role.PROJECT_LEAD))
    assert client.post(url, {"publish": "1"}).status_code == 403
    ev.tender.refresh_from_db()
    assert not ev.tender.publish_individual_scores


def test_scoring_refused_without_a_seat_and_before_the_opening(
    client, officer, make_evaluation, make_seat, resident
):
    ev = make_evaluation(opened=False)
    criterion = ev.judged[0]
    data = {
        f"bid{ev.acme.pk}-score_{criterion.pk}": "4",
        f"bid{ev.acme.pk}-justification_{criterion.pk}": "Good.",
    }
    url = f"/workspace/panel/{ev.procurement.slug}/bids/{ev.acme.pk}/score/"
    # An officer holds no seat: the panel's pages do not exist for them.
    client.force_login(officer)
    assert client.post(url, data).status_code == 404
    # A seated member before the opening.
    make_seat(ev.tender, resident)
    client.force_login(resident)
    assert client.post(url, data).status_code == 403
    assert not Score.objects.exists()

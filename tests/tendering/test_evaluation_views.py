"""The staff pages of the vendor evaluation, through real HTTP requests: bids
sealed then listed, recording and excluding bids, seating the panel,
moderation, results, the award, publishing scores; bad input re-rendered; a
constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.tendering.models import (
    Award,
    Bid,
    BidDocument,
    BidStatus,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    TenderStatus,
)
from participai.tendering.services import evaluation as services

PDF = b"%PDF-1.4\n% the offer\n" + b"y" * 64


def base(ev) -> str:
    return f"/workspace/procurements/{ev.procurement.slug}/tender/evaluation/"


def bid_form(**overrides) -> dict:
    data = {
        "supplier_name": "Cobalt Civic Tech",
        "supplier_identifier": "B-998877",
        "price": "87500.00",
        "currency": "EUR",
        "summary": "Triage with a human in the loop.",
        "received_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    data.update(overrides)
    return data


def submitted_panel(ev, make_seat, make_user, fill_scores) -> list[PanelMember]:
    return [
        fill_scores(
            make_seat(ev.tender, make_user(name), kind),
            {ev.acme: (first, 3, 3), ev.borealis: (4, 4, 3)},
        )
        for name, kind, first in (
            ("sam", PanelMemberKind.STAFF, 3),
            ("ana", PanelMemberKind.COMMUNITY, 4),
        )
    ]


def agree_all(officer, ev, acme=(4, 3, 3), borealis=(4, 4, 3)) -> None:
    for bid, values in ((ev.acme, acme), (ev.borealis, borealis)):
        for criterion, value in zip(ev.judged, values, strict=True):
            ModeratedScore.objects.create(
                bid=bid, criterion=criterion, score=Decimal(value), recorded_by=officer
            )


# --- The overview ------------------------------------------------------------------------


def test_sealed_bids_show_their_number_and_opening_never_their_content(
    client, officer, make_evaluation
):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    response = client.get(base(ev))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bids are sealed until" in html
    assert "2 valid bids received." in html
    assert "Acme Analytics" not in html and "100,000" not in html and "100000" not in html
    assert f"Bid number {ev.acme.pk}" in html
    assert f"{base(ev)}bids/{ev.acme.pk}/withdraw/" in html
    assert f'{base(ev)}bids/{ev.acme.pk}/"' not in html


def test_opened_bids_are_listed_with_links(client, officer, make_evaluation):
    ev = make_evaluation()
    client.force_login(officer)
    html = client.get(base(ev)).content.decode()
    assert "Bids are sealed" not in html
    assert "Acme Analytics" in html and "100,000.00 EUR" in html
    assert f'href="{base(ev)}bids/{ev.borealis.pk}/"' in html
    assert f"{base(ev)}moderation/" in html and f"{base(ev)}results/" in html


def test_the_overview_lists_the_panel_and_its_progress(
    client, officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    fill_scores(
        make_seat(ev.tender, make_user("sam"), PanelMemberKind.STAFF),
        {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)},
    )
    make_seat(ev.tender, make_user("ana"), declared=False)
    make_seat(ev.tender, make_user("cora"), conflict=True)
    client.force_login(officer)
    html = client.get(base(ev)).content.decode()
    assert "Not declared yet" in html
    assert "Conflict declared: out of the evaluation" in html
    assert "1 of 1 members clear of conflicts have submitted their scores." in html
    assert "1 member has not declared their interests yet" in html
    # The undeclared seat scored nothing and can be removed; Sam's cannot.
    assert html.count("/remove/") == 2


def test_a_member_without_the_right_role_sees_why_no_bid_is_listed(
    client, make_member, org, make_evaluation
):
    ev = make_evaluation()
    client.force_login(make_member(org, Role.FACILITATOR))
    html = client.get(base(ev)).content.decode()
    assert "Only the procurement team and the panel read the bids." in html
    assert "Acme Analytics" not in html
    assert "Record a bid" not in html


def test_the_overview_before_a_tender_says_so(client, officer, make_procurement):
    procurement = make_procurement()
    client.force_login(officer)
    response = client.get(f"/workspace/procurements/{procurement.slug}/tender/evaluation/")
    assert response.status_code == 200
    assert b"This procurement has no tender yet" in response.content
    add = f"/workspace/procurements/{procurement.slug}/tender/evaluation/bids/add/"
    assert client.get(add).status_code in (403, 404)


def test_the_overview_runs_the_same_queries_for_more_bids_and_members(
    client, officer, make_evaluation, make_seat, make_user, make_bid, fill_scores
):
    ev = make_evaluation()
    client.force_login(officer)

    def count() -> int:
        client.get(base(ev))  # warm the session and roles
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base(ev)).status_code == 200
        return len(queries)

    fill_scores(make_seat(ev.tender, make_user()), {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)})
    few = count()
    for n in range(4):
        bid = make_bid(ev.tender, f"Supplier {n}", "90000")
        BidDocument.objects.create(
            bid=bid, title="Offer", file="x.pdf", original_filename="x.pdf", extension=".pdf",
            content_type="application/pdf", size=3, sha256="0" * 64,
        )  # fmt: skip
    for _n in range(4):
        make_seat(ev.tender, make_user(), PanelMemberKind.COMMUNITY)
    assert count() == few


# --- Recording bids ----------------------------------------------------------------------


def test_a_bid_is_recorded_with_its_documents(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    assert client.get(f"{base(ev)}bids/add/").status_code == 200
    data = bid_form(
        documents=[
            SimpleUploadedFile("technical.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile(
                "prices.csv", b"item,price\nlicence,87500\n", content_type="text/csv"
            ),
        ]
    )
    response = client.post(f"{base(ev)}bids/add/", data)
    assert response.status_code == 302
    assert response["Location"] == base(ev)
    bid = Bid.objects.get(supplier_name="Cobalt Civic Tech")
    assert bid.price == Decimal("87500.00") and bid.recorded_by == officer
    assert sorted(bid.documents.values_list("original_filename", flat=True)) == [
        "prices.csv",
        "technical.pdf",
    ]
    page = client.get(base(ev)).content.decode()
    assert f"Bid number {bid.pk} recorded. It stays sealed until the opening." in page
    assert "Cobalt" not in page.replace(f"Bid number {bid.pk} recorded", "")


def test_a_late_bid_is_refused_with_a_clear_message(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    late = timezone.localtime(ev.tender.submission_deadline + datetime.timedelta(hours=1))
    client.force_login(officer)
    response = client.post(
        f"{base(ev)}bids/add/", bid_form(received_at=late.strftime("%Y-%m-%dT%H:%M"))
    )
    assert response.status_code == 400
    assert b"received after the deadline" in response.content
    assert Bid.objects.count() == 2


def test_a_bad_document_records_no_bid_at_all(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    fake = SimpleUploadedFile(
        "offer.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(f"{base(ev)}bids/add/", bid_form(documents=[fake]))
    assert response.status_code == 400
    assert b"its content is not of that type" in response.content
    assert Bid.objects.count() == 2
    assert not BidDocument.objects.exists()


def test_bad_bid_input_is_shown_on_the_form(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    response = client.post(f"{base(ev)}bids/add/", bid_form(supplier_name="", price="-5"))
    assert response.status_code == 400
    assert b"usa-form-group--error" in response.content
    assert Bid.objects.count() == 2


# --- A bid and its documents -------------------------------------------------------------


def test_an_opened_bid_is_shown_with_its_documents(client, officer, make_evaluation):
    ev = make_evaluation()
    document = BidDocument.objects.create(
        bid=ev.acme, title="Technical offer", original_filename="technical.pdf",
        extension=".pdf", content_type="application/pdf", size=len(PDF), sha256="a" * 64,
    )  # fmt: skip
    document.file.save("upload", SimpleUploadedFile("x", PDF))
    client.force_login(officer)
    response = client.get(f"{base(ev)}bids/{ev.acme.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Analytics" in html and "100,000.00 EUR" in html
    url = f"{base(ev)}bids/{ev.acme.pk}/documents/{document.pk}/"
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="technical.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    # A document of another bid is not reached through this one.
    assert (
        client.get(f"{base(ev)}bids/{ev.borealis.pk}/documents/{document.pk}/").status_code == 404
    )


def test_a_sealed_bid_is_refused_saying_until_when(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    response = client.get(f"{base(ev)}bids/{ev.acme.pk}/")
    assert response.status_code == 403
    assert b"Bids are sealed until" in response.content
    assert b"Acme" not in response.content
    assert client.get(f"{base(ev)}bids/999999/").status_code == 404


def test_excluding_a_bid(client, officer, make_evaluation):
    ev = make_evaluation()
    client.force_login(officer)
    url = f"{base(ev)}bids/{ev.acme.pk}/exclude/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "The insurance certificate is missing."})
    assert response.status_code == 302
    ev.acme.refresh_from_db()
    assert ev.acme.status == BidStatus.EXCLUDED
    html = client.get(f"{base(ev)}bids/{ev.acme.pk}/").content.decode()
    assert "The insurance certificate is missing." in html
    assert "Exclude this bid" not in html


def test_a_sealed_bid_is_withdrawn_by_its_number(client, officer, make_evaluation):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    url = f"{base(ev)}bids/{ev.acme.pk}/withdraw/"
    page = client.get(url)
    assert page.status_code == 200
    assert f"withdrawal of bid number {ev.acme.pk}".encode() in page.content
    assert b"Acme" not in page.content
    response = client.post(url, {"reason": "Letter of withdrawal received on time."})
    assert response.status_code == 302
    ev.acme.refresh_from_db()
    assert ev.acme.status == BidStatus.WITHDRAWN
    assert "1 valid bid received." in client.get(base(ev)).content.decode()
    # Excluding needs the opening.
    assert client.get(f"{base(ev)}bids/{ev.borealis.pk}/exclude/").status_code == 403


# --- The panel ---------------------------------------------------------------------------


def test_a_resident_is_seated_by_username_and_a_staff_seat_needs_a_member(
    client, officer, make_evaluation, resident
):
    ev = make_evaluation(opened=False)
    client.force_login(officer)
    url = f"{base(ev)}panel/add/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"person": "resident", "kind": "staff"})
    assert refused.status_code == 400
    assert b"A staff seat is for a member of Northbridge Test Council" in refused.content
    unknown = client.post(url, {"person": "nobody-at-all", "kind": "community_member"})
    assert unknown.status_code == 400
    assert b"No active account has this username or email." in unknown.content
    response = client.post(url, {"person": resident.email.upper(), "kind": "community_member"})
    assert response.status_code == 302
    seat = PanelMember.objects.get()
    assert (seat.user, seat.kind) == (resident, "community_member")
    # Removed while they have scored nothing.
    assert client.post(f"{base(ev)}panel/{seat.pk}/remove/").status_code == 302
    assert not PanelMember.objects.exists()


def test_a_seat_with_scores_is_not_removed(
    client, officer, make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    seat = fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 3, 3)}, submit=False)
    client.force_login(officer)
    response = client.post(f"{base(ev)}panel/{seat.pk}/remove/", follow=True)
    assert b"a seat with scores stays on the record" in response.content
    assert PanelMember.objects.filter(pk=seat.pk).exists()


# --- Moderation --------------------------------------------------------------------------


def cell(ev, bid, criterion, score, reason="") -> dict:
    prefix = f"cell-{bid.pk}-{criterion.pk}"
    return {"cell": prefix, f"{prefix}-score": score, f"{prefix}-reason": reason}


def test_moderation_shows_what_it_waits_for_and_refuses_until_then(
    client, officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    submitted_panel(ev, make_seat, make_user, fill_scores)
    make_seat(ev.tender, make_user("late"))
    client.force_login(officer)
    page = client.get(f"{base(ev)}moderation/")
    assert page.status_code == 200
    assert b"Moderation has not started" in page.content
    assert b"1 member clear of conflicts has not submitted their scores yet." in page.content
    assert b"Record the agreed score" not in page.content
    response = client.post(f"{base(ev)}moderation/", cell(ev, ev.acme, ev.judged[0], "4"))
    assert response.status_code == 400
    assert b"Moderation starts once the panel has scored." in response.content
    assert not ModeratedScore.objects.exists()


def test_moderating_a_cell(client, officer, make_evaluation, make_seat, make_user, fill_scores):
    ev = make_evaluation()
    submitted_panel(ev, make_seat, make_user, fill_scores)
    client.force_login(officer)
    html = client.get(f"{base(ev)}moderation/").content.decode()
    assert "sam on Outcomes for residents" in html  # the justifications, once submitted
    assert 'name="cell" value="cell-' in html
    # 5 lies outside Sam's 3 and Ana's 4: a reason is needed, and the page says why.
    refused = client.post(f"{base(ev)}moderation/", cell(ev, ev.acme, ev.judged[0], "5"))
    assert refused.status_code == 400
    assert b"lies outside the members&#x27; own scores (3 to 4)" in refused.content
    assert not ModeratedScore.objects.exists()
    ok = client.post(f"{base(ev)}moderation/", cell(ev, ev.acme, ev.judged[0], "4"))
    assert ok.status_code == 302
    assert ok["Location"].endswith(f"#cell-{ev.acme.pk}-{ev.judged[0].pk}")
    assert ModeratedScore.objects.get().score == Decimal(4)
    # Price is not a cell of the table.
    price = ev.criteria[3]
    assert client.post(f"{base(ev)}moderation/", cell(ev, ev.acme, price, "4")).status_code == 404


def test_the_moderation_page_runs_the_same_queries_for_more_bids_and_scores(
    client, officer, make_evaluation, make_seat, make_user, make_bid, fill_scores
):
    def count(ev) -> int:
        client.get(f"{base(ev)}moderation/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{base(ev)}moderation/").status_code == 200
        return len(queries)

    client.force_login(officer)
    small = make_evaluation()
    fill_scores(
        make_seat(small.tender, make_user()), {small.acme: (3, 3, 3), small.borealis: (3, 3, 3)}
    )
    large = make_evaluation()
    for n in range(3):
        make_bid(large.tender, f"Supplier {n}", "95000")
    bids = list(large.tender.bids.all())
    for _n in range(4):
        fill_scores(make_seat(large.tender, make_user()), {bid: (3, 2, 4) for bid in bids})
    agree_all(officer, large)
    assert count(small) == count(large)


# --- Results, award, publication ---------------------------------------------------------


def test_results_before_moderation_say_what_is_missing(client, officer, make_evaluation):
    ev = make_evaluation()
    client.force_login(officer)
    html = client.get(f"{base(ev)}results/").content.decode()
    assert "Moderation is not complete: 6 agreed scores are missing." in html
    assert "Record the award" not in html


def test_results_show_the_ranking_the_sensitivity_and_the_community_part(
    client, officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    submitted_panel(ev, make_seat, make_user, fill_scores)
    agree_all(officer, ev)
    client.force_login(officer)
    response = client.get(f"{base(ev)}results/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Borealis Data") < html.index("Acme Analytics")
    assert "<strong>78.00</strong>" in html and "<strong>77.00</strong>" in html
    assert "Some moves of 5 points change the winner" in html
    assert "Yes: Acme Analytics would win" in html
    assert '<th scope="col">Winner changes?</th>' in html
    assert "The community panel's part" in html
    assert f"{base(ev)}award/" in html


def test_recording_the_award_then_the_gate(
    client, officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    submitted_panel(ev, make_seat, make_user, fill_scores)
    agree_all(officer, ev)
    client.force_login(officer)
    form = client.get(f"{base(ev)}award/")
    assert form.status_code == 200
    assert (
        f'<option value="{ev.borealis.pk}" selected>Borealis Data</option>'
        in form.content.decode()
    )
    short = client.post(
        f"{base(ev)}award/",
        {
            "bid": ev.borealis.pk,
            "rationale": "Best.",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert short.status_code == 400
    assert b"at least 20 characters" in short.content
    response = client.post(
        f"{base(ev)}award/",
        {
            "bid": ev.borealis.pk,
            "rationale": "Borealis leads on fairness and outcomes for residents.",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    ev.tender.refresh_from_db()
    assert ev.tender.status == TenderStatus.AWARDED
    assert Award.objects.get().bid == ev.borealis
    html = client.get(f"{base(ev)}results/").content.decode()
    assert "Awarded to Borealis Data" in html
    assert f"/workspace/procurements/{ev.procurement.slug}/gate/" in html
    assert "Publish each evaluator's scores" in html
    # Once awarded, the award form sends back to the results.
    assert client.get(f"{base(ev)}award/").status_code == 302


def test_publishing_each_evaluators_scores(
    client, officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    url = f"{base(ev)}results/publish-scores/"
    client.force_login(officer)
    early = client.post(url, {"publish": "1"}, follow=True)
    assert b"once the award is recorded" in early.content
    submitted_panel(ev, make_seat, make_user, fill_scores)
    agree_all(officer, ev)
    services.award_record(
        actor=officer, tender=ev.tender, bid=ev.borealis,
        rationale="Borealis leads on fairness and outcomes for residents.",
    )  # fmt: skip
    assert client.post(url, {"publish": "1"}).status_code == 302
    ev.tender.refresh_from_db()
    assert ev.tender.publish_individual_scores
    assert "Stop publishing each evaluator" in client.get(f"{base(ev)}results/").content.decode()
    client.post(url, {"publish": "0"})
    ev.tender.refresh_from_db()
    assert not ev.tender.publish_individual_scores
    assert AuditEvent.objects.filter(action="tendering.scores_publish").count() == 2


# --- Who reaches these pages -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, make_evaluation):
    ev = make_evaluation()
    for url in (
        base(ev),
        f"{base(ev)}bids/{ev.acme.pk}/",
        f"{base(ev)}moderation/",
        f"{base(ev)}results/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post(f"{base(ev)}bids/add/", bid_form()).status_code == 302
    assert Bid.objects.count() == 2


@pytest.mark.parametrize("who", ["resident", "other_body"])
def test_outsiders_get_404_everywhere(
    client, make_evaluation, resident, make_member, other_org, who
):
    ev = make_evaluation()
    user = resident if who == "resident" else make_member(other_org, Role.ORG_ADMIN)
    client.force_login(user)
    for url in (
        base(ev),
        f"{base(ev)}bids/add/",
        f"{base(ev)}bids/{ev.acme.pk}/",
        f"{base(ev)}moderation/",
        f"{base(ev)}results/",
        f"{base(ev)}award/",
        f"{base(ev)}panel/add/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base(ev)}bids/add/", bid_form()).status_code == 404
    assert Bid.objects.count() == 2

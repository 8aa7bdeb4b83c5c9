"""An evaluator's own seat, through real HTTP requests: declare, wait for the
opening, score each bid with a justification, submit, then read the others."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.tendering.models import BidDocument, PanelMember, PanelMemberKind, Score

PDF = b"%PDF-1.4\n% annex\n" + b"z" * 32


def seat_url(ev) -> str:
    return f"/workspace/panel/{ev.procurement.slug}/"


def sheet(ev, bid, values, justification="It shows a person reviews every urgent case.") -> dict:
    data = {}
    for criterion, value in zip(ev.judged, values, strict=True):
        data[f"bid{bid.pk}-score_{criterion.pk}"] = value
        data[f"bid{bid.pk}-justification_{criterion.pk}"] = justification if value != "" else ""
    return data


def test_without_a_seat_the_page_does_not_exist(client, make_evaluation, officer, resident):
    ev = make_evaluation()
    for user in (officer, resident):
        client.force_login(user)
        assert client.get(seat_url(ev)).status_code == 404
        assert client.post(f"{seat_url(ev)}declare/", {"has_conflict": "no"}).status_code == 404
    client.logout()
    assert client.get(seat_url(ev)).status_code == 302


def test_the_declaration_comes_first_and_hides_the_bids(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    make_seat(ev.tender, resident, declared=False)
    client.force_login(resident)
    response = client.get(seat_url(ev))
    assert response.status_code == 200
    html = response.content.decode()
    assert "First, declare your interests" in html
    assert "Acme Analytics" not in html
    assert 'action="/workspace/panel/' in html and "/declare/" in html


def test_a_community_member_declares_no_conflict_then_sees_the_sheets(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, declared=False)
    client.force_login(resident)
    response = client.post(f"{seat_url(ev)}declare/", {"has_conflict": "no", "statement": ""})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.declared_at is not None and not seat.has_conflict
    html = client.get(seat_url(ev)).content.decode()
    assert "Your declaration is recorded." in html
    assert "Acme Analytics" in html and "Borealis Data" in html
    # Each criterion the panel scores, with what its scores mean; price is by formula.
    assert "Outcomes for residents" in html and "Level 5" in html
    assert "Not scored by the panel, computed by formula:" in html
    assert f'name="bid{ev.acme.pk}-score_{ev.judged[0].pk}"' in html
    assert f'name="bid{ev.acme.pk}-score_{ev.criteria[3].pk}"' not in html
    assert "Submit my scores" in html


def test_a_conflict_needs_a_statement_and_ends_the_members_part(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, declared=False)
    client.force_login(resident)
    refused = client.post(f"{seat_url(ev)}declare/", {"has_conflict": "yes", "statement": ""})
    assert refused.status_code == 400
    assert b"Describe the conflict" in refused.content
    seat.refresh_from_db()
    assert seat.declared_at is None
    client.post(f"{seat_url(ev)}declare/", {"has_conflict": "yes", "statement": "I advise Acme."})
    html = client.get(seat_url(ev)).content.decode()
    assert "You declared a conflict of interest" in html
    assert "Acme Analytics" not in html
    assert (
        client.post(
            f"{seat_url(ev)}bids/{ev.acme.pk}/score/", sheet(ev, ev.acme, ("3", "3", "3"))
        ).status_code
        == 403
    )
    assert not Score.objects.exists()


def test_before_the_opening_the_member_is_told_when_bids_open(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation(opened=False)
    make_seat(ev.tender, resident)
    client.force_login(resident)
    html = client.get(seat_url(ev)).content.decode()
    assert "Bids open on" in html
    assert "Acme Analytics" not in html
    response = client.post(
        f"{seat_url(ev)}bids/{ev.acme.pk}/score/", sheet(ev, ev.acme, ("3", "3", "3"))
    )
    assert response.status_code == 403
    assert b"Bids are sealed until" in response.content


def test_the_undeclared_are_told_when_bids_open_too(client, make_evaluation, make_seat, resident):
    ev = make_evaluation(opened=False)
    make_seat(ev.tender, resident, declared=False)
    client.force_login(resident)
    assert "Bids open on" in client.get(seat_url(ev)).content.decode()


def test_scoring_a_bid_in_several_sittings(client, make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    client.force_login(resident)
    url = f"{seat_url(ev)}bids/{ev.acme.pk}/score/"
    response = client.post(url, sheet(ev, ev.acme, ("4", "", "")))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#bid-{ev.acme.pk}")
    assert list(Score.objects.values_list("criterion_id", "score")) == [
        (ev.judged[0].pk, Decimal(4))
    ]
    client.post(url, sheet(ev, ev.acme, ("3.5", "2", "5"), "Second sitting."))
    scores = dict(Score.objects.filter(member=seat).values_list("criterion_id", "score"))
    assert scores == {ev.judged[0].pk: Decimal("3.5"), ev.judged[1].pk: 2, ev.judged[2].pk: 5}
    html = client.get(seat_url(ev)).content.decode()
    assert "Second sitting." in html  # the member's own words come back in the form
    assert "You have scored 3 of 6." in html


def test_bad_scores_are_shown_on_the_sheet_and_nothing_is_saved(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    make_seat(ev.tender, resident)
    client.force_login(resident)
    url = f"{seat_url(ev)}bids/{ev.acme.pk}/score/"
    too_high = client.post(url, sheet(ev, ev.acme, ("3", "9", "3")))
    assert too_high.status_code == 400
    assert b"less than or equal to 5" in too_high.content
    data = sheet(ev, ev.acme, ("3", "3", "3"))
    data[f"bid{ev.acme.pk}-justification_{ev.judged[2].pk}"] = ""
    unjustified = client.post(url, data)
    assert unjustified.status_code == 400
    assert b"Justify the score" in unjustified.content
    empty = client.post(url, sheet(ev, ev.acme, ("", "", "")))
    assert empty.status_code == 400
    assert b"Nothing to save" in empty.content
    assert not Score.objects.exists()


def test_submitting_needs_a_confirmation_and_every_score(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    client.force_login(resident)
    client.post(f"{seat_url(ev)}bids/{ev.acme.pk}/score/", sheet(ev, ev.acme, ("3", "3", "3")))
    unconfirmed = client.post(f"{seat_url(ev)}submit/", {})
    assert unconfirmed.status_code == 400
    missing = client.post(f"{seat_url(ev)}submit/", {"confirm": "on"})
    assert missing.status_code == 400
    assert b"3 scores are missing" in missing.content
    client.post(
        f"{seat_url(ev)}bids/{ev.borealis.pk}/score/", sheet(ev, ev.borealis, ("4", "4", "4"))
    )
    response = client.post(f"{seat_url(ev)}submit/", {"confirm": "on"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.submitted_at is not None
    html = client.get(seat_url(ev)).content.decode()
    assert "You submitted your scores on" in html
    assert "Submit my scores" not in html and "/score/" not in html
    # A late attempt to change a score is refused.
    late = client.post(
        f"{seat_url(ev)}bids/{ev.acme.pk}/score/", sheet(ev, ev.acme, ("1", "1", "1"))
    )
    assert late.status_code == 400
    assert b"You have submitted your scores: they can no longer change." in late.content
    assert Score.objects.get(bid=ev.acme, criterion=ev.judged[0]).score == 3


def test_a_clear_member_learns_of_a_conflict_later(
    client, make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    seat = fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 3, 3)}, submit=False)
    client.force_login(resident)
    assert "A conflict found since your declaration?" in client.get(seat_url(ev)).content.decode()
    refused = client.post(f"{seat_url(ev)}declare/", {"statement": ""})
    assert refused.status_code == 400
    client.post(f"{seat_url(ev)}declare/", {"statement": "Borealis is my former employer."})
    seat.refresh_from_db()
    assert seat.has_conflict
    assert "You declared a conflict of interest" in client.get(seat_url(ev)).content.decode()


def test_documents_of_a_bid_are_downloaded_from_the_seat(
    client, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    make_seat(ev.tender, resident, PanelMemberKind.EXPERT)
    document = BidDocument.objects.create(
        bid=ev.acme, title="Annex B", original_filename="annex-b.pdf", extension=".pdf",
        content_type="application/pdf", size=len(PDF), sha256="b" * 64,
    )  # fmt: skip
    document.file.save("upload", SimpleUploadedFile("x", PDF))
    client.force_login(resident)
    url = f"{seat_url(ev)}bids/{ev.acme.pk}/documents/{document.pk}/"
    assert url in client.get(seat_url(ev)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        client.get(f"{seat_url(ev)}bids/{ev.borealis.pk}/documents/{document.pk}/").status_code
        == 404
    )


def test_the_seat_page_runs_the_same_queries_for_more_bids_and_members(
    client, make_evaluation, make_seat, resident, make_user, make_bid, fill_scores
):
    def count(ev, user) -> int:
        client.force_login(user)
        client.get(seat_url(ev))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(seat_url(ev)).status_code == 200
        return len(queries)

    small = make_evaluation()
    both = {small.acme: (3, 3, 3), small.borealis: (3, 3, 3)}
    fill_scores(make_seat(small.tender, resident), both)
    fill_scores(make_seat(small.tender, make_user()), both)
    large = make_evaluation()
    for n in range(3):
        make_bid(large.tender, f"Supplier {n}", "95000")
    bids = {bid: (2, 3, 4) for bid in large.tender.bids.all()}
    member = make_user("large-member")
    fill_scores(make_seat(large.tender, member), bids)
    for _n in range(4):
        fill_scores(make_seat(large.tender, make_user()), bids)
    assert count(small, resident) == count(large, member)
    assert PanelMember.objects.count() == 7

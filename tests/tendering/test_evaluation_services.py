"""The services of the vendor evaluation: every write, its refusals, its audit event,
and nothing changed on bad input."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement
from participai.procurements.selectors import gate_checklist
from participai.tendering.models import (
    Award,
    Bid,
    BidDocument,
    BidStatus,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    Score,
    Tender,
    TenderStatus,
)
from participai.tendering.services import evaluation as services

PDF = b"%PDF-1.4\n% a bid\n" + b"x" * 100


def events(action: str):
    return AuditEvent.objects.filter(action=action)


def trail_text(action: str) -> str:
    """Everything the audit trail keeps of ``action``: data and object names."""
    return json.dumps(
        [[e.object_repr, e.data] for e in events(action)], ensure_ascii=False, default=str
    )


def move_to(procurement: Procurement, stage: str) -> None:
    Procurement.objects.filter(pk=procurement.pk).update(stage=stage)
    procurement.refresh_from_db()


def sealed_tender(make_procurement, make_tender) -> Tender:
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    return make_tender(procurement, published=True)


def record(officer, tender, **overrides) -> Bid:
    values = {
        "supplier_name": "Acme Analytics",
        "supplier_identifier": "B-12345678",
        "price": Decimal("98000.50"),
        "currency": "eur",
        "summary": "A triage assistant with human review of every urgent case.",
        "received_at": timezone.now() - datetime.timedelta(hours=2),
    }
    values.update(overrides)
    return services.bid_record(actor=officer, tender=tender, **values)


# --- bid_record --------------------------------------------------------------------------


def test_a_bid_is_recorded_and_the_trail_names_it_by_number_only(
    officer, make_procurement, make_tender
):
    tender = sealed_tender(make_procurement, make_tender)
    bid = record(officer, tender)
    bid.refresh_from_db()
    assert (bid.supplier_name, bid.price, bid.currency, bid.status) == (
        "Acme Analytics",
        Decimal("98000.50"),
        "EUR",
        BidStatus.VALID,
    )
    assert bid.recorded_by == officer
    event = events("tendering.bid_record").get()
    assert event.data == {
        "procurement": tender.procurement.slug,
        "tender": tender.pk,
        "bid": bid.pk,
    }
    text = trail_text("tendering.bid_record")
    assert "Acme" not in text and "98000" not in text and "B-12345678" not in text


def test_a_bid_received_after_the_deadline_is_refused(officer, make_procurement, make_tender):
    tender = sealed_tender(make_procurement, make_tender)
    # The deadline passed three hours ago; the bid came a minute after it.
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=timezone.now() - datetime.timedelta(hours=3)
    )
    tender.refresh_from_db()
    late = tender.submission_deadline + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        record(officer, tender, received_at=late)
    assert "received after the deadline" in error.value.message_dict["received_at"][0]
    assert not Bid.objects.exists()
    assert not events("tendering.bid_record").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("supplier_name", "   "),
        ("price", Decimal("-1")),
        ("price", Decimal("10.555")),
        ("price", "a lot"),
        ("currency", "EURO"),
        ("received_at", None),
    ],
)
def test_bad_input_names_the_field_and_records_nothing(
    officer, make_procurement, make_tender, field, value
):
    tender = sealed_tender(make_procurement, make_tender)
    with pytest.raises(ValidationError) as error:
        record(officer, tender, **{field: value})
    assert field in error.value.message_dict
    assert not Bid.objects.exists()


def test_a_price_of_zero_cannot_be_scored_by_the_lowest_price_formula(
    officer, make_procurement, make_tender
):
    tender = sealed_tender(make_procurement, make_tender)
    with pytest.raises(ValidationError) as error:
        record(officer, tender, price=Decimal(0))
    assert "lowest-price formula" in error.value.message_dict["price"][0]


def test_bids_need_a_published_tender(officer, make_procurement, make_tender):
    tender = make_tender(make_procurement(stage="vendor_evaluation"))
    with pytest.raises(ValidationError, match="not published"):
        record(officer, tender)
    Tender.objects.filter(pk=tender.pk).update(
        status=TenderStatus.AWARDED, published_at=timezone.now(),
        submission_deadline=timezone.now(), opening_at=timezone.now(),
    )  # fmt: skip
    tender.refresh_from_db()
    with pytest.raises(ValidationError, match="awarded"):
        record(officer, tender)
    assert not Bid.objects.exists()


def test_recording_bids_is_for_officers_at_vendor_evaluation(
    officer, make_member, org, make_procurement, make_tender
):
    tender = sealed_tender(make_procurement, make_tender)
    with pytest.raises(PermissionDenied):
        record(make_member(org, Role.PROJECT_LEAD), tender)
    move_to(tender.procurement, "solicitation_preparation")
    with pytest.raises(PermissionDenied):
        record(officer, tender)
    assert not Bid.objects.exists()


def test_no_bid_is_recorded_once_the_panel_has_started_scoring(
    officer, make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 3, 3)}, submit=False)
    with pytest.raises(ValidationError, match="started scoring"):
        record(officer, ev.tender, received_at=ev.tender.submission_deadline)
    assert Bid.objects.count() == 2


# --- bid_document_add --------------------------------------------------------------------


def test_a_document_is_stored_under_its_hash_and_the_trail_keeps_no_name(
    officer, make_procurement, make_tender
):
    tender = sealed_tender(make_procurement, make_tender)
    bid = record(officer, tender)
    upload = io.BytesIO(PDF)
    upload.name = "Acme-offer.pdf"
    document = services.bid_document_add(actor=officer, bid=bid, upload=upload)
    assert document.title == "Acme-offer"
    assert document.original_filename == "Acme-offer.pdf"
    assert document.content_type == "application/pdf"
    assert document.file.name == f"bids/{bid.pk}/{document.sha256}.pdf"
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    assert events("tendering.bid_document_add").get().data == {
        "bid": bid.pk,
        "document": document.pk,
    }
    assert "Acme" not in trail_text("tendering.bid_document_add")


def test_a_file_that_is_not_what_its_name_says_is_refused(officer, make_procurement, make_tender):
    tender = sealed_tender(make_procurement, make_tender)
    bid = record(officer, tender)
    upload = io.BytesIO(b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationError) as error:
        services.bid_document_add(actor=officer, bid=bid, upload=upload, filename="offer.pdf")
    assert "not of that type" in error.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as error:
        services.bid_document_add(
            actor=officer, bid=bid, upload=io.BytesIO(PDF), filename="offer.exe"
        )
    assert "not accepted" in error.value.message_dict["file"][0]
    assert not BidDocument.objects.exists()


def test_documents_are_for_the_officers_who_record_bids(
    officer, make_member, org, make_procurement, make_tender
):
    tender = sealed_tender(make_procurement, make_tender)
    bid = record(officer, tender)
    with pytest.raises(PermissionDenied):
        services.bid_document_add(
            actor=make_member(org, Role.DATA_EXPERT), bid=bid, upload=io.BytesIO(PDF),
            filename="a.pdf",
        )  # fmt: skip
    assert not BidDocument.objects.exists()


# --- bid_exclude and bid_withdraw --------------------------------------------------------


def test_no_bid_is_excluded_before_the_opening(officer, make_evaluation):
    ev = make_evaluation(opened=False)
    with pytest.raises(PermissionDenied, match="sealed until"):
        services.bid_exclude(actor=officer, bid=ev.acme, reason="Late documents.")
    ev.acme.refresh_from_db()
    assert ev.acme.status == BidStatus.VALID


def test_a_bid_is_excluded_with_its_reason_after_the_opening(officer, make_evaluation):
    ev = make_evaluation()
    with pytest.raises(ValidationError) as error:
        services.bid_exclude(actor=officer, bid=ev.acme, reason="  ")
    assert "reason" in error.value.message_dict
    services.bid_exclude(actor=officer, bid=ev.acme, reason="No insurance certificate.")
    ev.acme.refresh_from_db()
    assert (ev.acme.status, ev.acme.status_reason) == (
        BidStatus.EXCLUDED,
        "No insurance certificate.",
    )
    assert events("tendering.bid_exclude").get().data["reason"] == "No insurance certificate."
    with pytest.raises(ValidationError, match="excluded"):
        services.bid_exclude(actor=officer, bid=ev.acme, reason="Again.")


def test_an_officer_who_declared_a_conflict_cannot_exclude(officer, make_evaluation, make_seat):
    ev = make_evaluation()
    make_seat(ev.tender, officer, PanelMemberKind.STAFF, conflict=True)
    with pytest.raises(PermissionDenied, match="conflict"):
        services.bid_exclude(actor=officer, bid=ev.acme, reason="Incomplete.")


def test_a_sealed_bid_can_be_withdrawn_without_its_reason_reaching_the_trail(
    officer, make_evaluation
):
    ev = make_evaluation(opened=False)
    services.bid_withdraw(actor=officer, bid=ev.acme, reason="Acme withdrew by letter.")
    ev.acme.refresh_from_db()
    assert ev.acme.status == BidStatus.WITHDRAWN
    assert events("tendering.bid_withdraw").get().data == {
        "bid": ev.acme.pk,
        "status": "withdrawn",
    }
    assert "Acme" not in trail_text("tendering.bid_withdraw")
    with pytest.raises(ValidationError):
        services.bid_withdraw(actor=officer, bid=ev.acme, reason="Twice.")


# --- The panel ---------------------------------------------------------------------------


def test_a_community_member_without_membership_takes_a_seat(
    officer, make_procurement, make_tender, resident
):
    tender = make_tender(make_procurement(stage="solicitation_preparation"))
    seat = services.panel_member_add(
        actor=officer, tender=tender, user=resident, kind=PanelMemberKind.COMMUNITY
    )
    assert (seat.user, seat.kind, seat.declared_at, seat.added_by) == (
        resident,
        PanelMemberKind.COMMUNITY,
        None,
        officer,
    )
    assert events("tendering.panel_member_add").get().data["kind"] == "community_member"


def test_a_staff_seat_needs_a_membership(officer, make_procurement, make_tender, resident):
    tender = make_tender(make_procurement(stage="solicitation_preparation"))
    with pytest.raises(ValidationError) as error:
        services.panel_member_add(
            actor=officer, tender=tender, user=resident, kind=PanelMemberKind.STAFF
        )
    assert "member of Northbridge Test Council" in error.value.message_dict["user"][0]
    assert not PanelMember.objects.exists()


def test_one_seat_per_person_and_active_accounts_only(
    officer, make_procurement, make_tender, resident, make_user
):
    tender = make_tender(make_procurement(stage="solicitation_preparation"))
    services.panel_member_add(actor=officer, tender=tender, user=resident, kind="community_member")
    with pytest.raises(ValidationError) as error:
        services.panel_member_add(
            actor=officer, tender=tender, user=resident, kind="independent_expert"
        )
    assert "already has a seat" in error.value.message_dict["user"][0]
    gone = make_user("gone")
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as error:
        services.panel_member_add(actor=officer, tender=tender, user=gone, kind="community_member")
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.panel_member_add(actor=officer, tender=tender, user=make_user(), kind="judge")
    assert "kind" in error.value.message_dict
    assert PanelMember.objects.count() == 1


def test_seating_the_panel_is_for_officers_while_the_tender_is_prepared_or_evaluated(
    officer, make_member, org, make_procurement, make_tender, resident
):
    tender = make_tender(make_procurement(stage="solicitation_preparation"))
    with pytest.raises(PermissionDenied):
        services.panel_member_add(
            actor=make_member(org, Role.PROJECT_LEAD), tender=tender, user=resident,
            kind="community_member",
        )  # fmt: skip
    move_to(tender.procurement, "problem_definition")
    with pytest.raises(PermissionDenied):
        services.panel_member_add(
            actor=officer, tender=tender, user=resident, kind="community_member"
        )
    assert not PanelMember.objects.exists()


def test_a_seat_is_removed_only_before_its_member_scored(
    officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    idle = make_seat(ev.tender, make_user("idle"), declared=False)
    busy = fill_scores(make_seat(ev.tender, make_user("busy")), {ev.acme: (3, 3, 3)}, submit=False)
    services.panel_member_remove(actor=officer, seat=idle)
    assert not PanelMember.objects.filter(pk=idle.pk).exists()
    assert events("tendering.panel_member_remove").get().data["seat"] == idle.pk
    with pytest.raises(ValidationError, match="stays on the record"):
        services.panel_member_remove(actor=officer, seat=busy)
    assert PanelMember.objects.filter(pk=busy.pk).exists()


# --- Declarations ------------------------------------------------------------------------


def test_only_the_seats_own_member_declares(make_evaluation, make_seat, resident, officer):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, declared=False)
    with pytest.raises(PermissionDenied):
        services.interests_declare(actor=officer, seat=seat, has_conflict=False)
    seat.refresh_from_db()
    assert seat.declared_at is None


def test_a_declaration_of_no_conflict_is_made_once(make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, declared=False)
    services.interests_declare(actor=resident, seat=seat, has_conflict=False)
    seat.refresh_from_db()
    assert seat.declared_at is not None and not seat.has_conflict
    with pytest.raises(ValidationError, match="already declared"):
        services.interests_declare(actor=resident, seat=seat, has_conflict=False)
    assert events("tendering.interests_declare").count() == 1


def test_a_conflict_needs_a_statement_that_stays_out_of_the_trail(
    make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, declared=False)
    with pytest.raises(ValidationError) as error:
        services.interests_declare(actor=resident, seat=seat, has_conflict=True, statement=" ")
    assert "statement" in error.value.message_dict
    seat.refresh_from_db()
    assert seat.declared_at is None
    services.interests_declare(
        actor=resident, seat=seat, has_conflict=True, statement="My brother runs Acme."
    )
    seat.refresh_from_db()
    assert seat.has_conflict and seat.conflict_statement == "My brother runs Acme."
    assert "brother" not in trail_text("tendering.interests_declare")
    with pytest.raises(ValidationError, match="already declared a conflict"):
        services.interests_declare(actor=resident, seat=seat, has_conflict=True, statement="x")


def test_a_conflict_found_later_withdraws_the_submission_for_good(
    make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    seat = fill_scores(
        make_seat(ev.tender, resident), {ev.acme: (3, 3, 3), ev.borealis: (4, 4, 4)}
    )
    services.interests_declare(
        actor=resident, seat=seat, has_conflict=True, statement="I now see my employer bid."
    )
    seat.refresh_from_db()
    assert seat.has_conflict and seat.submitted_at is None
    assert events("tendering.interests_declare").get().data["submission_withdrawn"] is True
    with pytest.raises(PermissionDenied, match="conflict"):
        services.score_save(
            actor=resident, seat=seat, bid=ev.acme, criterion=ev.judged[0], score=5,
            justification="Changed my mind.",
        )  # fmt: skip


# --- score_save --------------------------------------------------------------------------


def save(seat, bid, criterion, score="4", justification="Clear evidence of human review."):
    return services.score_save(
        actor=seat.user, seat=seat, bid=bid, criterion=criterion, score=score,
        justification=justification,
    )  # fmt: skip


def test_a_member_saves_and_replaces_their_score(make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    save(seat, ev.acme, ev.judged[0], "3.5")
    save(seat, ev.acme, ev.judged[0], "4", "Better on a second reading.")
    score = Score.objects.get()
    assert (score.score, score.justification) == (Decimal("4.00"), "Better on a second reading.")
    event = events("tendering.score_save").last()
    assert event.data == {
        "seat": seat.pk,
        "bid": ev.acme.pk,
        "criterion": ev.judged[0].pk,
        "new": False,
    }
    # Other members may read the trail before they submit: no score, no words.
    assert "second reading" not in trail_text("tendering.score_save")


def test_no_one_scores_in_someone_elses_seat(make_evaluation, make_seat, resident, officer):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    with pytest.raises(PermissionDenied):
        services.score_save(
            actor=officer, seat=seat, bid=ev.acme, criterion=ev.judged[0], score=4,
            justification="Not mine to give.",
        )  # fmt: skip
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("declared", "conflict", "opened", "message"),
    [
        (True, False, False, "sealed until"),
        (False, False, True, "Declare your interests"),
        (True, True, True, "conflict"),
    ],
)
def test_scoring_waits_for_the_opening_and_a_clear_declaration(
    make_evaluation, make_seat, resident, declared, conflict, opened, message
):
    ev = make_evaluation(opened=opened)
    seat = make_seat(ev.tender, resident, declared=declared, conflict=conflict)
    with pytest.raises(PermissionDenied, match=message):
        save(seat, ev.acme, ev.judged[0])
    assert not Score.objects.exists()


@pytest.mark.parametrize("value", ["5.01", "-1", "2.555", "six", None])
def test_a_score_must_lie_on_the_criterions_scale(make_evaluation, make_seat, resident, value):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    with pytest.raises(ValidationError) as error:
        save(seat, ev.acme, ev.judged[0], value)
    assert "from 0 to 5" in error.value.message_dict["score"][0]
    assert not Score.objects.exists()


def test_the_top_and_bottom_of_the_scale_are_scores(make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    save(seat, ev.acme, ev.judged[0], "0")
    save(seat, ev.acme, ev.judged[1], "5")
    assert sorted(Score.objects.values_list("score", flat=True)) == [Decimal(0), Decimal(5)]


def test_a_score_needs_a_justification(make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    with pytest.raises(ValidationError) as error:
        save(seat, ev.acme, ev.judged[0], "4", "  ")
    assert "justification" in error.value.message_dict
    assert not Score.objects.exists()


def test_price_is_computed_not_scored(make_evaluation, make_seat, resident):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident)
    price = ev.criteria[3]
    with pytest.raises(ValidationError) as error:
        save(seat, ev.acme, price)
    assert "computed by formula" in error.value.message_dict["criterion"][0]


def test_excluded_bids_and_other_tenders_bids_are_not_scored(
    officer, make_evaluation, make_seat, resident
):
    ev = make_evaluation()
    other = make_evaluation()
    seat = make_seat(ev.tender, resident)
    services.bid_exclude(actor=officer, bid=ev.borealis, reason="No insurance.")
    with pytest.raises(ValidationError) as error:
        save(seat, ev.borealis, ev.judged[0])
    assert "excluded" in error.value.message_dict["bid"][0]
    with pytest.raises(ValidationError) as error:
        save(seat, other.acme, ev.judged[0])
    assert "bid" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save(seat, ev.acme, other.judged[0])
    assert "criterion" in error.value.message_dict
    assert not Score.objects.exists()


# --- scores_submit -----------------------------------------------------------------------


def test_submitting_needs_every_bid_scored_on_every_criterion(
    make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    seat = fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 3, 3)}, submit=False)
    with pytest.raises(ValidationError, match="3 scores are missing"):
        services.scores_submit(actor=resident, seat=seat)
    seat.refresh_from_db()
    assert seat.submitted_at is None
    for criterion in ev.judged:
        save(seat, ev.borealis, criterion)
    services.scores_submit(actor=resident, seat=seat)
    seat.refresh_from_db()
    assert seat.submitted_at is not None
    assert events("tendering.scores_submit").get().data == {"seat": seat.pk, "scores": 6}
    with pytest.raises(ValidationError, match="no longer change"):
        save(seat, ev.acme, ev.judged[0], "1")
    with pytest.raises(ValidationError, match="no longer change"):
        services.scores_submit(actor=resident, seat=seat)
    assert Score.objects.get(bid=ev.acme, criterion=ev.judged[0]).score == Decimal(3)


def test_an_excluded_bid_need_not_be_scored(
    officer, make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    seat = fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 3, 3)}, submit=False)
    services.bid_exclude(actor=officer, bid=ev.borealis, reason="No insurance.")
    services.scores_submit(actor=resident, seat=seat)
    seat.refresh_from_db()
    assert seat.submitted_at is not None


# --- score_moderate ----------------------------------------------------------------------


@pytest.fixture
def panel(make_evaluation, make_seat, make_user, fill_scores):
    """Three members who submitted: scores of Acme on the first criterion 3, 4 and 4."""
    ev = make_evaluation()
    ev.seats = [
        fill_scores(
            make_seat(ev.tender, make_user(name), kind),
            {ev.acme: (first, 3, 3), ev.borealis: (4, 4, 3)},
        )
        for name, kind, first in (
            ("sam", PanelMemberKind.STAFF, 3),
            ("eva", PanelMemberKind.EXPERT, 4),
            ("ana", PanelMemberKind.COMMUNITY, 4),
        )
    ]
    return ev


def moderate(officer, ev, score, reason="", bid=None, criterion=None):
    return services.score_moderate(
        actor=officer, bid=bid or ev.acme, criterion=criterion or ev.judged[0], score=score,
        reason=reason,
    )  # fmt: skip


def test_moderation_waits_for_every_clear_member_to_submit(
    officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    fill_scores(
        make_seat(ev.tender, make_user("done")), {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)}
    )
    late = make_seat(ev.tender, make_user("late"))
    make_seat(ev.tender, make_user("out"), conflict=True)
    with pytest.raises(ValidationError, match="1 member clear of conflicts has not submitted"):
        moderate(officer, ev, "3")
    fill_scores(late, {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)})
    # The conflicted member is not waited for.
    moderate(officer, ev, "3")
    assert ModeratedScore.objects.count() == 1


def test_moderation_waits_for_undeclared_members_too(
    officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    fill_scores(
        make_seat(ev.tender, make_user("done")), {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)}
    )
    make_seat(ev.tender, make_user("silent"), declared=False)
    with pytest.raises(ValidationError, match="not declared their interests"):
        moderate(officer, ev, "3")
    assert not ModeratedScore.objects.exists()


def test_moderation_needs_a_panel_that_scored(officer, make_evaluation):
    ev = make_evaluation()
    with pytest.raises(ValidationError, match="no member clear of conflicts"):
        moderate(officer, ev, "3")


def test_an_agreed_score_within_the_members_scores_needs_no_reason(officer, panel):
    row = moderate(officer, panel, "4")
    assert (row.score, row.reason, row.recorded_by) == (Decimal(4), "", officer)
    event = events("tendering.score_moderate").get()
    assert event.data["individual"] == ["3.00", "4.00", "4.00"]
    assert event.data["score"] == "4"


def test_an_agreed_score_outside_the_members_scores_needs_a_reason(officer, panel):
    with pytest.raises(ValidationError) as error:
        moderate(officer, panel, "5")
    message = error.value.message_dict["reason"][0]
    assert "outside the members' own scores (3 to 4)" in message
    assert not ModeratedScore.objects.exists()
    row = moderate(officer, panel, "5", "The panel found evidence all had missed in annex B.")
    assert row.reason.startswith("The panel found evidence")


def test_a_score_far_from_the_middle_needs_a_reason(
    officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    for name, first in (("a", 1), ("b", 4), ("c", 4)):
        fill_scores(
            make_seat(ev.tender, make_user(name)),
            {ev.acme: (first, 3, 3), ev.borealis: (3, 3, 3)},
        )
    # Within 1..4 but 2 is more than 1 point from the median, 4.
    with pytest.raises(ValidationError) as error:
        moderate(officer, ev, "2")
    assert "more than 1 point from the middle" in error.value.message_dict["reason"][0]
    moderate(officer, ev, "3")


def test_moderating_again_replaces_the_agreed_score(officer, panel):
    moderate(officer, panel, "4")
    moderate(officer, panel, "3")
    assert ModeratedScore.objects.get().score == Decimal(3)
    assert [e.data["new"] for e in events("tendering.score_moderate").order_by("seq")] == [
        True,
        False,
    ]


def test_a_conflicted_members_scores_are_left_out_of_moderation(
    officer, panel, make_seat, make_user, fill_scores
):
    # Ana declares a conflict after submitting: only Sam's 3 and Eva's 4 remain.
    ana = panel.seats[2]
    services.interests_declare(
        actor=ana.user, seat=ana, has_conflict=True, statement="My cousin works at Acme."
    )
    moderate(officer, panel, "4")
    assert events("tendering.score_moderate").get().data["individual"] == ["3.00", "4.00"]


def test_moderation_refuses_price_and_bad_scores(officer, panel):
    with pytest.raises(ValidationError) as error:
        moderate(officer, panel, "3", criterion=panel.criteria[3])
    assert "criterion" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        moderate(officer, panel, "7")
    assert "score" in error.value.message_dict
    assert not ModeratedScore.objects.exists()


def test_moderating_is_for_officers_during_the_evaluation(officer, make_member, org, panel):
    with pytest.raises(PermissionDenied):
        moderate(make_member(org, Role.PROJECT_LEAD), panel, "4")
    move_to(panel.procurement, "solution_evaluation")
    with pytest.raises(PermissionDenied):
        moderate(officer, panel, "4")
    assert not ModeratedScore.objects.exists()


# --- award_record ------------------------------------------------------------------------


def agree_all(officer, ev, acme=(4, 3, 3), borealis=(4, 4, 3)):
    for bid, values in ((ev.acme, acme), (ev.borealis, borealis)):
        for criterion, value in zip(ev.judged, values, strict=True):
            services.score_moderate(
                actor=officer, bid=bid, criterion=criterion, score=Decimal(value),
                reason="Agreed after discussion.",
            )  # fmt: skip


RATIONALE = "Borealis scored highest on fairness and on outcomes for residents."


def test_the_award_needs_every_agreed_score(officer, panel):
    moderate(officer, panel, "4")
    with pytest.raises(ValidationError, match="5 agreed scores are missing"):
        services.award_record(
            actor=officer, tender=panel.tender, bid=panel.borealis, rationale=RATIONALE
        )
    assert not Award.objects.exists()


def test_the_award_keeps_the_ranking_and_passes_the_gate_check(officer, panel):
    agree_all(officer, panel)
    award = services.award_record(
        actor=officer, tender=panel.tender, bid=panel.borealis, rationale=RATIONALE
    )
    # Acme: 28 + 18 + 6 + 25 (price 5/5) = 77; Borealis: 28 + 24 + 6 + 20 (price 4/5) = 78.
    assert award.totals == [
        {"bid": panel.borealis.pk, "supplier": "Borealis Data", "total": "78.00", "rank": 1},
        {"bid": panel.acme.pk, "supplier": "Acme Analytics", "total": "77.00", "rank": 2},
    ]
    assert award.decided_on == timezone.localdate()
    panel.tender.refresh_from_db()
    assert panel.tender.status == TenderStatus.AWARDED
    event = events("tendering.award_record").get()
    assert (event.data["supplier"], event.data["rank"]) == ("Borealis Data", 1)
    checks = {c.key: c for c in gate_checklist(panel.procurement)}
    assert checks["award_recorded"].passed
    assert "Borealis Data" in checks["award_recorded"].detail
    # The evaluation is closed.
    with pytest.raises(ValidationError, match="awarded"):
        services.award_record(
            actor=officer, tender=panel.tender, bid=panel.acme, rationale=RATIONALE
        )
    with pytest.raises(ValidationError, match="awarded"):
        moderate(officer, panel, "2", "Too late.")


def test_the_gate_check_fails_before_the_award(panel):
    checks = {c.key: c for c in gate_checklist(panel.procurement)}
    assert not checks["award_recorded"].passed


def test_the_award_may_go_to_a_lower_ranked_bid_with_its_rationale(officer, panel):
    agree_all(officer, panel)
    services.award_record(
        actor=officer, tender=panel.tender, bid=panel.acme,
        rationale="Acme's lower price frees budget for the human reviewers we need.",
    )  # fmt: skip
    assert events("tendering.award_record").get().data["rank"] == 2


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("rationale", {"rationale": "Best bid."}),
        ("decided_on", {"decided_on": timezone.localdate() + datetime.timedelta(days=2)}),
        ("decided_on", {"decided_on": timezone.localdate() - datetime.timedelta(days=30)}),
    ],
)
def test_bad_award_input_is_refused(officer, panel, field, overrides):
    agree_all(officer, panel)
    values = {"bid": panel.borealis, "rationale": RATIONALE, **overrides}
    with pytest.raises(ValidationError) as error:
        services.award_record(actor=officer, tender=panel.tender, **values)
    assert field in error.value.message_dict
    assert not Award.objects.exists()
    panel.tender.refresh_from_db()
    assert panel.tender.status == TenderStatus.PUBLISHED


def test_an_excluded_bid_is_not_awarded(officer, panel):
    agree_all(officer, panel)
    services.bid_exclude(actor=officer, bid=panel.acme, reason="Insurance lapsed.")
    with pytest.raises(ValidationError) as error:
        services.award_record(
            actor=officer, tender=panel.tender, bid=panel.acme, rationale=RATIONALE
        )
    assert "bid" in error.value.message_dict
    # The remaining bid is still fully moderated: it can win.
    award = services.award_record(
        actor=officer, tender=panel.tender, bid=panel.borealis, rationale=RATIONALE
    )
    assert [row["supplier"] for row in award.totals] == ["Borealis Data"]


def test_awarding_is_for_officers_during_the_evaluation(officer, make_member, org, panel):
    agree_all(officer, panel)
    with pytest.raises(PermissionDenied):
        services.award_record(
            actor=make_member(org, Role.LEGAL_OFFICER), tender=panel.tender, bid=panel.borealis,
            rationale=RATIONALE,
        )  # fmt: skip
    move_to(panel.procurement, "solution_evaluation")
    with pytest.raises(PermissionDenied):
        services.award_record(
            actor=officer, tender=panel.tender, bid=panel.borealis, rationale=RATIONALE
        )
    assert not Award.objects.exists()


# --- scores_publish ----------------------------------------------------------------------


def test_individual_scores_are_published_only_after_the_award(officer, make_member, org, panel):
    with pytest.raises(ValidationError, match="once the award is recorded"):
        services.scores_publish(actor=officer, tender=panel.tender, publish=True)
    agree_all(officer, panel)
    services.award_record(
        actor=officer, tender=panel.tender, bid=panel.borealis, rationale=RATIONALE
    )
    with pytest.raises(PermissionDenied):
        services.scores_publish(
            actor=make_member(org, Role.PROJECT_LEAD), tender=panel.tender, publish=True
        )
    # After the award the procurement moves on; publishing is still the awarders' call.
    move_to(panel.procurement, "solution_evaluation")
    services.scores_publish(actor=officer, tender=panel.tender, publish=True)
    panel.tender.refresh_from_db()
    assert panel.tender.publish_individual_scores
    services.scores_publish(actor=officer, tender=panel.tender, publish=False)
    panel.tender.refresh_from_db()
    assert not panel.tender.publish_individual_scores
    assert [e.data["publish"] for e in events("tendering.scores_publish").order_by("seq")] == [
        True,
        False,
    ]

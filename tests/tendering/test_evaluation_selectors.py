"""Reads of the vendor evaluation: what each viewer is given, the results, and
queries that do not grow with the number of bids, members and scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.roles import Role
from participai.tendering.access import SeatState
from participai.tendering.models import BidStatus, ModeratedScore, PanelMemberKind
from participai.tendering.selectors import evaluation as selectors

D = Decimal


def agree(officer, bid, criterion, score) -> ModeratedScore:
    return ModeratedScore.objects.create(
        bid=bid, criterion=criterion, score=Decimal(score), recorded_by=officer
    )


# --- evaluation_page ---------------------------------------------------------------------


def test_sealed_bids_are_counted_never_loaded(officer, make_evaluation):
    ev = make_evaluation(opened=False)
    page = selectors.evaluation_page(officer, ev.procurement, ev.tender)
    assert page.sealed and not page.readable
    assert page.bids == [] and page.moderation == []
    assert page.bid_count == 2
    assert page.sealed_bids == [(ev.acme.pk, "valid"), (ev.borealis.pk, "valid")]


def test_without_a_tender_the_page_is_empty(officer, make_procurement):
    procurement = make_procurement()
    page = selectors.evaluation_page(officer, procurement, None)
    assert page.tender is None and page.bids == [] and page.progress is None


def test_opened_bids_are_listed_for_the_team(officer, make_evaluation):
    ev = make_evaluation()
    page = selectors.evaluation_page(officer, ev.procurement, ev.tender)
    assert page.readable and not page.sealed
    assert [bid.supplier_name for bid in page.bids] == ["Acme Analytics", "Borealis Data"]
    assert page.needed == 6 and page.agreed == 0


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR, Role.EVALUATOR])
def test_roles_that_do_not_follow_the_evaluation_get_no_bids(
    make_member, org, make_evaluation, role
):
    ev = make_evaluation()
    page = selectors.evaluation_page(make_member(org, role), ev.procurement, ev.tender)
    assert not page.readable and page.bids == []
    assert page.bid_count == 2


def test_a_conflicted_admin_gets_no_bids(make_member, org, make_evaluation, make_seat):
    ev = make_evaluation()
    admin = make_member(org, Role.ORG_ADMIN)
    make_seat(ev.tender, admin, PanelMemberKind.STAFF, conflict=True)
    page = selectors.evaluation_page(admin, ev.procurement, ev.tender)
    assert not page.readable and page.bids == [] and page.moderation == []


def test_the_team_sees_submitted_scores_only_and_never_a_conflicted_members(
    officer, make_evaluation, make_seat, make_user, fill_scores
):
    ev = make_evaluation()
    both = {ev.acme: (3, 3, 3), ev.borealis: (4, 4, 4)}
    done = fill_scores(make_seat(ev.tender, make_user("done")), both)
    fill_scores(make_seat(ev.tender, make_user("busy")), both, submit=False)
    out = fill_scores(make_seat(ev.tender, make_user("out")), both)
    out.has_conflict, out.submitted_at = True, None
    out.save()
    page = selectors.evaluation_page(officer, ev.procurement, ev.tender)
    cell = page.moderation[0].cells[0]
    assert (cell.bid, cell.criterion) == (ev.acme, ev.judged[0])
    assert [score.member for score in cell.scores] == [done]
    assert cell.spread == 0
    assert page.progress.blockers == (
        "1 member clear of conflicts has not submitted their scores yet.",
    )


def test_a_member_sees_only_their_own_scores_until_they_submit(
    make_evaluation, make_seat, make_user, make_member, org, fill_scores
):
    ev = make_evaluation()
    both = {ev.acme: (3, 3, 3), ev.borealis: (4, 4, 4)}
    fill_scores(
        make_seat(ev.tender, make_user("first")), {ev.acme: (5, 5, 5), ev.borealis: (1, 1, 1)}
    )
    lead = make_member(org, Role.PROJECT_LEAD)
    mine = fill_scores(make_seat(ev.tender, lead, PanelMemberKind.STAFF), both, submit=False)
    page = selectors.evaluation_page(lead, ev.procurement, ev.tender)
    assert [s.member for s in page.moderation[0].cells[0].scores] == [mine]
    mine.submitted_at = mine.created_at
    mine.save()
    page = selectors.evaluation_page(lead, ev.procurement, ev.tender)
    assert sorted(s.score for s in page.moderation[0].cells[0].scores) == [D(3), D(5)]


def test_the_moderation_table_holds_agreed_scores_and_skips_excluded_bids(
    officer, make_evaluation
):
    ev = make_evaluation()
    ev.borealis.status = BidStatus.EXCLUDED
    ev.borealis.save()
    agree(officer, ev.acme, ev.judged[1], "4")
    page = selectors.evaluation_page(officer, ev.procurement, ev.tender)
    assert [row.bid for row in page.moderation] == [ev.acme]
    assert [cell.criterion for cell in page.moderation[0].cells] == ev.judged
    assert page.moderation[0].cells[1].agreed.score == D(4)
    assert (page.agreed, page.needed) == (1, 3)


def test_progress_counts_the_panel(make_evaluation, make_seat, make_user):
    ev = make_evaluation()
    make_seat(ev.tender, make_user(), declared=False)
    make_seat(ev.tender, make_user(), conflict=True)
    make_seat(ev.tender, make_user(), submitted=True)
    make_seat(ev.tender, make_user())
    progress = selectors.panel_progress(selectors.panel_of(ev.tender))
    assert (
        progress.members,
        progress.undeclared,
        progress.conflicted,
        progress.clear,
        progress.submitted,
    ) == (4, 1, 1, 2, 1)
    assert not progress.moderation_open
    assert len(progress.blockers) == 2


def test_the_overview_runs_the_same_queries_whatever_the_numbers(
    officer, make_evaluation, make_seat, make_user, make_bid, fill_scores
):
    ev = make_evaluation()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = selectors.evaluation_page(officer, ev.procurement, ev.tender)
            for bid in page.bids:
                list(bid.documents.all())
        return len(queries)

    fill_scores(make_seat(ev.tender, make_user()), {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)})
    agree(officer, ev.acme, ev.judged[0], "3")
    few = count()
    for n in range(4):
        make_bid(ev.tender, f"Supplier {n}", "90000")
    bids = list(ev.tender.bids.all())
    for _n in range(5):
        fill_scores(make_seat(ev.tender, make_user()), {bid: (2, 2, 2) for bid in bids})
    for bid in bids[2:]:
        agree(officer, bid, ev.judged[0], "2")
    assert count() == few


# --- results -----------------------------------------------------------------------------


def test_results_wait_for_moderation(officer, make_evaluation):
    ev = make_evaluation()
    agree(officer, ev.acme, ev.judged[0], "4")
    result = selectors.results(ev.tender)
    assert not result.complete and result.ranking == []
    assert result.missing == 5
    assert result.message.startswith("Moderation is not complete: 5 agreed scores are missing.")


def test_results_without_valid_bids_say_so(officer, make_evaluation):
    ev = make_evaluation()
    for bid in (ev.acme, ev.borealis):
        bid.status = BidStatus.WITHDRAWN
        bid.save()
    result = selectors.results(ev.tender)
    assert not result.complete
    assert result.message == "There is no valid bid to rank."


@pytest.fixture
def moderated(officer, make_evaluation):
    """Agreed: Acme (4, 3, 3) = 28 + 18 + 6 + 25 = 77; Borealis (4, 4, 3) = 28 + 24 + 6
    + 20 = 78. Price by formula: Acme 5, Borealis 4."""
    ev = make_evaluation()
    for bid, values in ((ev.acme, (4, 3, 3)), (ev.borealis, (4, 4, 3))):
        for criterion, value in zip(ev.judged, values, strict=True):
            agree(officer, bid, criterion, value)
    return ev


def test_the_ranking_comes_from_the_agreed_scores_and_the_price_formula(moderated):
    result = selectors.results(moderated.tender)
    assert result.complete and result.message == ""
    assert [(r.bid.supplier_name, r.rank, r.total_display) for r in result.ranking] == [
        ("Borealis Data", 1, "78.00"),
        ("Acme Analytics", 2, "77.00"),
    ]
    acme = result.ranking[1]
    assert [(c.name, value) for c, value in acme.points] == [
        ("Outcomes for residents", D(28)),
        ("Fairness, oversight and transparency", D(18)),
        ("Social value", D(6)),
        ("Price", D(25)),
    ]
    assert result.totals_snapshot() == [
        {"bid": moderated.borealis.pk, "supplier": "Borealis Data", "total": "78.00", "rank": 1},
        {"bid": moderated.acme.pk, "supplier": "Acme Analytics", "total": "77.00", "rank": 2},
    ]


def test_the_sensitivity_shows_where_a_five_point_move_changes_the_winner(moderated):
    result = selectors.results(moderated.tender)
    assert not result.robust
    cases = {(case.criterion.name, case.delta): case for case in result.sensitivity}
    assert len(cases) == 8
    # Price up 5 (to 30 %): Acme's cheaper bid wins, 78.53 to 78.13.
    up = cases[("Price", D(5))]
    assert (up.weight, up.winner.supplier_name, up.winner_changes) == (
        D(30),
        "Acme Analytics",
        True,
    )
    assert [bid.supplier_name for bid in up.ranking] == ["Acme Analytics", "Borealis Data"]
    # Responsible AI up 5: Borealis, stronger there, keeps the lead.
    fair = cases[("Fairness, oversight and transparency", D(5))]
    assert (fair.winner.supplier_name, fair.winner_changes, fair.rank_changes) == (
        "Borealis Data",
        False,
        (),
    )


def test_the_community_panels_part_beside_the_whole_panel(
    moderated, make_seat, make_user, fill_scores
):
    ev = moderated
    for name, kind, acme, borealis in (
        ("staff_sam", PanelMemberKind.STAFF, (4, 4, 3), (3, 3, 3)),
        ("expert_eva", PanelMemberKind.EXPERT, (4, 3, 3), (3, 4, 3)),
        ("community_ana", PanelMemberKind.COMMUNITY, (2, 2, 2), (5, 5, 5)),
        ("community_ben", PanelMemberKind.COMMUNITY, (3, 2, 2), (5, 4, 5)),
    ):
        fill_scores(
            make_seat(ev.tender, make_user(name), kind), {ev.acme: acme, ev.borealis: borealis}
        )
    # A community member who declared a conflict after scoring counts for nothing.
    cora = fill_scores(
        make_seat(ev.tender, make_user("community_cora"), PanelMemberKind.COMMUNITY),
        {ev.acme: (5, 5, 5), ev.borealis: (0, 0, 0)},
    )
    cora.has_conflict, cora.submitted_at = True, None
    cora.save()
    result = selectors.results(ev.tender)
    assert (result.community_members, result.panel_members) == (2, 4)
    by_supplier = {row.bid.supplier_name: row for row in result.ranking}
    # Staff 83/65, expert 77/71, community 55/95 and 62/89 (Acme/Borealis).
    assert by_supplier["Acme Analytics"].community_total == D("58.5")
    assert by_supplier["Borealis Data"].community_total == D(92)
    assert by_supplier["Acme Analytics"].panel_total == D("69.25")
    assert by_supplier["Borealis Data"].panel_total == D(80)


def test_without_community_members_there_is_no_community_part(
    moderated, make_seat, make_user, fill_scores
):
    fill_scores(
        make_seat(moderated.tender, make_user(), PanelMemberKind.EXPERT),
        {moderated.acme: (4, 4, 4), moderated.borealis: (4, 4, 4)},
    )
    result = selectors.results(moderated.tender)
    assert (result.community_members, result.panel_members) == (0, 1)
    assert all(row.community_total is None for row in result.ranking)
    assert result.ranking[0].panel_total is not None


def test_results_run_the_same_queries_whatever_the_numbers(
    officer, make_evaluation, make_bid, make_seat, make_user, fill_scores
):
    def build(extra_bids: int, members: int):
        ev = make_evaluation()
        for n in range(extra_bids):
            make_bid(ev.tender, f"Supplier {n}", "110000")
        bids = list(ev.tender.bids.all())
        for bid in bids:
            for criterion in ev.judged:
                agree(officer, bid, criterion, "3")
        for n in range(members):
            kind = PanelMemberKind.COMMUNITY if n % 2 else PanelMemberKind.EXPERT
            fill_scores(make_seat(ev.tender, make_user(), kind), {bid: (3, 2, 1) for bid in bids})
        return ev.tender

    def count(tender) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert selectors.results(tender).complete
        return len(queries)

    assert count(build(0, 2)) == count(build(4, 6))


# --- seat_page ---------------------------------------------------------------------------


def test_a_sealed_or_undeclared_seat_sees_no_bid(make_evaluation, make_seat, resident, make_user):
    sealed = make_evaluation(opened=False)
    page = selectors.seat_page(make_seat(sealed.tender, resident))
    assert (page.state, page.sealed, page.readable, page.sheets) == (
        SeatState.CLEAR,
        True,
        False,
        [],
    )
    opened = make_evaluation()
    page = selectors.seat_page(make_seat(opened.tender, make_user(), declared=False))
    assert (page.state, page.readable, page.sheets) == (SeatState.UNDECLARED, False, [])
    page = selectors.seat_page(make_seat(opened.tender, make_user(), conflict=True))
    assert (page.state, page.readable, page.sheets) == (SeatState.CONFLICTED, False, [])


def test_a_clear_seat_gets_a_sheet_per_valid_bid_with_its_own_scores(
    make_evaluation, make_seat, resident, fill_scores
):
    ev = make_evaluation()
    ev.borealis.status = BidStatus.EXCLUDED
    ev.borealis.save()
    seat = fill_scores(make_seat(ev.tender, resident), {ev.acme: (3, 4, 5)}, submit=False)
    page = selectors.seat_page(seat)
    assert [sheet.bid for sheet in page.sheets] == [ev.acme]
    sheet = page.sheets[0]
    assert [row.criterion for row in sheet.rows] == ev.judged
    assert [row.own.score for row in sheet.rows] == [D(3), D(4), D(5)]
    assert sheet.complete and (page.scored, page.needed) == (3, 3)
    assert [c.name for c in page.formula_criteria] == ["Price"]


def test_others_scores_appear_only_once_the_seat_submitted(
    make_evaluation, make_seat, resident, make_user, fill_scores
):
    ev = make_evaluation()
    both = {ev.acme: (3, 3, 3), ev.borealis: (3, 3, 3)}
    other = fill_scores(make_seat(ev.tender, make_user("other")), both)
    fill_scores(make_seat(ev.tender, make_user("slow")), both, submit=False)
    seat = fill_scores(make_seat(ev.tender, resident), both, submit=False)
    page = selectors.seat_page(seat)
    assert not page.others_visible
    assert all(row.others == [] for sheet in page.sheets for row in sheet.rows)
    seat.submitted_at = seat.created_at
    seat.save()
    page = selectors.seat_page(seat)
    assert page.others_visible
    # The slow member has not submitted: their scores stay theirs.
    assert [s.member for s in page.sheets[0].rows[0].others] == [other]


def test_the_seat_page_runs_the_same_queries_whatever_the_numbers(
    make_evaluation, make_seat, resident, make_user, make_bid, fill_scores
):
    ev = make_evaluation()
    seat = make_seat(ev.tender, resident, submitted=False)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = selectors.seat_page(seat, resident)
            for sheet in page.sheets:
                list(sheet.bid.documents.all())
        return len(queries)

    few = count()
    for n in range(3):
        make_bid(ev.tender, f"Supplier {n}", "90000")
    bids = list(ev.tender.bids.all())
    for _n in range(4):
        fill_scores(make_seat(ev.tender, make_user()), {bid: (2, 2, 2) for bid in bids})
    assert count() == few

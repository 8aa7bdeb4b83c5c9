"""The dashboard lists the evaluation panels a person sits on, members or not."""

from __future__ import annotations

from participai.tendering.models import PanelMemberKind, TenderStatus
from participai.tendering.selectors.seats import seats_of


def test_a_community_member_finds_their_seat_on_the_dashboard(
    client, make_procurement, make_tender, make_seat, resident
):
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, published=True)
    make_seat(tender, resident, PanelMemberKind.COMMUNITY, declared=False)
    client.force_login(resident)
    html = client.get("/workspace/").content.decode()
    assert "Evaluation panels you sit on" in html
    assert f"/workspace/panel/{procurement.slug}/" in html
    assert "declare your interests first" in html


def test_seats_lists_only_the_users_seats_on_tenders_being_evaluated(
    make_procurement, make_tender, make_seat, resident, make_user
):
    open_tender = make_tender(make_procurement(title="Open"), published=True)
    awarded = make_tender(make_procurement(title="Awarded"), published=True)
    awarded.status = TenderStatus.AWARDED
    awarded.save()
    mine = make_seat(open_tender, resident, conflict=True)
    make_seat(awarded, resident)
    make_seat(open_tender, make_user("someone-else"))
    assert seats_of(resident) == [mine]


def test_people_without_a_seat_see_no_panel_section(client, officer):
    client.force_login(officer)
    html = client.get("/workspace/").content.decode()
    assert "Evaluation panels you sit on" not in html

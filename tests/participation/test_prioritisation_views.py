"""The pages of a prioritisation module, through real HTTP requests: the
public ballot (dots and ranking) with its errors and results, and the staff
pages (items, results, a paper ballot typed in by a facilitator, the
printable ballot, adding the module with its method)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Module,
    ModuleKind,
    PriorityBallot,
    PriorityItem,
    Process,
)
from participai.participation.selectors import prioritisation as selectors
from participai.participation.services import prioritisation as services
from participai.procurements.models import Procurement


def process_url(process: Process, tail: str = "") -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def module_url(module: Module, tail: str = "") -> str:
    return process_url(module.process, f"m/{module.pk}/{tail}")


def staff_url(module: Module, tail: str = "") -> str:
    process = module.process
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/{tail}"
    )


def ids(module: Module) -> list[int]:
    return [item.pk for item in selectors.items_of(module)]


def ballot(module: Module, *amounts) -> dict[str, str]:
    """POST data giving ``amounts`` to the module's items in order ("" = blank)."""
    return {f"item_{pk}": str(amount) for pk, amount in zip(ids(module), amounts, strict=False)}


def join(client, process: Process, pseudonym: str = "Ana R."):
    response = client.post(process_url(process, "join/"), {"pseudonym": pseudonym})
    assert response.status_code == 302
    return Participant.objects.get(pk=client.session["participai.participant"])


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def selected(html: str, name: str) -> str | None:
    match = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.DOTALL)
    assert match, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(0))
    return chosen.group(1) if chosen else None


def results_html(html: str) -> str:
    return html.split('id="results-heading"')[1]


# --------------------------------------------------------------------------- public: dots


def test_a_visitor_who_has_not_joined_sees_the_items_and_the_way_forward(client, dots_module):
    response = client.get(module_url(dots_module))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spread 10 points over the items below" in html
    for item in selectors.items_of(dots_module):
        assert item.title in html
    assert "<p>Within office hours, by phone.</p>" in html  # descriptions as Markdown
    assert "Choose a pseudonym to take part." in html
    assert 'name="item_' not in html
    assert "The results are shown once you have cast your ballot" in html
    assert "0 ballots cast." in html


def test_the_process_page_counts_ballots(client, dots_module, make_guest):
    services.ballot_cast(
        participant=make_guest(), module=dots_module, allocation={ids(dots_module)[0]: 2}
    )
    html = client.get(process_url(dots_module.process)).content.decode()
    section = html.split(f'href="{module_url(dots_module)}"')[1].split("</li>")[0]
    assert "Prioritisation" in section and "1 ballot" in section
    assert "contribution" not in section


def test_a_guest_casts_a_dot_ballot_and_then_sees_the_results(client, dots_module, make_guest):
    a, b, c, d = ids(dots_module)
    services.ballot_cast(participant=make_guest(), module=dots_module, allocation={b: 10})
    ana = join(client, dots_module.process)
    html = client.get(module_url(dots_module)).content.decode()
    assert f'name="item_{a}"' in html and 'type="number"' in html
    assert 'max="10"' in html and 'min="0"' in html
    assert "Points left: 10 of 10." in html
    assert "Cast my ballot" in html
    assert "participation/prioritisation.js" in html
    # The tally stays hidden until this visitor has voted.
    assert "The results are shown once you have cast your ballot" in html
    assert "<table" not in results_html(html)

    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 3, "", 7, 0))
    assert response.status_code == 302
    assert response["Location"] == module_url(dots_module) + "#results"
    assert selectors.ballot_of(dots_module, ana) == {a: 3, c: 7}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your ballot is cast." in html
    assert "Your ballot is counted. You can change it" in html
    assert "Change my ballot" in html
    assert input_value(html, f"item_{a}") == "3"
    assert input_value(html, f"item_{c}") == "7"
    assert input_value(html, f"item_{b}") is None
    assert "Points left: 0 of 10." in html
    results = results_html(html)
    assert "2 ballots cast." in results
    rows = re.findall(r"<tr>(.*?)</tr>", results, re.DOTALL)[1:]
    titles = [re.search(r'<th scope="row"[^>]*>(.*?)</th>', row).group(1) for row in rows]
    item_titles = {i.pk: i.title for i in selectors.items_of(dots_module)}
    assert titles == [item_titles[b], item_titles[c], item_titles[a], item_titles[d]]
    assert "50 %" in rows[0] and "35 %" in rows[1] and "15 %" in rows[2]
    assert "7 points" in rows[1]  # the visitor's own ballot, beside the tally


def test_changing_a_ballot(client, dots_module):
    a, b, *_ = ids(dots_module)
    ana = join(client, dots_module.process)
    client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 3, 7))
    response = client.post(
        module_url(dots_module, "ballot/"), ballot(dots_module, 0, 2), follow=True
    )
    assert "Your ballot is changed." in response.content.decode()
    assert selectors.ballot_of(dots_module, ana) == {b: 2}
    item_a, item_b = PriorityItem.objects.get(pk=a), PriorityItem.objects.get(pk=b)
    assert (item_a.points, item_a.ballot_count, item_b.points) == (0, 0, 2)
    assert PriorityBallot.objects.count() == 1


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ((6, 6), "You gave 12 points but have 10; take 2 away."),
        (("", "", 0), "Give at least one point to an item."),
    ],
)
def test_a_bad_dot_ballot_comes_back_with_what_was_typed(client, dots_module, amounts, message):
    join(client, dots_module.process)
    a = ids(dots_module)[0]
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, *amounts))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert input_value(html, f"item_{a}") == (str(amounts[0]) or None)
    assert not PriorityBallot.objects.exists()


def test_points_that_are_not_numbers_are_refused_on_their_field(client, dots_module):
    join(client, dots_module.process)
    a, b, *_ = ids(dots_module)
    response = client.post(
        module_url(dots_module, "ballot/"), {f"item_{a}": "three", f"item_{b}": "-2"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_item_{a}_error"' in html and "Enter a whole number." in html
    assert f'id="id_item_{b}_error"' in html
    assert "greater than or equal to 0" in html
    assert 'aria-invalid="true"' in html
    assert input_value(html, f"item_{a}") == "three"
    assert not PriorityBallot.objects.exists()


def test_the_points_left_count_the_points_typed_when_the_ballot_comes_back(client, dots_module):
    join(client, dots_module.process)
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 9, 4))
    assert "3 points more than your 10: take some away." in response.content.decode()


def test_no_ballot_without_a_pseudonym(client, dots_module):
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 5))
    assert response.status_code == 400
    assert "Choose a pseudonym to take part." in response.content.decode()
    assert not PriorityBallot.objects.exists()
    assert not Participant.objects.exists()


def test_an_account_holder_votes_directly(client, dots_module, resident):
    client.force_login(resident)
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 5))
    assert response.status_code == 302
    participant = Participant.objects.get(user=resident)
    assert selectors.ballot_of(dots_module, participant) == {ids(dots_module)[0]: 5}


def test_an_account_holders_bad_first_ballot_leaves_nothing_behind(
    client, dots_module, resident, audit_events
):
    client.force_login(resident)
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 6, 6))
    assert response.status_code == 400
    html = response.content.decode()
    assert "You gave 12 points but have 10; take 2 away." in html
    assert "Cast my ballot" in html  # still a first ballot: nothing was counted
    assert not PriorityBallot.objects.exists()
    assert not Participant.objects.filter(user=resident).exists()
    assert audit_events("participant.created") == []


def test_a_process_asking_for_confirmation_refuses_a_plain_guest(client, dots_module):
    Process.objects.filter(pk=dots_module.process_id).update(vote_requires="confirmed")
    join(client, dots_module.process)
    html = client.get(module_url(dots_module)).content.decode()
    assert "Confirm your email address with the code we sent to take part." in html
    assert 'name="item_' not in html
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 5))
    assert response.status_code == 400
    assert not PriorityBallot.objects.exists()


def test_a_closed_module_shows_the_results_to_everyone_and_takes_no_ballot(
    client, dots_module, make_guest, set_window
):
    a, b, *_ = ids(dots_module)
    services.ballot_cast(participant=make_guest(), module=dots_module, allocation={a: 4, b: 6})
    set_window(dots_module.process, "closed")
    html = client.get(module_url(dots_module)).content.decode()
    assert "This part is closed; what was said stays readable." in html
    assert 'name="item_' not in html
    results = results_html(html)
    assert results.startswith(">Results</h2>")
    assert "60 %" in results and "40 %" in results
    join(client, dots_module.process)
    response = client.post(module_url(dots_module, "ballot/"), ballot(dots_module, 5))
    assert response.status_code == 400
    assert PriorityBallot.objects.count() == 1


def test_descriptions_are_sanitised(client, open_process, make_priority_module):
    module = make_priority_module(
        open_process,
        items=(("Safe", "**Bold** <script>alert('x')</script> [link](javascript:alert(1))"),),
    )
    html = client.get(module_url(module)).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert('x')</script>" not in html
    assert 'href="javascript' not in html


def test_a_module_without_items_says_so(client, open_process, make_priority_module):
    module = make_priority_module(open_process, items=())
    join(client, open_process)
    html = client.get(module_url(module)).content.decode()
    assert "There is nothing to prioritise here yet." in html
    assert "Cast my ballot" not in html


def test_other_modules_take_no_ballot(client, comments_module):
    join(client, comments_module.process)
    assert client.post(module_url(comments_module, "ballot/"), {}).status_code == 404
    assert client.get(module_url(comments_module, "ballot/")).status_code == 405


def test_a_preview_takes_no_ballot(
    client, published, make_process, make_priority_module, org, make_member
):
    draft = make_process(published)
    module = make_priority_module(draft)
    assert client.get(module_url(module)).status_code == 404
    client.force_login(make_member(org, Role.AUDITOR))
    html = client.get(module_url(module)).content.decode()
    assert "Preview: this process is not published." in html
    assert 'name="item_' not in html
    response = client.post(module_url(module, "ballot/"), ballot(module, 5))
    assert response.status_code == 400
    assert not PriorityBallot.objects.exists()


def test_an_account_only_process_asks_to_sign_in(
    client, published, make_process, make_priority_module
):
    process = make_process(published, read_requires="account", publish=False)
    module = make_priority_module(process)
    Process.objects.filter(pk=process.pk).update(is_published=True)
    html = client.get(module_url(module)).content.decode()
    assert "Sign in with an account to read this process." in html
    assert "Urgent cases reach a person the same day" not in html
    assert client.post(module_url(module, "ballot/"), ballot(module, 5)).status_code == 403


def test_the_page_costs_the_same_whatever_the_number_of_items_and_ballots(
    client, open_process, make_priority_module, make_guest, django_assert_max_num_queries
):
    small = make_priority_module(open_process, items=[("One", ""), ("Two", "")])
    large = make_priority_module(
        open_process, items=[(f"Item {n}", f"About *{n}*") for n in range(20)]
    )
    for module in (small, large):
        items = ids(module)
        for n in range(5):
            services.ballot_cast(
                participant=make_guest(), module=module, allocation={items[n % len(items)]: 1}
            )
    join(client, open_process)
    client.post(module_url(small, "ballot/"), ballot(small, 1))
    client.post(module_url(large, "ballot/"), ballot(large, 1))
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(module_url(small)).status_code == 200
    with django_assert_max_num_queries(len(baseline)):
        html = client.get(module_url(large)).content.decode()
    assert "Item 19" in results_html(html)


# --------------------------------------------------------------------------- public: ranking


def test_a_guest_ranks_the_items(client, ranking_module):
    a, b, c, d = ids(ranking_module)
    ana = join(client, ranking_module.process)
    html = client.get(module_url(ranking_module)).content.decode()
    assert "Put the items below in order of importance" in html
    assert "1 is the most important, 4 the least." in html
    assert selected(html, f"item_{a}") == ""  # no order suggested
    assert '<option value="4">4</option>' in html
    response = client.post(
        module_url(ranking_module, "ballot/"),
        {f"item_{a}": "2", f"item_{b}": "1", f"item_{c}": "4", f"item_{d}": "3"},
    )
    assert response.status_code == 302
    assert selectors.ballot_of(ranking_module, ana) == {a: 2, b: 1, c: 4, d: 3}
    html = client.get(module_url(ranking_module)).content.decode()
    assert selected(html, f"item_{b}") == "1"
    results = results_html(html)
    assert "Borda count" in results
    rows = re.findall(r"<tr>(.*?)</tr>", results, re.DOTALL)[1:]
    assert "Everyone contacted within seven days" in rows[0]
    assert "position 1" in rows[0]
    assert ">4<" in rows[0] and ">1.0<" in rows[0]


def test_a_ranking_with_a_position_used_twice_comes_back(client, ranking_module):
    a, b, c, d = ids(ranking_module)
    join(client, ranking_module.process)
    # A position outside the list is refused by the form, on its field.
    response = client.post(
        module_url(ranking_module, "ballot/"),
        {f"item_{a}": "1", f"item_{b}": "2", f"item_{c}": "3", f"item_{d}": "9"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_item_{d}_error"' in html and "Select a valid choice." in html
    assert selected(html, f"item_{c}") == "3"
    # The full order is the service's to check, item by item.
    response = client.post(
        module_url(ranking_module, "ballot/"),
        {f"item_{a}": "1", f"item_{b}": "1", f"item_{c}": "", f"item_{d}": "2"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("2 items have position 1; give each item its own.") == 2
    assert f'id="id_item_{c}_error"' in html and "Give this item a position." in html
    assert selected(html, f"item_{a}") == "1" and selected(html, f"item_{b}") == "1"
    assert not PriorityBallot.objects.exists()


# --------------------------------------------------------------------------- staff: set-up


def test_the_process_page_links_to_the_set_up_and_the_paper_ballot(client, officer, dots_module):
    client.force_login(officer)
    process = dots_module.process
    html = client.get(
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/"
    ).content.decode()
    assert f'href="{staff_url(dots_module, "priorities/")}"' in html
    assert f'href="{staff_url(dots_module, "print/")}"' in html


def test_staff_add_a_prioritisation_module_with_its_method(client, officer, open_process):
    client.force_login(officer)
    url = (
        f"/workspace/procurements/{open_process.procurement.slug}/participation/"
        f"{open_process.slug}/modules/"
    )
    html = client.get(url.replace("modules/", "")).content.decode()
    assert 'name="method"' in html and 'name="budget"' in html
    data = {"kind": "prioritisation", "title": "Rank the needs", "method": "ranking"}
    assert client.post(url, data).status_code == 302
    module = open_process.modules.get(title="Rank the needs")
    assert module.config == {"method": "ranking"}
    data = {"kind": "prioritisation", "title": "Dots", "method": "dots", "budget": "12"}
    assert client.post(url, data).status_code == 302
    assert open_process.modules.get(title="Dots").config == {"method": "dots", "budget": 12}
    data = {"kind": "comments", "title": "Talk", "method": "dots", "budget": ""}
    assert client.post(url, data).status_code == 302
    assert open_process.modules.get(title="Talk").config == {}


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("", "Give the number of points for a dot vote."),
        ("0", "greater than or equal to 1"),
        ("500", "less than or equal to 100"),
    ],
)
def test_a_dot_vote_needs_a_sensible_budget(client, officer, open_process, budget, message):
    client.force_login(officer)
    url = (
        f"/workspace/procurements/{open_process.procurement.slug}/participation/"
        f"{open_process.slug}/modules/"
    )
    data = {"kind": "prioritisation", "title": "Dots", "method": "dots", "budget": budget}
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not open_process.modules.filter(kind=ModuleKind.PRIORITISATION).exists()


def test_the_set_up_page_lists_the_items_and_adds_one(client, officer, dots_module, audit_events):
    client.force_login(officer)
    response = client.get(staff_url(dots_module, "priorities/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dot voting: each person spreads 10 points over the items." in html
    for item in selectors.items_of(dots_module):
        assert item.title in html
    assert "Move up" in html and "Remove" in html and "Add the item" in html
    response = client.post(
        staff_url(dots_module, "priorities/"),
        {"title": "Staff trained first", "description": "*Before* launch."},
    )
    assert response.status_code == 302
    item = PriorityItem.objects.get(module=dots_module, title="Staff trained first")
    assert item.position == 5
    assert audit_events("priority_item.added")[-1].actor_id == officer.pk


def test_a_bad_item_comes_back(client, officer, dots_module):
    client.force_login(officer)
    response = client.post(
        staff_url(dots_module, "priorities/"), {"title": "", "description": "Orphan text"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and "Orphan text" in html
    assert PriorityItem.objects.filter(module=dots_module).count() == 4


def test_members_without_the_right_read_but_do_not_change(
    client, org, make_member, dots_module, other_org
):
    client.force_login(make_member(org, Role.MODERATOR))
    html = client.get(staff_url(dots_module, "priorities/")).content.decode()
    assert "Urgent cases reach a person the same day" in html
    assert "Add the item" not in html and "Move up" not in html
    assert "Enter a paper ballot" not in html
    item = selectors.items_of(dots_module)[0]
    assert client.post(staff_url(dots_module, "priorities/"), {"title": "X"}).status_code == 403
    assert client.get(staff_url(dots_module, f"priorities/{item.pk}/")).status_code == 403
    assert client.post(staff_url(dots_module, f"priorities/{item.pk}/remove/")).status_code == 403
    assert PriorityItem.objects.filter(module=dots_module).count() == 4
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(staff_url(dots_module, "priorities/")).status_code == 404
    client.logout()
    assert client.get(staff_url(dots_module, "priorities/")).status_code == 302


def test_the_set_up_page_is_only_for_prioritisation_modules(client, officer, comments_module):
    client.force_login(officer)
    assert client.get(staff_url(comments_module, "priorities/")).status_code == 404


def test_editing_moving_and_removing_items(client, officer, dots_module):
    client.force_login(officer)
    first, second, *_ = selectors.items_of(dots_module)
    page = client.get(staff_url(dots_module, f"priorities/{first.pk}/"))
    assert 'value="Urgent cases reach a person the same day"' in page.content.decode()
    response = client.post(
        staff_url(dots_module, f"priorities/{first.pk}/"),
        {"title": "Urgent cases reach a person today", "description": ""},
    )
    assert response.status_code == 302
    assert PriorityItem.objects.get(pk=first.pk).title == "Urgent cases reach a person today"
    response = client.post(
        staff_url(dots_module, f"priorities/{second.pk}/move/"), {"direction": "up"}, follow=True
    )
    assert "is now number 1." in response.content.decode()
    assert ids(dots_module)[:2] == [second.pk, first.pk]
    assert client.post(staff_url(dots_module, f"priorities/{first.pk}/remove/")).status_code == 302
    assert not PriorityItem.objects.filter(pk=first.pk).exists()
    assert client.get(staff_url(dots_module, f"priorities/{first.pk}/")).status_code == 404
    assert client.get(staff_url(dots_module, f"priorities/{second.pk}/move/")).status_code == 405


def test_once_ballots_are_in_items_are_frozen_except_typos(
    client, officer, dots_module, make_guest
):
    first = selectors.items_of(dots_module)[0]
    services.ballot_cast(participant=make_guest(), module=dots_module, allocation={first.pk: 3})
    client.force_login(officer)
    html = client.get(staff_url(dots_module, "priorities/")).content.decode()
    assert "the items are frozen" in html
    assert "Add the item" not in html and "Move up" not in html and "Fix a typo" in html
    assert "1 ballot cast." in html and "Online: 1" in html
    response = client.post(staff_url(dots_module, f"priorities/{first.pk}/remove/"))
    assert response.status_code == 400
    assert "Ballots have been cast" in response.content.decode()
    response = client.post(
        staff_url(dots_module, f"priorities/{first.pk}/"),
        {"title": "Routine cases wait", "description": ""},
    )
    assert response.status_code == 400
    assert "only a typo fix" in response.content.decode()
    response = client.post(
        staff_url(dots_module, f"priorities/{first.pk}/"),
        {
            "title": "Urgent cases reach a person the same day!",
            "description": first.description,
        },
    )
    assert response.status_code == 302
    assert PriorityItem.objects.filter(module=dots_module).count() == 4


def test_staff_see_the_results_at_once(client, officer, ranking_module, make_guest):
    a, b, c, d = ids(ranking_module)
    services.ballot_cast(
        participant=make_guest(), module=ranking_module, allocation={a: 4, b: 3, c: 2, d: 1}
    )
    client.force_login(officer)
    html = client.get(staff_url(ranking_module, "priorities/")).content.decode()
    assert "Ranking: each person puts every item in order." in html
    results = html.split('id="results-heading"')[1]
    rows = re.findall(r"<tr>(.*?)</tr>", results, re.DOTALL)[1:]
    assert "Nobody is refused by the system alone" in rows[0]


# --------------------------------------------------------------------------- staff: paper ballots


def assist_data(module: Module, *amounts, **overrides) -> dict[str, str]:
    return {"channel": "paper", "pseudonym": "Marta P.", **ballot(module, *amounts), **overrides}


def test_a_facilitator_enters_a_paper_ballot(client, facilitator, dots_module, audit_events):
    client.force_login(facilitator)
    url = staff_url(dots_module, "priorities/ballot/")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="channel" value="paper" checked' in page.content.decode()
    response = client.post(url, assist_data(dots_module, 4, 0, 6))
    assert response.status_code == 302
    assert response["Location"] == url + "?channel=paper"
    marta = Participant.objects.get(pseudonym="Marta P.")
    cast = PriorityBallot.objects.get(participant=marta)
    assert (cast.channel, cast.entered_by) == ("paper", facilitator)
    a, _b, c, _d = ids(dots_module)
    assert selectors.ballot_of(dots_module, marta) == {a: 4, c: 6}
    event = audit_events("priority_ballot.cast")[-1]
    assert event.actor_id == facilitator.pk and event.data["assisted"] is True
    html = client.get(response["Location"]).content.decode()
    assert "Saved the ballot of “Marta P.”. Ready for the next." in html
    assert "autofocus" in html
    staff = client.get(staff_url(dots_module, "priorities/")).content.decode()
    assert "On paper: 1" in staff


def test_a_bad_paper_ballot_leaves_no_guest_behind(client, facilitator, ranking_module):
    client.force_login(facilitator)
    url = staff_url(ranking_module, "priorities/ballot/")
    response = client.post(url, assist_data(ranking_module, 1, 1, 2, 3, channel="phone"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 items have position 1" in html
    assert 'value="Marta P."' in html
    assert not Participant.objects.filter(pseudonym="Marta P.").exists()
    assert not PriorityBallot.objects.exists()
    response = client.post(url, assist_data(ranking_module, 1, 2, 3, 4, channel="online"))
    assert response.status_code == 400
    assert not Participant.objects.filter(pseudonym="Marta P.").exists()


def test_no_paper_ballot_into_a_closed_module(client, facilitator, dots_module, set_window):
    set_window(dots_module.process, "closed")
    client.force_login(facilitator)
    response = client.post(
        staff_url(dots_module, "priorities/ballot/"), assist_data(dots_module, 5)
    )
    assert response.status_code == 400
    assert "This part is closed" in response.content.decode()
    assert not Participant.objects.filter(pseudonym="Marta P.").exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR])
def test_entering_paper_ballots_needs_the_right(client, org, make_member, role, dots_module):
    client.force_login(make_member(org, role))
    url = staff_url(dots_module, "priorities/ballot/")
    assert client.get(url).status_code == 403
    assert client.post(url, assist_data(dots_module, 5)).status_code == 403
    assert not PriorityBallot.objects.exists()


def test_the_printable_dot_ballot(client, officer, dots_module):
    client.force_login(officer)
    response = client.get(staff_url(dots_module, "print/") + "?where=Central+Library")
    assert response.status_code == 200
    html = response.content.decode()
    assert dots_module.process.question in html
    assert "You have 10 points to give." in html
    for n, item in enumerate(selectors.items_of(dots_module), start=1):
        assert f"{n}. {item.title}" in html
    assert "Hand this ballot in here: Central Library." in html
    assert "participation/print.css" in html
    assert f"/m/{dots_module.pk}/" in html


def test_the_printable_ranking(client, facilitator, ranking_module):
    client.force_login(facilitator)
    html = client.get(staff_url(ranking_module, "print/")).content.decode()
    assert "1 for the most important to you" in html and "to 4 for the least important" in html
    assert "Your position" in html


def test_the_printable_ballot_is_for_members(client, other_org, make_member, dots_module):
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    assert client.get(staff_url(dots_module, "print/")).status_code == 404


def test_a_procurement_other_than_the_modules_is_404(
    client, officer, dots_module, make_procurement
):
    other: Procurement = make_procurement(title="Another procurement")
    client.force_login(officer)
    url = staff_url(dots_module, "priorities/").replace(
        dots_module.process.procurement.slug, other.slug
    )
    assert client.get(url).status_code == 404

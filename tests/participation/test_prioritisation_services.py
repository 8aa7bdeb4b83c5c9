"""Prioritisation modules through their services: setting one up (method
and budget), its items (who may change them, and that they freeze once
ballots are in), and ballots (who may cast them when, replacing one, and
counters that always equal a recount)."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Module,
    ModuleKind,
    PriorityAllocation,
    PriorityBallot,
    PriorityItem,
    Process,
)
from participai.participation.selectors import prioritisation as selectors
from participai.participation.services import prioritisation as services
from participai.participation.services import processes as process_services
from participai.participation.services.participant_data import participant_delete


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def require(process: Process, **requires) -> None:
    Process.objects.filter(pk=process.pk).update(**requires)


def ids(module: Module) -> list[int]:
    return [item.pk for item in selectors.items_of(module)]


def counters(module: Module) -> dict[int, tuple[int, int, int]]:
    return {
        item.pk: (item.points, item.rank_score, item.ballot_count)
        for item in selectors.items_of(module)
    }


def recounted(module: Module) -> dict[int, tuple[int, int, int]]:
    return {
        pk: (totals.points, totals.rank_score, totals.ballot_count)
        for pk, totals in selectors.recount(module).items()
    }


def code_of(caught) -> str | None:
    return caught.value.error_list[0].code if hasattr(caught.value, "error_list") else None


def cast(module: Module, participant, *amounts: int, **kwargs):
    """Cast ``amounts`` on the module's items in their order (0 = nothing)."""
    allocation = {pk: amount for pk, amount in zip(ids(module), amounts, strict=False) if amount}
    return services.ballot_cast(
        participant=participant, module=module, allocation=allocation, **kwargs
    )


# --- setting the module up -------------------------------------------------------------------


def test_a_ranking_needs_no_budget_and_a_dot_vote_does(open_process, officer):
    ranking = process_services.module_add(
        actor=officer,
        process=open_process,
        kind=ModuleKind.PRIORITISATION,
        title="Rank",
        config={"method": "ranking"},
    )
    assert services.method_of(ranking) == "ranking"
    assert services.budget_of(ranking) is None
    with pytest.raises(ValidationError) as caught:
        process_services.module_add(
            actor=officer,
            process=open_process,
            kind=ModuleKind.PRIORITISATION,
            title="Dots",
            config={"method": "dots"},
        )
    assert caught.value.message_dict == {
        "config": ["A dot vote needs a budget of 1 to 100 points."]
    }


@pytest.mark.parametrize("method", ["approval", "", None, ["dots"]])
def test_an_unknown_method_is_refused(method, open_process, officer):
    with pytest.raises(ValidationError) as caught:
        process_services.module_add(
            actor=officer,
            process=open_process,
            kind=ModuleKind.PRIORITISATION,
            title="Odd",
            config={"method": method, "budget": 10},
        )
    assert caught.value.message_dict == {"config": ["Choose dot voting or ranking."]}
    assert not open_process.modules.filter(kind=ModuleKind.PRIORITISATION).exists()


def test_a_module_without_a_method_is_a_dot_vote(open_process, officer):
    module = process_services.module_add(
        actor=officer,
        process=open_process,
        kind=ModuleKind.PRIORITISATION,
        title="Dots",
        config={"budget": 5},
    )
    assert (services.method_of(module), services.budget_of(module)) == ("dots", 5)


# --- items -----------------------------------------------------------------------------------


def test_items_are_added_in_order_and_audited(dots_module, officer, audit_events):
    item = services.item_add(
        actor=officer,
        module=dots_module,
        title="  Staff   trained on the system  ",
        description="Before it goes live.\n",
    )
    assert (item.title, item.description) == (
        "Staff trained on the system",
        "Before it goes live.",
    )
    assert [i.title for i in selectors.items_of(dots_module)][-1] == item.title
    assert item.position == 5
    event = audit_events("priority_item.added")[-1]
    assert event.data["item"] == item.pk and event.data["title"] == item.title
    assert event.actor_id == officer.pk


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PROJECT_LEAD, Role.ORG_ADMIN])
def test_the_team_and_facilitators_manage_items(role, org, make_member, dots_module):
    actor = make_member(org, role)
    item = services.item_add(actor=actor, module=dots_module, title="Written reasons")
    services.item_update(actor=actor, item=item, title="Written reasons, always")
    services.item_move(actor=actor, item=item, direction="up")
    services.item_remove(actor=actor, item=item)
    assert not PriorityItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_others_in_the_organisation_may_not(role, org, make_member, dots_module, audit_events):
    actor = make_member(org, role)
    item = selectors.items_of(dots_module)[0]
    before = counters(dots_module), [i.title for i in selectors.items_of(dots_module)]
    with pytest.raises(PermissionDenied):
        services.item_add(actor=actor, module=dots_module, title="Mine")
    with pytest.raises(PermissionDenied):
        services.item_update(actor=actor, item=item, title="Changed")
    with pytest.raises(PermissionDenied):
        services.item_move(actor=actor, item=item, direction="down")
    with pytest.raises(PermissionDenied):
        services.item_remove(actor=actor, item=item)
    assert (counters(dots_module), [i.title for i in selectors.items_of(dots_module)]) == before
    assert audit_events("priority_item.added")[-1].actor_id != actor.pk


def test_another_organisation_and_residents_may_not(other_org, make_member, resident, dots_module):
    stranger = make_member(other_org, Role.PROCUREMENT_OFFICER)
    for actor in (stranger, resident):
        with pytest.raises(PermissionDenied):
            services.item_add(actor=actor, module=dots_module, title="Mine")
    assert len(selectors.items_of(dots_module)) == 4


@pytest.mark.parametrize(
    ("title", "description", "errors"),
    [
        ("", "", {"title": ["This field is required."]}),
        ("  \n ", "", {"title": ["This field is required."]}),
        ("x" * 201, "", {"title": ["At most 200 characters."]}),
        ("Fine", "y" * 2001, {"description": ["At most 2000 characters."]}),
    ],
)
def test_bad_items_change_nothing(title, description, errors, dots_module, officer, audit_events):
    before = len(audit_events("priority_item.added"))
    with pytest.raises(ValidationError) as caught:
        services.item_add(actor=officer, module=dots_module, title=title, description=description)
    assert caught.value.message_dict == errors
    assert len(selectors.items_of(dots_module)) == 4
    assert len(audit_events("priority_item.added")) == before


def test_a_module_holds_at_most_so_many_items(open_process, make_priority_module, officer):
    module = make_priority_module(
        open_process, items=[(f"Item {n}", "") for n in range(services.MAX_ITEMS)]
    )
    with pytest.raises(ValidationError, match="at most 30 items"):
        services.item_add(actor=officer, module=module, title="One too many")
    assert len(selectors.items_of(module)) == services.MAX_ITEMS


def test_only_prioritisation_modules_take_items(comments_module, officer):
    with pytest.raises(ValidationError, match="no items to prioritise"):
        services.item_add(actor=officer, module=comments_module, title="Misplaced")
    assert not PriorityItem.objects.exists()


def test_updating_an_item_is_audited_with_what_it_was(dots_module, officer, audit_events):
    item = selectors.items_of(dots_module)[1]
    services.item_update(
        actor=officer, item=item, title=item.title, description="By phone or letter."
    )
    assert fresh(item).description == "By phone or letter."
    event = audit_events("priority_item.updated")[-1]
    assert event.data["fields"] == ["description"]
    assert event.data["previous"] == {"description": ""}
    # The same again changes nothing and writes nothing.
    services.item_update(
        actor=officer, item=item, title=item.title, description="By phone or letter."
    )
    assert len(audit_events("priority_item.updated")) == 1
    # Leaving the description out keeps it.
    services.item_update(actor=officer, item=item, title="Everyone contacted within a week")
    assert fresh(item).description == "By phone or letter."
    assert audit_events("priority_item.updated")[-1].data["fields"] == ["title"]


def test_moving_items_renumbers_them(dots_module, officer, audit_events):
    first, second, third, fourth = selectors.items_of(dots_module)
    moved = services.item_move(actor=officer, item=third, direction="up")
    assert moved.position == 2
    assert ids(dots_module) == [first.pk, third.pk, second.pk, fourth.pk]
    services.item_move(actor=officer, item=first, direction="down")
    assert ids(dots_module) == [third.pk, first.pk, second.pk, fourth.pk]
    assert [i.position for i in selectors.items_of(dots_module)] == [1, 2, 3, 4]
    # At either end nothing moves, and nothing is recorded.
    count = len(audit_events("priority_item.moved"))
    services.item_move(actor=officer, item=third, direction="up")
    services.item_move(actor=officer, item=fourth, direction="down")
    assert ids(dots_module) == [third.pk, first.pk, second.pk, fourth.pk]
    assert len(audit_events("priority_item.moved")) == count == 2
    with pytest.raises(ValidationError) as caught:
        services.item_move(actor=officer, item=first, direction="sideways")
    assert caught.value.message_dict == {"direction": ["Move an item up or down."]}


def test_removing_an_item(dots_module, officer, audit_events):
    item = selectors.items_of(dots_module)[0]
    services.item_remove(actor=officer, item=item)
    assert len(selectors.items_of(dots_module)) == 3
    event = audit_events("priority_item.removed")[-1]
    assert (event.data["item"], event.data["title"]) == (item.pk, item.title)
    with pytest.raises(ValidationError, match="removed"):
        services.item_update(actor=officer, item=item, title="Back again")


def test_items_freeze_once_a_ballot_is_in(dots_module, officer, guest, audit_events):
    cast(dots_module, guest, 5, 5)
    first, second, *_ = selectors.items_of(dots_module)
    before = [(i.pk, i.title, i.description, i.position) for i in selectors.items_of(dots_module)]
    for write in (
        lambda: services.item_add(actor=officer, module=dots_module, title="Late idea"),
        lambda: services.item_remove(actor=officer, item=first),
        lambda: services.item_move(actor=officer, item=second, direction="up"),
    ):
        with pytest.raises(ValidationError) as caught:
            write()
        assert code_of(caught) == "frozen"
    with pytest.raises(ValidationError) as caught:
        services.item_update(actor=officer, item=first, title="Routine cases wait", description="")
    assert set(caught.value.message_dict) == {"title", "description"}
    assert "typo fix of at most 3 characters" in caught.value.message_dict["title"][0]
    after = [(i.pk, i.title, i.description, i.position) for i in selectors.items_of(dots_module)]
    assert after == before
    assert audit_events("priority_item.removed") == []


def test_a_typo_in_a_title_can_still_be_fixed(
    open_process, make_priority_module, officer, guest, audit_events
):
    module = make_priority_module(
        open_process, items=(("Urgnet cases seen the same day", ""), ("Written reasons", ""))
    )
    cast(module, guest, 5, 5)
    item = selectors.items_of(module)[0]
    fixed = services.item_update(
        actor=officer, item=item, title="Urgent cases seen the same day", description=""
    )
    assert fixed.title == "Urgent cases seen the same day"
    assert audit_events("priority_item.updated")[-1].data["previous"] == {
        "title": "Urgnet cases seen the same day"
    }
    assert fresh(item).points == 5  # the ballots still count for it


# --- ballots: casting and replacing ----------------------------------------------------------


def test_a_first_dot_ballot_moves_the_counters(dots_module, guest, audit_events):
    ballot, created = cast(dots_module, guest, 3, 0, 7)
    assert created is True
    a, b, c, d = ids(dots_module)
    assert counters(dots_module) == {a: (3, 0, 1), b: (0, 0, 0), c: (7, 0, 1), d: (0, 0, 0)}
    assert fresh(dots_module).contribution_count == 1
    assert (ballot.channel, ballot.entered_by) == ("online", None)
    assert dict(ballot.allocations.values_list("item_id", "points")) == {a: 3, c: 7}
    assert set(ballot.allocations.values_list("rank", flat=True)) == {None}
    [event] = audit_events("priority_ballot.cast")
    assert event.data["allocation"] == {str(a): 3, str(c): 7}
    assert (event.data["previous"], event.data["assisted"]) == (None, False)
    assert event.data["participant"] == guest.pk


def test_replacing_a_ballot_moves_the_counters_by_the_difference(
    dots_module, guest, make_guest, audit_events
):
    other = make_guest()
    cast(dots_module, other, 1, 1, 1, 1)
    first, created = cast(dots_module, guest, 3, 0, 7)
    assert created is True
    again, created = cast(dots_module, guest, 0, 5, 5)
    a, b, c, d = ids(dots_module)
    assert (again.pk, created) == (first.pk, False)
    assert counters(dots_module) == {a: (1, 0, 1), b: (6, 0, 2), c: (6, 0, 2), d: (1, 0, 1)}
    assert counters(dots_module) == recounted(dots_module)
    assert fresh(dots_module).contribution_count == 2  # a replacement is not a new ballot
    assert PriorityBallot.objects.filter(module=dots_module).count() == 2
    [event] = audit_events("priority_ballot.replaced")
    assert event.data["previous"] == {str(a): 3, str(c): 7}
    assert event.data["allocation"] == {str(b): 5, str(c): 5}


def test_the_same_ballot_again_changes_nothing(dots_module, guest, audit_events):
    first, _created = cast(dots_module, guest, 3, 0, 7)
    again, created = cast(dots_module, guest, 3, 0, 7)
    assert (again.pk, created) == (first.pk, False)  # not new: the ballot is replaced by itself
    assert len(audit_events("priority_ballot.cast")) == 1
    assert audit_events("priority_ballot.replaced") == []
    assert fresh(dots_module).contribution_count == 1
    assert counters(dots_module) == recounted(dots_module)


def test_a_ranking_counts_borda_scores(ranking_module, guest, make_guest):
    a, b, c, d = ids(ranking_module)
    services.ballot_cast(
        participant=guest, module=ranking_module, allocation={a: 1, b: 2, c: 3, d: 4}
    )
    services.ballot_cast(
        participant=make_guest(), module=ranking_module, allocation={a: 2, b: 1, c: 4, d: 3}
    )
    assert counters(ranking_module) == {
        a: (0, 4 + 3, 2),
        b: (0, 3 + 4, 2),
        c: (0, 2 + 1, 2),
        d: (0, 1 + 2, 2),
    }
    ballot = PriorityBallot.objects.get(module=ranking_module, participant=guest)
    assert dict(ballot.allocations.values_list("item_id", "rank")) == {a: 1, b: 2, c: 3, d: 4}
    services.ballot_cast(
        participant=guest, module=ranking_module, allocation={a: 4, b: 3, c: 2, d: 1}
    )
    assert counters(ranking_module) == recounted(ranking_module)
    assert counters(ranking_module)[a] == (0, 1 + 3, 2)


@pytest.mark.parametrize(
    ("amounts", "errors"),
    [
        ((6, 5), {"allocation": ["You gave 11 points but have 10; take 1 away."]}),
        ((0, 0), {"allocation": ["Give at least one point to an item."]}),
        ((-1, 3), {"item_{0}": ["Points cannot be negative."]}),
    ],
)
def test_a_bad_dot_ballot_saves_nothing(amounts, errors, dots_module, guest, audit_events):
    first = ids(dots_module)[0]
    allocation = dict(zip(ids(dots_module), amounts, strict=False))
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(participant=guest, module=dots_module, allocation=allocation)
    assert caught.value.message_dict == {key.format(first): value for key, value in errors.items()}
    assert not PriorityBallot.objects.exists()
    assert fresh(dots_module).contribution_count == 0
    assert set(counters(dots_module).values()) == {(0, 0, 0)}
    assert audit_events("priority_ballot.cast") == []


def test_a_bad_replacement_keeps_the_ballot_before(dots_module, guest):
    cast(dots_module, guest, 3, 0, 7)
    before = counters(dots_module)
    with pytest.raises(ValidationError):
        cast(dots_module, guest, 9, 9)
    assert counters(dots_module) == before
    assert selectors.ballot_of(dots_module, guest) == {
        ids(dots_module)[0]: 3,
        ids(dots_module)[2]: 7,
    }


def test_a_bad_ranking_names_each_item(ranking_module, guest, dots_module):
    a, b, c, d = ids(ranking_module)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(
            participant=guest, module=ranking_module, allocation={a: 1, b: 1, c: 9}
        )
    assert caught.value.message_dict == {
        f"item_{a}": ["2 items have position 1; give each item its own."],
        f"item_{b}": ["2 items have position 1; give each item its own."],
        f"item_{c}": ["Choose a position from 1 to 4."],
        f"item_{d}": ["Give this item a position."],
    }
    # Items of another module are not on this ballot.
    other = ids(dots_module)[0]
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(
            participant=guest,
            module=ranking_module,
            allocation={a: 1, b: 2, c: 3, d: 4, other: 5},
        )
    assert caught.value.message_dict == {f"item_{other}": ["This item is not on the ballot."]}
    assert not PriorityAllocation.objects.exists()


def test_a_module_without_items_takes_no_ballot(open_process, make_priority_module, guest):
    module = make_priority_module(open_process, items=())
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(participant=guest, module=module, allocation={})
    assert caught.value.message_dict == {
        "allocation": ["There is nothing to prioritise here yet."]
    }


def test_other_kinds_of_module_take_no_ballot(comments_module, guest):
    with pytest.raises(ValidationError, match="no items to prioritise"):
        services.ballot_cast(participant=guest, module=comments_module, allocation={1: 1})


# --- ballots: who may vote, when -------------------------------------------------------------


@pytest.mark.parametrize(
    ("requires", "who", "code"),
    [
        ("guest", "guest", None),
        ("guest", "confirmed_guest", None),
        ("guest", "account_participant", None),
        ("confirmed", "guest", "needs_confirmation"),
        ("confirmed", "confirmed_guest", None),
        ("confirmed", "account_participant", None),
        ("account", "guest", "needs_account"),
        ("account", "confirmed_guest", "needs_account"),
        ("account", "account_participant", None),
    ],
)
def test_the_process_says_who_may_vote(requires, who, code, request, dots_module):
    require(dots_module.process, vote_requires=requires)
    participant = request.getfixturevalue(who)
    if code is None:
        cast(dots_module, participant, 1)
        assert fresh(dots_module).contribution_count == 1
        return
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, participant, 1)
    assert code_of(caught) == code
    assert not PriorityBallot.objects.exists()


@pytest.mark.parametrize(("state", "code"), [("upcoming", "not_open_yet"), ("closed", "closed")])
def test_ballots_only_while_the_module_is_open(state, code, dots_module, guest, set_window):
    cast(dots_module, guest, 4)
    set_window(dots_module.process, state)
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, guest, 0, 4)
    assert code_of(caught) == code
    assert selectors.ballot_of(dots_module, guest) == {ids(dots_module)[0]: 4}


def test_no_ballot_in_an_unpublished_process(published, make_process, make_priority_module, guest):
    process = make_process(published)
    module = make_priority_module(process)
    with pytest.raises(ValidationError) as caught:
        cast(module, guest, 1)
    assert code_of(caught) == "unpublished"


def test_only_a_facilitator_enters_offline_ballots(dots_module, guest):
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, guest, 1, channel="paper")
    assert caught.value.message_dict == {
        "channel": ["Only a facilitator enters offline contributions."]
    }
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, guest, 1, channel="pigeon")
    assert set(caught.value.message_dict) == {"channel"}
    assert not PriorityBallot.objects.exists()


def test_a_facilitator_does_not_enter_online_ballots(dots_module, guest, facilitator):
    # The same rule as every other assisted entry (contributions.check_entry).
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, guest, 1, entered_by=facilitator)
    assert set(caught.value.message_dict) == {"channel"}
    assert not PriorityBallot.objects.exists()


def test_a_participant_whose_data_was_deleted_casts_nothing(dots_module, guest):
    stale = Participant.objects.get(pk=guest.pk)  # as a request loaded it
    participant_delete(participant=guest)
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, stale, 1)
    assert "was deleted" in caught.value.messages[0]
    assert not PriorityBallot.objects.exists()


@pytest.mark.parametrize("channel", ["paper", "phone", "in_person", "assisted_online"])
def test_a_facilitator_enters_a_ballot_for_someone(
    channel, dots_module, make_guest, facilitator, audit_events
):
    # The process asks for an account; the facilitator vouched in person.
    require(dots_module.process, vote_requires="account")
    person = make_guest("Marta from the library")
    ballot, created = cast(dots_module, person, 2, 2, entered_by=facilitator, channel=channel)
    assert created is True
    assert (ballot.channel, ballot.entered_by) == (channel, facilitator)
    assert fresh(dots_module).contribution_count == 1
    [event] = audit_events("priority_ballot.cast")
    assert event.actor_id == facilitator.pk
    assert (event.data["channel"], event.data["assisted"]) == (channel, True)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_entering_ballots_for_others_needs_the_right(role, org, make_member, dots_module, guest):
    actor = make_member(org, role)
    with pytest.raises(PermissionDenied):
        cast(dots_module, guest, 1, entered_by=actor, channel="paper")
    assert not PriorityBallot.objects.exists()


def test_a_facilitator_still_keeps_to_the_dates(dots_module, guest, facilitator, set_window):
    set_window(dots_module.process, "closed")
    with pytest.raises(ValidationError) as caught:
        cast(dots_module, guest, 1, entered_by=facilitator, channel="paper")
    assert code_of(caught) == "closed"


# --- counters equal a recount ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["dots", "ranking"])
def test_counters_equal_a_recount_after_many_replaced_ballots(
    method, open_process, make_priority_module, make_guest
):
    module = make_priority_module(open_process, method=method, budget=9)
    items = ids(module)
    people = [make_guest() for _ in range(6)]
    chance = random.Random(4)
    for _ in range(60):
        person = chance.choice(people)
        if method == "dots":
            allocation = {item: chance.randint(0, 2) for item in items}
            allocation[chance.choice(items)] += 1
        else:
            order = items[:]
            chance.shuffle(order)
            allocation = {item: position for position, item in enumerate(order, start=1)}
        services.ballot_cast(participant=person, module=module, allocation=allocation)
        assert counters(module) == recounted(module)
    ballots = PriorityBallot.objects.filter(module=module).count()
    assert fresh(module).contribution_count == ballots == len(people)

"""Opinion groups in the background: votes ask for an update (debounced,
after the commit), the task computes from the votes and keeps the state
between updates, and moderation takes statements out."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participai.participation.models import OpinionGroups
from participai.participation.services import insights as services
from participai.participation.services.contributions import statement_vote
from participai.participation.services.moderation import contribution_hide

from .conftest import CAMPS, STATEMENTS


def computed(module) -> OpinionGroups:
    return services.opinion_groups_compute(module_id=module.pk)


def test_two_camps_make_two_groups_with_what_sets_them_apart(statements_module, divided):
    statements, _camps = divided
    row = computed(statements_module)
    summary = row.summary
    assert row.computed_at is not None
    assert row.votes_counted == 2 * CAMPS * STATEMENTS
    assert row.participants_counted == 2 * CAMPS
    assert summary["clustered"] == 2 * CAMPS
    assert sorted(group["size"] for group in summary["groups"]) == [CAMPS, CAMPS]
    first_half = {s.pk for s in statements[: STATEMENTS // 2]}
    second_half = {s.pk for s in statements} - first_half
    sides = []
    for group in summary["groups"]:
        agreed = {r["statement"] for r in group["representative"] if r["direction"] == "agree"}
        against = {r["statement"] for r in group["representative"] if r["direction"] == "disagree"}
        assert len(group["representative"]) <= 5  # at most five, agreements first
        assert group["representative"][0]["direction"] == "agree"
        side = first_half if agreed <= first_half else second_half
        assert agreed and agreed <= side and against <= ({s.pk for s in statements} - side)
        sides.append(min(side))
        for item in group["representative"]:
            assert item["share"] == 1.0 and item["others_share"] == 0.0
    assert sorted(sides) == [min(first_half), min(second_half)]  # one group per camp
    # Every statement divides the camps completely; none is consensus.
    assert {d["statement"] for d in summary["divisive"]} <= {s.pk for s in statements}
    assert all(sorted(d["agree_by_group"]) == [0.0, 1.0] for d in summary["divisive"])
    assert summary["consensus"] == {"agree": [], "disagree": []}
    assert sum(people for _x, _y, people, _g in summary["map"]) == 2 * CAMPS
    assert set(summary["priorities"]) == {str(s.pk) for s in statements}


def test_each_update_starts_from_the_last_state(statements_module, divided, monkeypatch):
    first = computed(statements_module)
    seen = []
    real = services.analyse

    def spy(matrix, **kwargs):
        seen.append(kwargs["previous"])
        return real(matrix, **kwargs)

    monkeypatch.setattr(services, "analyse", spy)
    second = computed(statements_module)
    [previous] = seen
    assert previous is not None and previous.to_dict() == first.state
    assert second.state["in_conversation"] == first.state["in_conversation"]
    assert [g["size"] for g in second.summary["groups"]] == [
        g["size"] for g in first.summary["groups"]
    ]


def test_an_update_that_started_earlier_does_not_overwrite_a_later_one(statements_module, divided):
    now = timezone.now()
    services.opinion_groups_compute(module_id=statements_module.pk, now=now)
    later = OpinionGroups.objects.get(module=statements_module)
    services.opinion_groups_compute(module_id=statements_module.pk, now=now - timedelta(minutes=1))
    kept = OpinionGroups.objects.get(module=statements_module)
    assert kept.computed_at == later.computed_at == now


def test_votes_saved_just_before_an_update_ask_for_one_more(
    statements_module, divided, monkeypatch
):
    class Deferring:
        supports_defer = True

    monkeypatch.setattr(services, "default_task_backend", Deferring())
    computed(statements_module)  # the votes were saved a moment ago
    assert OpinionGroups.objects.get(module=statements_module).requested_at is not None
    # Long after the last vote, an update asks for nothing more.
    OpinionGroups.objects.filter(module=statements_module).update(requested_at=None)
    services.opinion_groups_compute(
        module_id=statements_module.pk, now=timezone.now() + timedelta(minutes=1)
    )
    assert OpinionGroups.objects.get(module=statements_module).requested_at is None


def test_a_hidden_statement_leaves_the_groups_quotes(
    statements_module, divided, moderator, django_capture_on_commit_callbacks
):
    statements, _camps = divided
    computed(statements_module)  # the votes' update has run
    hidden = statements[0]
    with django_capture_on_commit_callbacks(execute=True):
        contribution_hide(actor=moderator, contribution=hidden, reason="Names a person.")
    summary = OpinionGroups.objects.get(module=statements_module).summary
    quoted = {r["statement"] for g in summary["groups"] for r in g["representative"]}
    quoted |= {d["statement"] for d in summary["divisive"]}
    assert hidden.pk not in quoted
    assert summary["priorities"][str(hidden.pk)] == 0.0
    # Its votes still count towards who is clustered.
    assert summary["clustered"] == 2 * CAMPS


def test_a_vote_asks_for_an_update_after_the_commit(
    statements_module, make_contribution, make_guest, django_capture_on_commit_callbacks
):
    statement = make_contribution(statements_module, "People, not software, decide visits.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        statement_vote(participant=make_guest(), statement=statement, choice="agree")
    assert len(callbacks) == 1
    # The test settings run tasks at once: the update ran after the commit.
    row = OpinionGroups.objects.get(module=statements_module)
    assert row.computed_at is not None
    assert row.requested_at is None
    assert row.votes_counted == 1


def test_votes_while_an_update_waits_ask_for_nothing_more(
    statements_module, make_contribution, make_guest, django_capture_on_commit_callbacks
):
    statement = make_contribution(statements_module, "Carers see the schedule first.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(5):
            statement_vote(participant=make_guest(), statement=statement, choice="agree")
    assert len(callbacks) == 1  # one update queued for five votes
    assert OpinionGroups.objects.get(module=statements_module).requested_at is not None


def test_a_lost_request_turns_stale_and_the_next_vote_asks_again(statements_module):
    now = timezone.now()
    OpinionGroups.objects.create(
        module=statements_module, requested_at=now - services.STALE_REQUEST - timedelta(1)
    )
    assert services.opinion_groups_request(module=statements_module, now=now) is True
    assert OpinionGroups.objects.get(module=statements_module).requested_at == now
    assert services.opinion_groups_request(module=statements_module, now=now) is False


def test_only_statements_modules_have_opinion_groups(comments_module):
    assert services.opinion_groups_request(module=comments_module) is False
    assert services.opinion_groups_compute(module_id=comments_module.pk) is None
    assert not OpinionGroups.objects.exists()


def test_a_module_with_no_votes_has_an_empty_result(statements_module):
    row = computed(statements_module)
    assert row.votes_counted == 0
    assert row.summary["groups"] == [] and row.summary["clustered"] == 0


def test_a_state_from_an_older_release_is_discarded_not_fatal(statements_module, divided):
    OpinionGroups.objects.filter(module=statements_module).update(state={"something": "else"})
    row = computed(statements_module)
    assert len(row.summary["groups"]) == 2
    assert "in_conversation" in row.state


def test_the_queue_being_down_fails_no_vote(
    statements_module,
    make_contribution,
    make_guest,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from participai.participation import tasks

    class Down:
        def enqueue(self, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "compute_opinion_groups", Down())
    statement = make_contribution(statements_module, "Keep a person on the phone line.")
    with django_capture_on_commit_callbacks(execute=True):
        vote = statement_vote(participant=make_guest(), statement=statement, choice="agree")
    assert vote.pk is not None
    assert OpinionGroups.objects.get(module=statements_module).computed_at is None


# --- Topics of what people wrote ------------------------------------------------------------

THEMES = {
    "waiting": [
        "My mother waited eight months for her home-care assessment.",
        "The waiting list for an assessment is far too long.",
        "We waited half a year before anyone came to assess my father.",
        "Waiting times for assessments must come down.",
    ],
    "privacy": [
        "Who will see my medical records if software reads them?",
        "Keep our health data private and inside the council.",
        "I worry that personal data about my illness will be shared with companies.",
        "Data about disabled people must not be sold or reused.",
    ],
}


def test_topics_of_the_comments_with_quotes_as_references(comments_module, make_contribution):
    made = {
        theme: [make_contribution(comments_module, text) for text in texts]
        for theme, texts in THEMES.items()
    }
    row = services.topics_compute(module_id=comments_module.pk)
    assert row.texts_counted == 8
    topics = [t for t in row.summary["topics"] if not t["other"]]
    assert sorted(t["count"] for t in topics) == [4, 4]
    for topic in topics:
        theme = next(
            name
            for name, rows in made.items()
            if f"c{rows[0].pk}" in topic["quotes"]
            or any(f"c{r.pk}" in topic["quotes"] for r in rows)
        )
        assert set(topic["quotes"]) <= {f"c{r.pk}" for r in made[theme]}
        assert topic["quotes"]


def test_near_duplicates_are_found(comments_module, make_contribution):
    first = make_contribution(comments_module, "The waiting list for an assessment is too long.")
    second = make_contribution(comments_module, "The waiting list for assessments is too long.")
    make_contribution(comments_module, "Please publish the contract with the supplier.")
    row = services.topics_compute(module_id=comments_module.pk)
    pairs = [(a, b) for a, b, _similarity in row.summary["duplicates"]]
    assert pairs == [(f"c{first.pk}", f"c{second.pk}")]


def test_hidden_comments_and_statements_are_not_texts(
    comments_module, statements_module, make_contribution, moderator
):
    kept = make_contribution(comments_module, "Carers need the rota a week ahead.")
    hidden = make_contribution(comments_module, "Spam spam spam.")
    contribution_hide(actor=moderator, contribution=hidden, reason="Spam.")
    make_contribution(statements_module, "A statement is voted on, not grouped.")
    row = services.topics_compute(module_id=comments_module.pk)
    assert row.texts_counted == 1
    assert row.summary["topics"][0]["quotes"] == [f"c{kept.pk}"]
    assert services.topics_compute(module_id=statements_module.pk) is None
    assert services.topics_request(module=statements_module) is False


def test_a_new_comment_asks_for_topics_after_the_commit(
    comments_module, make_contribution, django_capture_on_commit_callbacks
):
    from participai.participation.models import TextTopics

    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(comments_module, "Evening visits matter to working families.")
    row = TextTopics.objects.get(module=comments_module)
    assert row.computed_at is not None and row.texts_counted == 1


def test_a_statement_both_camps_agree_with_is_agreed_across_groups(
    statements_module, divided, make_contribution
):
    _statements, camps = divided
    shared = make_contribution(statements_module, "Tell people a date for their visit.")
    for voter in camps[0] + camps[1]:
        statement_vote(participant=voter, statement=shared, choice="agree")
    summary = computed(statements_module).summary
    assert [item["statement"] for item in summary["group_consensus"]] == [shared.pk]
    assert shared.pk not in {d["statement"] for d in summary["divisive"]}

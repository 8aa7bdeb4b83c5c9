"""GET /api/modules/{id}/opinion-groups: the last computation, as the page
shows it, with the same rules for who may read and for small groups."""

from __future__ import annotations

from participai.participation.models import ModuleKind
from participai.participation.services import insights
from participai.participation.services.contributions import statement_vote
from participai.participation.services.moderation import contribution_hide

from .conftest import CAMPS


def url(module) -> str:
    return f"/api/modules/{module.pk}/opinion-groups"


def test_404_before_the_first_computation(client, statements_module):
    response = client.get(url(statements_module))
    assert response.status_code == 404
    assert "not been computed yet" in response.json()["message"]


def test_groups_consensus_and_divides(client, statements_module, divided):
    statements, _camps = divided
    insights.opinion_groups_compute(module_id=statements_module.pk)
    body = client.get(url(statements_module)).json()
    assert body["votes_counted"] == 2 * CAMPS * len(statements)
    assert [g["letter"] for g in body["groups"]] == ["A", "B"]
    assert [g["size"] for g in body["groups"]] == [CAMPS, CAMPS]
    first = body["groups"][0]["representative"][0]
    assert first["share"] == 1.0 and first["others_share"] == 0.0
    assert first["text"] in {s.body for s in statements}
    assert all(sorted(d["agree_by_group"]) == [0.0, 1.0] for d in body["divides"])
    assert body["consensus"] == []


def test_a_hidden_statement_is_not_given(client, statements_module, divided, moderator):
    statements, _camps = divided
    insights.opinion_groups_compute(module_id=statements_module.pk)
    contribution_hide(actor=moderator, contribution=statements[0], reason="Names someone.")
    body = client.get(url(statements_module)).json()
    given = {r["statement"] for g in body["groups"] for r in g["representative"]}
    given |= {d["statement"] for d in body["divides"]}
    assert statements[0].pk not in given


def test_one_group_is_no_division(client, statements_module, make_contribution, make_guest):
    statement = make_contribution(statements_module, "Only one opinion here.")
    for _ in range(3):
        statement_vote(participant=make_guest(), statement=statement, choice="agree")
    insights.opinion_groups_compute(module_id=statements_module.pk)
    body = client.get(url(statements_module)).json()
    assert body["groups"] == [] and body["divides"] == []
    assert body["participants"] == 3


def test_other_kinds_and_members_only_processes(client, comments_module, published, make_process):
    assert client.get(url(comments_module)).status_code == 404
    process = make_process(
        published, read_requires="account", modules=(ModuleKind.STATEMENTS,), publish=True
    )
    assert client.get(url(process.modules.get())).status_code == 403

"""The public page of a statements module's opinion groups: the map with its
text alternative, each group, consensus and divides, as last computed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.participation.models import ModuleKind, OpinionGroups
from participai.participation.services import insights as services
from participai.participation.services.moderation import contribution_hide

from .conftest import CAMPS


def opinions_url(module) -> str:
    process = module.process
    return f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/opinions/"


def page(client, module) -> str:
    response = client.get(opinions_url(module))
    assert response.status_code == 200
    return response.content.decode()


def test_before_any_computation_the_page_says_so(client, statements_module):
    html = page(client, statements_module)
    assert "have not been worked out yet" in html
    assert "<svg" not in html


def test_the_map_its_table_and_each_group(client, statements_module, divided):
    statements, _camps = divided
    services.opinion_groups_compute(module_id=statements_module.pk)
    html = page(client, statements_module)
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    description = root.find("{http://www.w3.org/2000/svg}desc").text
    assert f"{2 * CAMPS} people in opinion groups" in description
    assert f"group A: {CAMPS} people" in description
    # The table that is the map's text alternative, then what each group stands for.
    assert "<caption>Opinion groups and their size</caption>" in html
    assert html.count(f"<td>{CAMPS}</td>") == 2
    assert "Group A (8 people)" in html and "Group B (8 people)" in html
    assert "100 % of this group agreed, against 0 % in the other groups." in html
    assert "Where groups differ" in html and statements[0].body in html
    assert "No statement has clear agreement or disagreement across everyone yet." in html
    assert "Computed " in html and "from 96 votes" in html


def test_a_statement_hidden_after_the_computation_is_not_quoted(
    client,
    statements_module,
    divided,
    moderator,
):
    statements, _camps = divided
    services.opinion_groups_compute(module_id=statements_module.pk)
    contribution_hide(actor=moderator, contribution=statements[0], reason="Names a person.")
    html = page(client, statements_module)
    assert statements[0].body not in html
    assert statements[1].body in html


def test_a_waiting_update_is_announced(client, statements_module, divided):
    services.opinion_groups_compute(module_id=statements_module.pk)
    OpinionGroups.objects.filter(module=statements_module).update(requested_at="2026-01-01T00:00Z")
    assert "Newer votes are being counted" in page(client, statements_module)


def test_too_few_voters_for_groups(client, statements_module, make_contribution, make_guest):
    from participai.participation.services.contributions import statement_vote

    statement = make_contribution(statements_module, "One statement, one vote.")
    statement_vote(participant=make_guest(), statement=statement, choice="agree")
    services.opinion_groups_compute(module_id=statements_module.pk)
    html = page(client, statements_module)
    assert "too few votes each, to form groups yet" in html


def test_the_page_reads_but_never_computes(client, statements_module, divided):
    services.opinion_groups_compute(module_id=statements_module.pk)
    with CaptureQueriesContext(connection) as queries:
        page(client, statements_module)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert not [sql for sql in writes if "opiniongroups" in sql]
    reads = [q["sql"] for q in queries if "participation_opiniongroups" in q["sql"]]
    assert len(reads) == 1


def test_the_statements_page_links_to_the_groups(client, statements_module):
    html = client.get(opinions_url(statements_module).replace("opinions/", "")).content.decode()
    assert opinions_url(statements_module) in html


def test_other_modules_have_no_opinion_page(client, comments_module):
    assert client.get(opinions_url(comments_module)).status_code == 404


@pytest.mark.parametrize("requires", ["account"])
def test_a_members_only_process_asks_to_sign_in(client, published, make_process, requires):
    process = make_process(
        published, read_requires=requires, modules=(ModuleKind.STATEMENTS,), publish=True
    )
    html = page(client, process.modules.get())
    assert "Sign in with an account to read this process." in html


def test_a_group_under_five_is_counted_but_not_described(
    client, statements_module, make_contribution, make_guest
):
    from participai.participation.services.contributions import statement_vote

    statements = [make_contribution(statements_module, f"Statement {n}") for n in range(4)]
    # Seven who agree with everything, three who disagree with everything.
    for size, choice in ((7, "agree"), (3, "disagree")):
        for _ in range(size):
            voter = make_guest()
            for statement in statements:
                statement_vote(participant=voter, statement=statement, choice=choice)
    services.opinion_groups_compute(module_id=statements_module.pk)
    html = page(client, statements_module)
    assert "Group A (7 people)" in html or "Group B (7 people)" in html
    assert "(3 people)" in html
    assert html.count("not described, so that nobody") == 1
    # Nothing compares the larger group with the small one, which would give
    # away how its three people voted.
    assert "in the other groups" not in html
    assert "100 % of this group agreed." in html
    assert "No statement divides the groups clearly yet." in html
    assert "Agreed across every group" not in html

"""The canvas as plain data: its JSON form, its fingerprint, its print rows and
its Markdown export, which must render hostile text as text."""

from __future__ import annotations

import datetime
import json

import pytest
from markdown_it import MarkdownIt

from participai.engagement.canvas import (
    SCHEMA,
    Block,
    Canvas,
    Column,
    Fact,
    Header,
    Pending,
    Table,
    escape_markdown,
    print_rows,
    to_markdown,
)

GENERATED = datetime.datetime(2025, 5, 6, 10, 30, tzinfo=datetime.UTC)
md = MarkdownIt("commonmark", {"html": True}).enable("table")


def header(**changes) -> Header:
    values = {
        "slug": "triage",
        "title": "Triage of referrals",
        "organisation": "Northbridge Council",
        "stage": "engagement_planning",
        "stage_name": "Engagement planning",
        "phase": "purpose",
        "phase_name": "Purpose",
        "status": "active",
        "status_name": "Active",
        "impact_level": 3,
        "published": True,
        "published_on": datetime.date(2025, 4, 1),
        "version": 7,
        "edition": "public",
        "language": "en",
        "generated_at": GENERATED,
    }
    return Header(**(values | changes))


def sample(**header_changes) -> Canvas:
    return Canvas(
        header=header(**header_changes),
        blocks=(
            Block(
                "mission",
                "Mission and problem",
                facts=(
                    Fact("mission", "Mission", "Everyone gets help in time."),
                    Fact("groups", "Groups", ("Older people", "Families")),
                    Fact("level", "Impact level", "Level III", 3),
                ),
            ),
            Block(
                "actors",
                "Actors",
                tables=(
                    Table(
                        "actors",
                        "Actor map",
                        (Column("name", "Actor"), Column("role", "Role")),
                        (("Tenants", "Affected community"),),
                    ),
                ),
                wide=True,
            ),
            Block(
                "kpis",
                "KPIs",
                pending=(
                    Pending("KPIs are agreed at contract negotiation.", "contract_negotiation"),
                ),
            ),
        ),
    )


def test_as_dict_is_json_with_blocks_in_order():
    data = sample().as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["schema"] == SCHEMA
    assert data["edition"] == "public"
    assert data["version"] == 7
    assert data["generated_at"] == "2025-05-06T10:30:00+00:00"
    assert data["procurement"]["published_on"] == "2025-04-01"
    assert list(data["blocks"]) == ["mission", "actors", "kpis"]
    mission = data["blocks"]["mission"]["facts"]
    assert mission["groups"]["value"] == ["Older people", "Families"]
    assert mission["level"] == {
        "label": "Impact level",
        "value": "Level III",
        "code": 3,
        "format": "text",
    }
    assert data["blocks"]["actors"]["tables"]["actors"]["rows"] == [
        {"name": "Tenants", "role": "Affected community"}
    ]
    assert data["blocks"]["kpis"]["pending"] == [
        {"text": "KPIs are agreed at contract negotiation.", "stage": "contract_negotiation"}
    ]


def test_fingerprint_follows_content_not_generation_time():
    first = sample()
    later = sample(generated_at=GENERATED + datetime.timedelta(days=1))
    renamed = sample(title="Another title")
    assert first.fingerprint == later.fingerprint
    assert first.fingerprint != renamed.fingerprint
    assert sample(edition="staff").fingerprint != first.fingerprint
    assert len(first.fingerprint) == 12
    # Computed once per canvas, however often pages and exports ask for it.
    assert first.fingerprint is first.fingerprint
    assert first.as_dict()["fingerprint"] is first.fingerprint


def test_table_rows_must_match_columns():
    with pytest.raises(ValueError, match="row 0 has 1 cells, not 2"):
        Table("t", "T", (Column("a", "A"), Column("b", "B")), (("only one",),))


def test_unknown_edition_is_refused():
    with pytest.raises(ValueError, match="edition"):
        header(edition="secret")


def test_lookups_by_key():
    canvas = sample()
    assert canvas.block("mission").fact("level").code == 3
    assert canvas.block("actors").table("actors").records()[0]["name"] == "Tenants"
    with pytest.raises(KeyError):
        canvas.block("nope")
    with pytest.raises(KeyError):
        canvas.block("mission").fact("nope")


def test_print_rows_fill_four_units_in_order():
    blocks = tuple(
        Block(key, key, wide=wide)
        for key, wide in [("a", True), ("b", False), ("c", False), ("d", False), ("e", True)]
    )
    rows = print_rows(blocks)
    assert [[(b.key, units) for b, units in row] for row in rows] == [
        [("a", 2), ("b", 1), ("c", 1)],
        [("d", 1), ("e", 3)],
    ]
    assert all(sum(units for _, units in row) == 4 for row in rows)
    assert print_rows(()) == []


def test_markdown_has_header_blocks_tables_and_pending():
    text = to_markdown(sample())
    assert text.startswith("# Governance canvas: Triage of referrals\n")
    assert "- **Organisation:** Northbridge Council" in text
    assert "Published 2025-04-01" in text
    assert "**Version:** 7" in text
    assert "## Mission and problem" in text
    assert "- Older people\n- Families" in text
    assert "| Actor | Role |" in text
    assert "| Tenants | Affected community |" in text
    assert "> **Not defined yet:** KPIs are agreed at contract negotiation\\." not in text
    assert "> **Not defined yet:** KPIs are agreed at contract negotiation." in text
    html = md.render(text)
    assert "<table>" in html
    assert "<h2>Actors</h2>" in html


def test_markdown_of_a_draft_says_so():
    assert "Draft, not published" in to_markdown(sample(published=False, published_on=None))


HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![tracker](https://evil.example/pixel.png)",
    "# Fake heading",
    "Title\n===",
    "Line\n---",
    "> quoted",
    "- item",
    "+ item",
    "1. item",
    "    indented code",
    "```\ncode\n```",
    "**bold** _em_ ~~strike~~ `code`",
    "| a | b |\n|---|---|\n| c | d |",
    "&lt;script&gt; &amp;",
    "back\\slash\\",
    "<https://autolink.example>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escaped_text_renders_as_that_text(hostile):
    html = md.render(escape_markdown(hostile))
    # One paragraph of plain text: no tag other than <p> and line breaks.
    stripped = html.replace("<p>", "").replace("</p>", "").replace("<br />", "")
    assert "<" not in stripped.replace("&lt;", "")
    for line in hostile.split("\n"):
        if line.strip():
            expected = line.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            expected = expected.replace('"', "&quot;")
            assert expected in html


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_cannot_break_the_markdown_document(hostile):
    canvas = Canvas(
        header=header(title=hostile, organisation=hostile),
        blocks=(
            Block(
                "mission",
                hostile,
                facts=(Fact("mission", hostile, hostile), Fact("list", "L", (hostile,))),
                tables=(Table("t", hostile, (Column("a", hostile),), ((hostile,),)),),
                pending=(Pending(hostile, "review"),),
                note=hostile,
            ),
        ),
    )
    html = md.render(to_markdown(canvas))
    # The document's own structure only: one h1, one h2, one table, no raw HTML.
    assert html.count("<h1>") == 1
    assert html.count("<h2>") == 1
    assert html.count("<table>") == 1
    assert html.count("<blockquote>") == 1
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "<pre>" not in html
    assert "<code>" not in html
    assert "<h3>" not in html and "<hr" not in html


def test_escape_markdown_drops_control_characters_and_keeps_line_breaks():
    assert escape_markdown("a\x00b\r\nc\x1b") == "ab\nc"


def test_multi_line_values_keep_their_lines_and_paragraphs():
    canvas = Canvas(
        header=header(),
        blocks=(Block("b", "B", facts=(Fact("f", "F", "one\ntwo\n\nthree"),)),),
    )
    html = md.render(to_markdown(canvas))
    assert "<p>one<br />\ntwo</p>" in html
    assert "<p>three</p>" in html

"""A procurement officer's whole journey in a real browser: complete the
impact assessment, screen the system under the AI Act, read what the stakes
demand, build the actor map, accept a recommended plan and download the
governance canvas as a PDF whose text is then read back.

Only the procurement itself is set up in Python; everything else is done
through the pages, as the officer would.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from pypdf import PdfReader

from participai.procurements.models import ImpactLevel
from tests.conftest import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Triage of housing repair requests"
ACTOR = "Eastside Tenants Association"
# Twelve pages apply to the design phase; the loop stops well before this.
MAX_SECTIONS = 20


@pytest.fixture
def server_errors(page: Page) -> list[str]:
    """Every response of status 500 or more the page receives, as text."""
    errors: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", record)
    return errors


def answer_every_question(page: Page) -> None:
    """On a section page: the first option of every radio group, the first box
    of every group of check boxes, a sentence in every text area. USWDS hides
    the native inputs and draws their labels, so the labels are clicked."""
    form = page.locator("main form")
    for group in form.locator(".usa-form-group").all():
        radios = group.locator("label.usa-radio__label")
        boxes = group.locator("label.usa-checkbox__label")
        texts = group.locator("textarea")
        if radios.count():
            radios.first.click()
            expect(group.locator("input[type=radio]").first).to_be_checked()
        elif boxes.count():
            if not group.locator("input[type=checkbox]").first.is_checked():
                boxes.first.click()
            expect(group.locator("input[type=checkbox]").first).to_be_checked()
        elif texts.count():
            texts.first.fill("Written during the browser test of the officer's journey.")


def complete_impact_assessment(page: Page, base: str, errors: list[str]) -> str:
    """Answer every section, complete the assessment; return the level's numeral."""
    page.goto(f"{base}/assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact assessment")
    expect(page.get_by_text("No assessment yet.")).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(r"/assessment/1/context/$"))

    review = re.compile(r"/assessment/1/$")
    for _ in range(MAX_SECTIONS):
        if review.search(page.url):
            break
        heading = page.get_by_role("heading", level=1).inner_text()
        answer_every_question(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()
        assert not errors, errors
        # A section that refused its answers stays on the page with an error.
        expect(page.locator(".usa-form-group--error")).to_have_count(0)
        assert review.search(page.url) or page.get_by_role("heading", level=1).inner_text() != (
            heading
        ), f"stuck on the section “{heading}”"
    else:
        pytest.fail(f"the review page was not reached after {MAX_SECTIONS} sections")

    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment 1: Draft")
    expect(page.get_by_text("With the answers so far: level")).to_be_visible()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("Assessment completed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment 1: Completed")
    level = page.get_by_role("heading", level=2, name=re.compile(r"^Impact level [IV]+$"))
    expect(level).to_be_visible()
    numeral = level.inner_text().rsplit(" ", 1)[1]

    # The overview lists the completed assessment with its level.
    page.get_by_role("link", name="Impact assessment").first.click()
    expect(page).to_have_url(f"{base}/assessment/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="1", exact=True))
    expect(row).to_contain_text("Completed")
    expect(row.get_by_role("cell").nth(3)).to_have_text(numeral)
    assert not errors, errors
    return numeral


def screen_under_the_ai_act(page: Page, base: str, errors: list[str]) -> None:
    page.goto(f"{base}/assessment/ai-act/")
    expect(page.get_by_text("No screening yet.")).to_be_visible()
    page.get_by_role("button", name="Start the screening").click()
    expect(page).to_have_url(re.compile(r"/assessment/ai-act/1/$"))
    form = page.locator("main form")
    form.locator("label.usa-checkbox__label", has_text=re.compile(r"^5\(a\) ")).click()
    expect(form.get_by_label(re.compile(r"^5\(a\) "))).to_be_checked()
    profiling = form.locator(".usa-form-group").filter(
        has=page.get_by_text("Does the system profile people")
    )
    profiling.locator("label.usa-radio__label", has_text=re.compile(r"^Yes$")).click()
    expect(profiling.get_by_label("Yes", exact=True)).to_be_checked()
    form.get_by_role("button", name="Save and complete").click()

    expect(page.get_by_text("Screening completed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Result: High risk")).to_be_visible()
    expect(
        page.get_by_text(
            "A fundamental rights impact assessment is required before the system is used."
        )
    ).to_be_visible()
    assert not errors, errors


def read_the_obligations(page: Page, base: str, errors: list[str], numeral: str) -> None:
    page.get_by_role("link", name="See what the procurement owes now").click()
    expect(page).to_have_url(f"{base}/assessment/obligations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What the stakes demand")
    stakes = page.get_by_role("list", name="The stakes")
    expect(stakes).to_contain_text(f"Impact level: Level {numeral}:")
    expect(stakes).to_contain_text("AI Act class: High risk")
    gates = page.get_by_role("heading", level=2, name=re.compile(r"^Gate \d+: "))
    assert gates.count() >= 2, "obligations are grouped by the gate that checks them"
    fria = page.locator("#obligation-fundamental_rights_impact_assessment")
    expect(fria.get_by_role("rowheader")).to_contain_text(
        "Carry out a fundamental rights impact assessment"
    )
    expect(fria.locator(".usa-tag")).to_have_text("not met")
    section = page.locator("section").filter(has=fria)
    expect(section.get_by_role("heading", level=2)).to_contain_text(re.compile(r"^Gate \d+: "))
    assert not errors, errors


def build_the_actor_map(page: Page, base: str, errors: list[str]) -> None:
    page.goto(f"{base}/engagement/actors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actor map")
    expect(page.get_by_text("No actor on the map yet.")).to_be_visible()
    page.get_by_role("link", name="Add an actor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an actor")
    form = page.locator("main form")
    form.get_by_label("Name").fill(ACTOR)
    form.get_by_label("Role").select_option(label="Affected community")
    form.get_by_label("Sector").select_option(label="General public")
    form.locator("label.usa-checkbox__label", has_text="Affected by the system").click()
    expect(form.get_by_label("Affected by the system")).to_be_checked()
    form.get_by_label("Influence").select_option(label="2: low")
    form.get_by_label("Interest").select_option(label="5: very high")
    form.get_by_role("button", name="Add to the map").click()

    expect(page).to_have_url(f"{base}/engagement/actors/#actors")
    expect(page.get_by_text(f"“{ACTOR}” is on the map.")).to_be_visible()
    actors = page.get_by_role("table", name="1 actor on the map")
    expect(actors.get_by_role("rowheader", name=ACTOR)).to_be_visible()
    expect(actors.get_by_role("row", name=ACTOR)).to_contain_text("Affected community")

    # The involvement editor: one row per actor, a select per stage.
    page.get_by_label(f"{ACTOR}: Problem definition").select_option(label="Consult")
    page.get_by_role("button", name="Save involvement").click()
    expect(page.get_by_text("Involvement saved for 1 actor.")).to_be_visible()
    expect(page.get_by_label(f"{ACTOR}: Problem definition")).to_have_value("consult")

    grid = page.get_by_role("img", name="Power-interest grid")
    expect(grid).to_be_visible()
    assert grid.evaluate("node => node.tagName.toLowerCase()") == "svg"
    grid_data = page.get_by_role("table", name="The grid's data")
    # Number, influence, interest, quadrant, affected (the name is the row header).
    expect(grid_data.get_by_role("row", name=ACTOR).get_by_role("cell")).to_have_text(
        ["1", "2", "5", re.compile(r"\S"), "Yes"]
    )

    coverage = page.get_by_role("img", name="Who takes part at each stage")
    expect(coverage).to_be_visible()
    assert coverage.evaluate("node => node.tagName.toLowerCase()") == "svg"
    expect(coverage.locator("text", has_text=ACTOR)).to_have_count(1)
    coverage_data = page.get_by_role("table", name="The matrix's data")
    row = coverage_data.get_by_role("row", name=ACTOR)
    # Columns: the actor, then one per stage in order; problem definition first.
    expect(row.get_by_role("cell").first).to_have_text("Consult")
    assert not errors, errors


def accept_a_proposal(page: Page, base: str, errors: list[str]) -> str:
    """Recommend a plan, accept its first proposal; return that proposal's title."""
    page.goto(f"{base}/engagement/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement plan")
    expect(page.get_by_text("No proposal is waiting.")).to_be_visible()
    page.get_by_role("button", name="Recommend a plan").click()
    expect(page.get_by_text(re.compile(r"^\d+ activit(y|ies) proposed"))).to_be_visible()
    proposals = page.locator("[id^=proposal-]")
    expect(proposals.first).to_be_visible()
    count = proposals.count()
    first = proposals.first
    title = first.get_by_role("heading", level=3).inner_text()
    first.get_by_role("button", name=f"Accept “{title}”").click()

    expect(page.get_by_text(f"“{title}” is now in the plan.")).to_be_visible()
    expect(page.locator("[id^=proposal-]")).to_have_count(count - 1)
    timeline = page.get_by_role("table", name="The timeline as a table")
    expect(timeline.get_by_role("row", name=title)).to_contain_text("Planned")
    expect(page.get_by_role("img", name="Timeline of the engagement plan")).to_be_visible()
    assert not errors, errors
    return title


def download_the_canvas(page: Page, base: str, errors: list[str]) -> str:
    """Download the canvas PDF through the page's link; return its text, with
    whitespace collapsed so that line breaks do not split what is looked for."""
    page.goto(f"{base}/engagement/canvas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance canvas")
    expect(page.get_by_role("row", name=ACTOR).first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF (A3, for print)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    assert not errors, errors
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_officer_assesses_maps_plans_and_downloads_the_canvas(
    page: Page, live_server, officer, make_procurement, server_errors
):
    procurement = make_procurement(stage="impact_assessment", published=True, title=TITLE)
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}"
    login(page, live_server, "officer", PASSWORD)

    numeral = complete_impact_assessment(page, base, server_errors)
    screen_under_the_ai_act(page, base, server_errors)
    read_the_obligations(page, base, server_errors, numeral)
    build_the_actor_map(page, base, server_errors)
    accepted = accept_a_proposal(page, base, server_errors)
    text = download_the_canvas(page, base, server_errors)

    assert TITLE in text
    assert ACTOR in text
    assert str(ImpactLevel[numeral].label) in text
    assert "High risk" in text
    assert accepted in text
    assert not server_errors, server_errors

"""WCAG 2.1 A and AA, checked by axe-core on the pages people reach most.

A violation of impact "serious" or "critical" fails the test; the message
lists each one with the elements concerned, so it can be fixed from there.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

from .conftest import AXE_JS, login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => (await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {page.url}:\n{describe(blocking)}"


def test_portal_home_with_results(axe_page: Page, live_server, portal_scene):
    axe_page.goto(live_server.url + "/")
    assert axe_page.locator("#results .usa-card").count() == 2
    assert_accessible(axe_page)


def test_portal_home_without_results(axe_page: Page, live_server, portal_scene):
    axe_page.goto(live_server.url + "/?q=nothing-matches-this")
    assert axe_page.locator("#results .usa-card").count() == 0
    assert_accessible(axe_page)


def test_procurement_page_with_decisions_and_documents(axe_page: Page, live_server, portal_scene):
    axe_page.goto(f"{live_server.url}/p/{portal_scene.decided.slug}/")
    assert axe_page.locator(".decision").count() == 1
    assert_accessible(axe_page)


def test_text_document_page(axe_page: Page, live_server, portal_scene):
    document = portal_scene.text_document
    axe_page.goto(f"{live_server.url}/p/{portal_scene.decided.slug}/documents/{document.id}/")
    assert_accessible(axe_page)


def test_toolbox_pages(axe_page: Page, live_server):
    axe_page.goto(f"{live_server.url}/toolbox/?stage=vendor_evaluation")
    assert_accessible(axe_page)
    axe_page.goto(f"{live_server.url}/toolbox/citizens_jury/")
    assert_accessible(axe_page)


def test_login_page(axe_page: Page, live_server):
    axe_page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(axe_page)


def test_not_found_page(axe_page: Page, live_server):
    response = axe_page.goto(f"{live_server.url}/p/no-such-procurement/")
    assert response is not None and response.status == 404
    assert_accessible(axe_page)


def test_workspace_dashboard(axe_page: Page, live_server, portal_scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/")
    assert axe_page.locator(".board article").count() == 3
    assert_accessible(axe_page)


def test_procurement_form(axe_page: Page, live_server, officer):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/new/")
    assert_accessible(axe_page)


def test_procurement_form_with_errors(axe_page: Page, live_server, officer):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/new/")
    axe_page.get_by_role("button", name="Open as a draft").click()
    assert axe_page.locator(".usa-form-group--error").count() >= 1
    assert_accessible(axe_page)


def test_workspace_procurement_and_gate_form(axe_page: Page, live_server, portal_scene):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/{portal_scene.decided.slug}/")
    assert_accessible(axe_page)
    axe_page.goto(f"{live_server.url}/workspace/procurements/{portal_scene.decided.slug}/gate/")
    assert_accessible(axe_page)


MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
    (el) => el.getAttribute('aria-describedby').split(/\\s+/)
        .filter((id) => id && !document.getElementById(id))
        .map((id) => `${el.name || el.id}: ${id}`))"""


def test_form_hints_and_errors_are_tied_to_their_fields(axe_page: Page, live_server, officer):
    login(axe_page, live_server, "officer", PASSWORD)
    axe_page.goto(f"{live_server.url}/workspace/procurements/new/")
    axe_page.get_by_role("button", name="Open as a draft").click()
    assert axe_page.locator(".usa-form-group--error").count() >= 1
    missing = axe_page.evaluate(MISSING_DESCRIPTIONS)
    assert not missing, "aria-describedby points at nothing:\n" + "\n".join(missing)


def test_result_count_is_announced_after_filtering(page: Page, live_server, portal_scene):
    page.goto(live_server.url + "/")
    page.evaluate(
        "window.__live = document.querySelector('[aria-live]:not(#results [aria-live])')"
        " || document.querySelector('#results [aria-live]')"
    )
    page.get_by_role("search").get_by_label("Phase").select_option(label="Delivery")
    expect(page.locator("#results-heading")).to_have_text("1 procurement")
    assert page.evaluate(
        "document.contains(window.__live) && window.__live.textContent.includes('1 procurement')"
    )


def test_assessment_pages(axe_page: Page, live_server, officer, procurement):
    from participai.assessment import registry
    from participai.assessment.services import impact as services

    services.assessment_start(actor=officer, procurement=procurement)
    login(axe_page, live_server, "officer", PASSWORD)
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}/assessment"
    axe_page.goto(f"{base}/")
    assert_accessible(axe_page)
    for section in registry.current().sections[:2]:
        axe_page.goto(f"{base}/1/{section.key}/")
        assert_accessible(axe_page)
    axe_page.goto(f"{base}/1/")
    assert_accessible(axe_page)

"""Browser fixtures: one Debian chromium per session, a fresh context per test,
Django's live server, and a portal scene (published procurements with a gate
decision and documents, and a draft that must never show).

Browsers are not downloaded here: Playwright drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from participai.procurements import services as procurement_services
from participai.procurements.models import Document, GateOutcome, Procurement

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# A tiny but real PDF: header, one empty page, cross-reference table, trailer.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

RATIONALE = "The problem is well described and the people affected were heard at two meetings."
TEXT_BODY = "## What we heard\n\nResidents asked for a **human** to call them back."

# Ten seconds is generous for a local server; a hung page fails fast instead
# of eating the suite's time budget.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_page(browser: Browser, **context_options) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a fresh context (no cookies shared between tests)."""
    yield from _new_page(browser)


@pytest.fixture
def page_without_js(browser: Browser, live_server) -> Iterator[Page]:
    """A page with JavaScript off: what a resident on a basic browser gets."""
    yield from _new_page(browser, java_script_enabled=False)


@pytest.fixture
def axe_page(browser: Browser, live_server) -> Iterator[Page]:
    """A page that may inject axe-core: the site's CSP forbids inline script,
    which is what ``add_script_tag`` produces, so this context bypasses CSP."""
    yield from _new_page(browser, bypass_csp=True)


def login(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the real form, and wait until it has been accepted."""
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out ({username})")).to_be_visible()


@dataclass
class PortalScene:
    decided: Procurement
    delivery: Procurement
    draft: Procurement
    text_document: Document
    file_document: Document


@pytest.fixture
def portal_scene(make_procurement, officer) -> PortalScene:
    """Two published procurements and a draft.

    ``decided`` has a text and a PDF document in its first stage and a
    *proceed* decision on that stage's gate; ``delivery`` sits in the delivery
    phase; ``draft`` is unpublished and must never reach the portal.
    """
    decided = make_procurement(
        published=True,
        title="Triage of social-care referrals",
        mission="Everyone referred gets help in time, and urgent cases the same day.",
    )
    text_document = procurement_services.document_add(
        actor=officer,
        procurement=decided,
        title="Notes from the residents' meeting",
        document_type="minutes",
        body=TEXT_BODY,
    )
    file_document = procurement_services.document_add(
        actor=officer,
        procurement=decided,
        title="Needs assessment report",
        document_type="needs_assessment",
        upload=io.BytesIO(PDF_BYTES),
        filename="needs-assessment.pdf",
    )
    procurement_services.gate_decide(
        actor=officer,
        procurement=decided,
        outcome=GateOutcome.PROCEED,
        rationale=RATIONALE,
        deciders=[officer],
    )
    decided.refresh_from_db()
    delivery = make_procurement(
        published=True,
        stage="vendor_evaluation",
        title="Chatbot for library opening hours",
        mission="Residents find opening hours without waiting on the phone.",
    )
    draft = make_procurement(title="Secret draft on parking fines")
    return PortalScene(
        decided=decided,
        delivery=delivery,
        draft=draft,
        text_document=text_document,
        file_document=file_document,
    )

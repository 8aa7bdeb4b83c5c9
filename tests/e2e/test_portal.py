"""A resident on the public portal: find a procurement, read it, get its documents."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

from .conftest import PDF_BYTES, RATIONALE, login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def result_titles(page: Page) -> list[str]:
    return page.locator("#results .usa-card__heading").all_inner_texts()


def test_list_shows_published_procurements_and_never_a_draft(
    page: Page, live_server, portal_scene
):
    page.goto(live_server.url + "/")

    expect(page).to_have_title(re.compile("AI procurements in the open"))
    expect(page.locator("#results-heading")).to_have_text("2 procurements")
    assert sorted(result_titles(page)) == sorted(
        [portal_scene.decided.title, portal_scene.delivery.title]
    )
    expect(page.get_by_text(portal_scene.draft.title)).to_have_count(0)


def test_search_and_filters_by_submitting_the_form(
    page_without_js: Page, live_server, portal_scene
):
    page = page_without_js
    page.goto(live_server.url + "/")
    search = page.get_by_role("search")

    search.get_by_label("Search").fill("library")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]q=library"))
    expect(page.locator("#results-heading")).to_have_text("1 procurement")
    assert result_titles(page) == [portal_scene.delivery.title]
    expect(search.get_by_label("Search")).to_have_value("library")

    # A draft matches nothing, even searched for by its own title.
    search.get_by_label("Search").fill("parking")
    search.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_have_text("0 procurements")
    expect(page.get_by_text("No published procurement matches")).to_be_visible()

    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#results-heading")).to_have_text("2 procurements")

    search.get_by_label("Phase").select_option(label="Delivery")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]phase=delivery"))
    assert result_titles(page) == [portal_scene.delivery.title]

    search.get_by_label("Phase").select_option(label="All phases")
    search.get_by_label("Stage").select_option(label="Impact assessment")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]stage=impact_assessment"))
    assert result_titles(page) == [portal_scene.decided.title]


def test_filters_with_javascript_swap_the_results_in_place(page: Page, live_server, portal_scene):
    page.goto(live_server.url + "/")
    page.evaluate("window.__sameDocument = true")
    search = page.get_by_role("search")

    search.get_by_label("Phase").select_option(label="Delivery")
    expect(page.locator("#results-heading")).to_have_text("1 procurement")
    assert result_titles(page) == [portal_scene.delivery.title]
    expect(page).to_have_url(re.compile(r"[?&]phase=delivery"))
    # htmx swapped #results: the page itself was not reloaded.
    assert page.evaluate("window.__sameDocument") is True

    search.get_by_label("Phase").select_option(label="All phases")
    search.get_by_label("Search").fill("triage")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]q=triage"))
    expect(page.locator("#results-heading")).to_have_text("1 procurement")
    assert result_titles(page) == [portal_scene.decided.title]
    assert page.evaluate("window.__sameDocument") is True


def test_procurement_page_shows_mission_timeline_decision_and_documents(
    page: Page, live_server, portal_scene
):
    decided = portal_scene.decided
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=decided.title).click()

    expect(page).to_have_url(f"{live_server.url}/p/{decided.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(decided.title)
    expect(page.get_by_role("heading", name="Mission")).to_be_visible()
    expect(page.get_by_text(decided.mission)).to_be_visible()

    expect(page.get_by_role("heading", name="Timeline and decisions")).to_be_visible()
    first_stage = page.locator("li.stage").filter(
        has=page.get_by_role("heading", name=re.compile(r"^1\. Problem definition"))
    )
    expect(first_stage).to_contain_text("done")
    expect(first_stage.locator(".decision")).to_contain_text("Gate decision: Proceed")
    expect(first_stage.locator(".decision")).to_contain_text(RATIONALE)
    expect(first_stage.locator(".decision")).to_contain_text("Taken by: officer")
    current = page.locator("li.stage--current")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Impact assessment")

    # A text document opens as a page of its own.
    first_stage.get_by_role("link", name=portal_scene.text_document.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal_scene.text_document.title)
    expect(page.get_by_role("heading", name="What we heard")).to_be_visible()
    expect(page.locator("article strong")).to_have_text("human")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name=decided.title
    ).click()

    # A file document is downloaded as the very bytes that were uploaded.
    link = first_stage.get_by_role("link", name=portal_scene.file_document.title)
    expect(first_stage).to_contain_text("(Needs assessment, PDF,")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "needs-assessment.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF_BYTES


def test_a_draft_is_not_found_for_anonymous_but_previewed_by_its_team(
    page: Page, live_server, portal_scene
):
    url = f"{live_server.url}/p/{portal_scene.draft.slug}/"
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(portal_scene.draft.title)).to_have_count(0)

    login(page, live_server, "officer", PASSWORD)
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.get_by_text("Draft preview")).to_be_visible()


def test_language_switcher_changes_the_page_language(page: Page, live_server, portal_scene):
    page.goto(f"{live_server.url}/p/{portal_scene.decided.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.locator("form.language-switcher")

    switcher.get_by_label("Language").select_option(label="Español")
    switcher.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # The switcher sends people back to the page they were reading.
    expect(page).to_have_url(f"{live_server.url}/p/{portal_scene.decided.slug}/")
    expect(switcher.locator("select")).to_have_value("es")

    switcher.locator("select").select_option(label="Català")
    switcher.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ca")
    expect(switcher.locator("select")).to_have_value("ca")


def test_an_empty_search_offers_no_clear_filters(page_without_js: Page, live_server, portal_scene):
    page = page_without_js
    page.goto(live_server.url + "/")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_have_text("2 procurements")
    assert page.get_by_role("link", name="Clear filters").count() == 0


def test_clear_filters_follows_filtering_with_javascript(page: Page, live_server, portal_scene):
    page.goto(live_server.url + "/")
    page.get_by_role("search").get_by_label("Phase").select_option(label="Delivery")
    expect(page.locator("#results-heading")).to_have_text("1 procurement")
    assert page.get_by_role("link", name="Clear filters").count() == 1

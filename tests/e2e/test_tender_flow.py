"""The whole tender in a real browser, from the first draft to the award.

The officer writes the tender (outcomes, dates, a requirement traced to a
"you said, we did" answer, weighted criteria), is stopped from publishing
while responsible-AI criteria carry less than the level-III minimum, fixes the
weights, adds the proposed clauses, puts the draft to public comment and
publishes it; decides the gate of solicitation preparation; seats a panel
(themselves and a resident) and records two bids, which stay sealed. Once the
bids are open, the resident and the officer declare their interests and score
alone, the panel moderates, the award is recorded, and the public page, the
tender pack (PDF and DOCX) and axe-core are checked.

Only what the flow does not cover is set up in Python: the organisation and
its people, the published procurement with its assessed stakes, a published
process with an answer to what people said, and the documents and the actor
map the gate's obligations ask for.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, Response, expect
from pypdf import PdfReader

from participai.engagement.models import Actor, EngagementActivity, Involvement
from participai.participation.models import ModuleKind, Process
from participai.participation.models import Response as Answer
from participai.participation.services import contributions as contribution_services
from participai.participation.services import participants as participant_services
from participai.participation.services import processes as process_services
from participai.participation.services import responses as response_services
from participai.procurements import services as procurement_services
from participai.procurements.models import Procurement
from participai.tendering.models import Bid, ModeratedScore, Tender, TenderClause, TenderStatus
from tests.conftest import PASSWORD

from .conftest import PDF_BYTES, TIMEOUT_MS, login
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Triage of housing repair requests"
PROCESS = "What repairs come first"
SAID = "Tenants must be able to reach a person about an urgent repair."
DID = "A person answers every urgent repair request the same day."
OUTCOMES = "Urgent repairs are **seen the same day**, and every request within a week."
REQUIREMENT = "A person reviews every urgent request"

QUALITY = "Outcomes for tenants"
FAIRNESS = "Fairness, oversight and transparency"
PRICE = "Price"

ACME, BOREALIS = "Acme Analytics", "Borealis Data"
# Each member's scores, quality then fairness, for Acme then Borealis.
RESIDENT_SCORES = {ACME: (3, 2), BOREALIS: (5, 4)}
OFFICER_SCORES = {ACME: (3, 3), BOREALIS: (4, 5)}
RESIDENT_WHY = "Spoke to tenants like me in plain words"
OFFICER_WHY = "Read against the requirements by the officer"
MOVED_REASON = "The demo showed no human review of urgent cases, so the panel agreed lower."
AWARD_RATIONALE = (
    "Borealis Data ranks first on the agreed scores, and stays first whichever weight "
    "moves by five points; its human review of urgent requests answers what tenants asked."
)


def exact(label: str) -> re.Pattern[str]:
    """A field's accessible name: its label, then the "required" star if any."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def local_input(moment: datetime.datetime) -> str:
    """``moment`` as a datetime-local input takes it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def server_errors(axe_page: Page) -> list[str]:
    """Every response of status 500 or more the officer's page receives."""
    errors: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    axe_page.on("response", record)
    return errors


@pytest.fixture
def resident_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second browser context, for the resident: no cookie shared with the
    officer's; it bypasses the CSP so that axe-core may be injected."""
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass
class Scene:
    procurement: Procurement
    process: Process
    answer: Answer


def _published_answer(officer, procurement: Procurement) -> tuple[Process, Answer]:
    """A published process, open since yesterday, where a tenant asked for a
    person on urgent repairs, and the team's published answer to it."""
    now = timezone.now()
    process = process_services.process_create(
        actor=officer,
        procurement=procurement,
        title=PROCESS,
        slug="what-repairs-come-first",
        question="Which repair requests should never wait?",
        negotiable="The order in which requests are answered.",
        decision_stage="diagnosis",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    comments = process_services.module_add(
        actor=officer, process=process, kind=ModuleKind.COMMENTS, title="Comments"
    )
    process = process_services.process_publish(actor=officer, process=process)
    contribution = contribution_services.contribution_add(
        participant=participant_services.guest_join(pseudonym="Rosa"), module=comments, body=SAID
    )
    answer = response_services.response_create(
        actor=officer,
        process=process,
        contributions=[contribution],
        status="adopted",
        change_kind="requirement",
        change=DID,
        reason="Many tenants asked for it; the tender now requires it.",
        target_label="Requirement on urgent requests",
    )
    return process, answer


def _meet_the_gate_obligations(officer, procurement: Procurement) -> None:
    """What level III asks for by the gate of solicitation preparation: an
    independent expert involved in engagement planning and a deliberation with
    the affected community done during problem definition (rows on the actor
    map and the plan), and five documents, which also document the stage."""
    expert = Actor.objects.create(
        procurement=procurement,
        name="Independent housing data expert",
        kind="independent_expert",
        sector="academia",
        influence=3,
        interest=4,
        created_by=officer,
    )
    Involvement.objects.create(actor=expert, stage="engagement_planning", depth="involve")
    EngagementActivity.objects.create(
        procurement=procurement,
        mechanism_key="focus_groups",
        stage="problem_definition",
        title="Focus groups with tenants",
        status="done",
        target_kinds=["affected_community"],
        outputs="Minutes of three focus groups.",
        created_by=officer,
    )
    for document_type, title in (
        ("tender_notice", "Tender notice"),
        ("equity_analysis", "Equity analysis of repair triage"),
        ("public_notice", "Public notice of the AI procurement"),
        ("plain_language_explanation", "How the triage would work, in plain words"),
        ("individual_explanations", "How each decision will be explained"),
        ("human_oversight_plan", "Human oversight and training plan"),
    ):
        procurement_services.document_add(
            actor=officer,
            procurement=procurement,
            title=title,
            document_type=document_type,
            body=f"{title}: written for the browser test.",
        )


@pytest.fixture
def scene(make_procurement, settle_stakes, officer) -> Scene:
    procurement = make_procurement(
        stage="solicitation_preparation",
        published=True,
        title=TITLE,
        mission="Tenants get urgent repairs done in time.",
    )
    # Level III: responsible-AI criteria must carry at least 20 % of the weight.
    procurement = settle_stakes(procurement, level=3)
    process, answer = _published_answer(officer, procurement)
    _meet_the_gate_obligations(officer, procurement)
    return Scene(procurement=procurement, process=process, answer=answer)


# --- 1. The tender is written, refused, fixed, reviewed and published --------------------


def add_criterion(page: Page, base: str, group: str, name: str, weight: str, method: str):
    page.goto(f"{base}/tender/criteria/add/")
    form = page.locator("main form")
    form.get_by_label(exact("Group")).select_option(label=group)
    form.get_by_label(exact("Criterion")).fill(name)
    form.get_by_label(exact("Weight (%)")).fill(weight)
    form.get_by_label(exact("How it is scored")).select_option(label=method)
    form.get_by_label(exact("What each score means")).fill(
        "0: No evidence\n3: Meets it\n5: Goes beyond it"
    )
    if group != "Price":
        form.locator("label.usa-checkbox__label", has_text=REQUIREMENT).click()
    form.get_by_role("button", name="Add the criterion").click()
    expect(page.get_by_text("Criterion added.")).to_be_visible()


def set_weight(page: Page, name: str, weight: str) -> None:
    page.get_by_role("link", name=f"Edit “{name}”").click()
    page.locator("main form").get_by_label(exact("Weight (%)")).fill(weight)
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()


def write_and_publish_the_tender(page: Page, live_server, scene: Scene, errors: list[str]):
    procurement = scene.procurement
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}"
    page.goto(f"{base}/tender/")
    expect(page.get_by_text("No tender has been started for this procurement.")).to_be_visible()
    page.get_by_role("button", name="Start the tender").click()
    expect(page.get_by_text("The outcomes sought are not written yet.")).to_be_visible()

    # Outcomes and dates: bids close in two days, and are opened an hour later.
    now = timezone.now()
    deadline = now + datetime.timedelta(days=2)
    page.get_by_role("link", name="Edit the outcomes and dates").click()
    form = page.locator("main form")
    form.get_by_label(exact("Outcomes sought")).fill(OUTCOMES)
    form.get_by_label(exact("Last day for suppliers' questions")).fill(
        local_input(now + datetime.timedelta(days=1))
    )
    form.get_by_label(exact("Deadline for bids")).fill(local_input(deadline))
    form.get_by_label(exact("Bids are opened on")).fill(
        local_input(deadline + datetime.timedelta(hours=1))
    )
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Outcomes and dates saved.")).to_be_visible()
    expect(page.locator("#settings")).to_contain_text("seen the same day")

    # A requirement, first without a source (and shown so), then traced to the answer.
    page.get_by_role("link", name="Add a requirement").click()
    form = page.locator("main form")
    form.locator("label.usa-radio__label", has_text=re.compile(r"^Outcome$")).click()
    form.get_by_label(exact("Requirement")).fill(REQUIREMENT)
    form.get_by_label(exact("Details")).fill("Checked monthly on a sample of urgent requests.")
    form.get_by_role("button", name="Add the requirement").click()
    expect(page.get_by_text("Requirement added. Link it to where it comes from.")).to_be_visible()
    item = page.locator("#requirements li", has_text=REQUIREMENT).first
    expect(item.get_by_text("No source", exact=True)).to_be_visible()

    item.get_by_role("link", name=f"Link a source ({REQUIREMENT})").click()
    expect(page.get_by_role("heading", name="Link a source", level=1)).to_be_visible()
    page.get_by_label(exact("Where the requirement comes from")).select_option(
        label=f"{PROCESS}: {DID}"
    )
    page.get_by_role("button", name="Link the source").click()
    expect(page.get_by_text(f"Source linked to “{REQUIREMENT}”.")).to_be_visible()
    item = page.locator("#requirements li", has_text=REQUIREMENT).first
    expect(item).to_contain_text(f"What people said (“you said, we did”): {DID}")
    expect(item.get_by_text("No source", exact=True)).to_have_count(0)

    # Criteria whose responsible-AI weight (15 %) is below the level-III minimum (20 %).
    add_criterion(page, base, "Quality", QUALITY, "50", "Scored by the panel")
    add_criterion(page, base, "Responsible AI", FAIRNESS, "15", "Scored by the panel")
    add_criterion(page, base, "Price", PRICE, "35", "By formula: lowest price scores highest")
    minimum_message = (
        "Responsible-AI criteria carry 15 % of the weight; at impact level III they must "
        "carry at least 20 %."
    )
    expect(page.locator("#weight-problems")).to_contain_text(minimum_message)

    # Publishing is refused, with the reason in words, and nothing is published.
    page.get_by_role("button", name="Publish the tender").click()
    refusal = page.locator(".usa-alert--error")
    expect(refusal.filter(has_text="The tender was not published:")).to_have_count(1)
    expect(refusal.filter(has_text=minimum_message)).to_have_count(1)
    expect(page.get_by_role("button", name="Publish the tender")).to_be_visible()
    assert Tender.objects.get(procurement=procurement).status == TenderStatus.DRAFT
    page.goto(f"{live_server.url}/p/{procurement.slug}/tender/")
    expect(page.get_by_role("heading", name="The tender is being prepared")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(FAIRNESS)

    # The weights fixed: 40 quality, 25 responsible AI, 35 price.
    page.goto(f"{base}/tender/")
    set_weight(page, FAIRNESS, "25")
    set_weight(page, QUALITY, "40")
    expect(page.locator("#weight-problems")).to_have_count(0)
    expect(page.locator("#criteria tfoot")).to_contain_text("100 %")

    # The clauses the library proposes for these stakes.
    page.get_by_role("button", name="Add the proposed clauses").click()
    expect(page.get_by_text(re.compile(r"^\d+ proposed clauses? added"))).to_be_visible()
    clauses = list(TenderClause.objects.filter(tender__procurement=procurement))
    assert clauses, "the library proposes clauses at level III"
    expect(page.locator("#clauses")).to_contain_text(clauses[0].title)

    # The draft goes to public comment, in a new process created from the form.
    page.get_by_role("link", name="Put the draft to public comment").click()
    form = page.locator("main form")
    form.get_by_label(exact("Participation process")).select_option(label="A new process")
    form.get_by_label(exact("Title of the new process")).fill("Comment on the draft tender")
    form.get_by_label(exact("Comments close on")).fill(
        local_input(now + datetime.timedelta(days=1))
    )
    form.get_by_role("button", name="Put the draft to comment").click()
    expect(
        page.get_by_text("The draft tender is up for public comment as a new version.")
    ).to_be_visible()
    expect(page.get_by_text("The draft has been put to public comment.")).to_be_visible()
    review = Tender.objects.get(procurement=procurement).review_module
    assert review is not None and review.kind == ModuleKind.DOCUMENT_REVIEW
    assert review.process.title == "Comment on the draft tender"

    page.get_by_role("button", name="Publish the tender").click()
    expect(
        page.get_by_text(
            "The tender is published: suppliers now bid on what the public page shows."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Publish the tender")).to_have_count(0)
    assert not errors, errors

    # The public page: the criteria with their weights, the requirement's source.
    page.goto(f"{live_server.url}/p/{procurement.slug}/tender/")
    criteria = page.locator("table.tender-criteria")
    for name, weight in ((QUALITY, "40 %"), (FAIRNESS, "25 %"), (PRICE, "35 %")):
        expect(criteria.get_by_role("row", name=name)).to_contain_text(weight)
    expect(page.locator("table.tender-groups tfoot")).to_contain_text("100 %")
    requirement = page.locator(".tender-requirements li", has_text=REQUIREMENT)
    expect(requirement).to_contain_text("Where it comes from")
    expect(requirement).to_contain_text(DID)
    expect(requirement.locator(".requirement-unsourced")).to_have_count(0)
    assert not errors, errors


# --- 2. The gate of solicitation preparation ---------------------------------------------


def decide_the_gate(page: Page, live_server, scene: Scene, errors: list[str]) -> None:
    slug = scene.procurement.slug
    page.goto(f"{live_server.url}/workspace/procurements/{slug}/gate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gate of “Solicitation preparation”")
    expect(page.locator(".check--fail")).to_have_count(0)
    expect(page.locator(".check--pass", has_text="The tender is published")).to_have_count(1)
    form = page.locator("main form")
    form.locator("label.usa-radio__label", has_text=re.compile(r"^Proceed$")).click()
    form.get_by_label(exact("Rationale")).fill(
        "The tender is published with the weights the stakes demand, after public comment."
    )
    form.locator("label.usa-checkbox__label", has_text="officer").click()
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    scene.procurement.refresh_from_db()
    assert scene.procurement.stage == "vendor_evaluation"
    assert not errors, errors


# --- 3. The panel is seated, bids are recorded and stay sealed ---------------------------


def seat(page: Page, base: str, username: str, kind: str) -> None:
    page.goto(f"{base}/tender/evaluation/")
    page.get_by_role("link", name="Seat a member").click()
    form = page.locator("main form")
    form.get_by_label(exact("Username or email")).fill(username)
    form.locator("label.usa-radio__label", has_text=kind).click()
    form.get_by_role("button", name="Seat the member").click()
    expect(page.get_by_text(re.compile(r"has a seat on the panel"))).to_be_visible()


def record_bid(page: Page, base: str, supplier: str, price: str, *, document: bool) -> int:
    """Record a bid through the form; return its number, as the page says it."""
    page.goto(f"{base}/tender/evaluation/")
    page.get_by_role("link", name="Record a bid").click()
    form = page.locator("main form")
    form.get_by_label(exact("Supplier")).fill(supplier)
    form.get_by_label(exact("Price")).fill(price)
    form.get_by_label(exact("Summary of the offer")).fill(f"The offer of {supplier}.")
    form.get_by_label(exact("Received on")).fill(
        local_input(timezone.now() - datetime.timedelta(hours=1))
    )
    if document:
        page.locator("input[type=file][name=documents]").set_input_files(
            {"name": "offer.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
    form.get_by_role("button", name="Record the bid").click()
    message = page.get_by_text(re.compile(r"^Bid number \d+ recorded\."))
    expect(message).to_be_visible()
    return int(re.search(r"\d+", message.inner_text()).group())


def seat_the_panel_and_record_sealed_bids(
    page: Page, live_server, scene: Scene, errors: list[str]
) -> None:
    procurement = scene.procurement
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}"
    seat(page, base, "officer", "Staff of the public body")
    seat(page, base, "resident", "Member of the affected community")
    panel = page.get_by_role("table", name="Members of the panel, their declarations and scores")
    expect(panel.get_by_role("row")).to_have_count(3)

    first = record_bid(page, base, ACME, "100000", document=True)
    record_bid(page, base, BOREALIS, "125000", document=False)
    assert Bid.objects.get(pk=first).documents.count() == 1

    # Sealed: the overview counts the bids but names no supplier and no price ...
    page.goto(f"{base}/tender/evaluation/")
    expect(page.get_by_text("2 valid bids received.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Bids are sealed until "))
    ).to_be_visible()
    main = page.locator("main")
    for hidden in (ACME, BOREALIS, "100,000", "125,000", "100000", "125000"):
        expect(main).not_to_contain_text(hidden)
    # ... and the bid itself answers that it is sealed, to its recorder too.
    response = page.goto(f"{base}/tender/evaluation/bids/{first}/")
    assert response is not None and response.status == 403
    expect(
        page.get_by_text(
            re.compile(r"^Bids are sealed until .+: no one can read them before then\.$")
        )
    ).to_be_visible()
    expect(main).not_to_contain_text(ACME)
    assert not errors, errors

    # The test cannot wait two days for the real opening: the deadline and the
    # opening are moved into the past, as if that moment had come.
    now = timezone.now()
    Tender.objects.filter(procurement=procurement).update(
        submission_deadline=now - datetime.timedelta(minutes=2),
        opening_at=now - datetime.timedelta(minutes=1),
    )


# --- 4. Independent scoring --------------------------------------------------------------


def declare_no_conflict(page: Page) -> None:
    page.locator("label.usa-radio__label", has_text="No: I have no interest").click()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.get_by_text("Your declaration is recorded.")).to_be_visible()


def score_every_bid(page: Page, scores: dict[str, tuple[int, int]], why: str) -> None:
    for supplier, (quality, fairness) in scores.items():
        sheet = page.get_by_role("region", name=supplier)
        for criterion, value in ((QUALITY, quality), (FAIRNESS, fairness)):
            sheet.get_by_label(f"Score on “{criterion}” (0 to 5)").fill(str(value))
            sheet.get_by_label(f"Why this score on “{criterion}”").fill(
                f"{why}: {supplier} earns {value} on {criterion}."
            )
        sheet.get_by_role("button", name=f"Save my scores for {supplier}").click()
        expect(page.get_by_text(f"Your scores for {supplier} are saved.")).to_be_visible()


def submit_scores(page: Page) -> None:
    page.locator("label.usa-checkbox__label", has_text="I have scored every bid").click()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.get_by_text("Your scores are submitted.")).to_be_visible()


def the_panel_scores(
    officer_page: Page, resident_page: Page, live_server, scene: Scene, errors: list[str]
) -> None:
    slug = scene.procurement.slug
    seat_url = f"{live_server.url}/workspace/panel/{slug}/"

    # The resident finds the seat in their workspace, declares, scores, submits.
    page = resident_page
    login(page, live_server, "resident", PASSWORD)
    page.goto(f"{live_server.url}/workspace/")
    seats = page.locator(
        "section", has=page.get_by_role("heading", name="Evaluation panels you sit on")
    )
    expect(seats).to_contain_text("declare your interests first")
    seats.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(seat_url)
    expect(page.get_by_role("heading", name="First, declare your interests")).to_be_visible()
    # Before the declaration, no bid shows.
    expect(page.locator("main")).not_to_contain_text(ACME)
    declare_no_conflict(page)
    expect(page.get_by_role("heading", name=ACME, level=2)).to_be_visible()
    # The bid's document, now open to the panel.
    offer = page.get_by_role("region", name=ACME).get_by_role("link", name="offer", exact=True)
    download = page.request.get(live_server.url + offer.get_attribute("href"))
    assert download.status == 200 and download.body() == PDF_BYTES
    expect(
        page.get_by_text("Not scored by the panel, computed by formula: Price (35 %).")
    ).to_be_visible()
    assert_accessible(page)
    score_every_bid(page, RESIDENT_SCORES, RESIDENT_WHY)
    submit_scores(page)
    assert_accessible(page)

    # The officer declares and scores; the resident's words stay hidden until
    # the officer submits too.
    page = officer_page
    page.goto(seat_url)
    declare_no_conflict(page)
    score_every_bid(page, OFFICER_SCORES, OFFICER_WHY)
    page.goto(seat_url)
    expect(page.get_by_text("You have scored 4 of 4.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(RESIDENT_WHY)
    submit_scores(page)
    others = page.get_by_role("region", name=BOREALIS)
    expect(others).to_contain_text(f"{RESIDENT_WHY}: {BOREALIS} earns 5 on {QUALITY}.")
    expect(others).to_contain_text("Member of the affected community")
    assert_accessible(page)
    assert not errors, errors


# --- 5. Moderation, results and the award ------------------------------------------------


def agree(page: Page, supplier: str, criterion: str, score: str, reason: str = "") -> Locator:
    row = page.get_by_role("region", name=supplier).get_by_role("row", name=re.compile(criterion))
    row.get_by_label("Agreed score (0 to 5)").fill(score)
    row.get_by_label("Why the panel agreed it").fill(reason)
    row.get_by_role("button", name="Record the agreed score").click()
    return page.get_by_role("region", name=supplier).get_by_role("row", name=re.compile(criterion))


def moderate_and_award(page: Page, live_server, scene: Scene, errors: list[str]) -> None:
    procurement = scene.procurement
    base = f"{live_server.url}/workspace/procurements/{procurement.slug}"
    page.goto(f"{base}/tender/evaluation/")
    page.get_by_role("link", name="Moderation", exact=True).click()
    expect(page.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    expect(page.get_by_text("0 of 4 agreed scores recorded.")).to_be_visible()

    # Acme on quality: both members gave 3; agreeing 1 needs a reason, and is
    # refused without one.
    row = agree(page, ACME, QUALITY, "1")
    expect(row.locator(".usa-error-message")).to_have_text(
        "The agreed score 1 lies outside the members' own scores (3 to 3): "
        "say why the panel moved it."
    )
    assert not ModeratedScore.objects.filter(bid__tender__procurement=procurement).exists()
    row = agree(page, ACME, QUALITY, "1", MOVED_REASON)
    expect(page.get_by_text(f"Agreed score recorded for {ACME} on “{QUALITY}”.")).to_be_visible()
    expect(row).to_contain_text(MOVED_REASON)
    agree(page, ACME, FAIRNESS, "2")
    agree(page, BOREALIS, QUALITY, "4")
    agree(page, BOREALIS, FAIRNESS, "5")
    expect(page.get_by_text("4 of 4 agreed scores recorded.")).to_be_visible()

    page.get_by_role("link", name="Results", exact=True).click()
    ranking = page.get_by_role("table", name="Weighted totals of the valid bids, best first")
    expect(ranking.get_by_role("row").nth(1)).to_contain_text(BOREALIS)
    expect(ranking.get_by_role("row").nth(2)).to_contain_text(ACME)
    sensitivity = page.get_by_role(
        "table",
        name="The ranking with each criterion's weight moved up, then down, by 5 points",
    )
    # Three criteria, each moved up and down.
    expect(sensitivity.locator("tbody tr")).to_have_count(6)
    expect(page.get_by_role("heading", name="The community panel's part")).to_be_visible()

    page.get_by_role("link", name="Record the award").click()
    form = page.locator("main form")
    expect(form.get_by_label(exact("Winning bid"))).to_have_value(
        str(Bid.objects.get(supplier_name=BOREALIS).pk)
    )
    form.get_by_label(exact("Rationale")).fill(AWARD_RATIONALE)
    form.get_by_role("button", name="Record the award").click()
    expect(page.get_by_text("The award is recorded.")).to_be_visible()
    expect(page.get_by_text(f"Awarded to {BOREALIS} on")).to_be_visible()
    assert not errors, errors

    # The public page: the rationale and the community's part, nobody's own scores.
    page.goto(f"{live_server.url}/p/{procurement.slug}/tender/")
    expect(page.locator(".tender-rationale")).to_contain_text("stays first whichever weight")
    community = page.get_by_role("table", name="Average totals out of 100, before moderation")
    expect(community.get_by_role("row", name=BOREALIS)).to_be_visible()
    expect(page.get_by_role("heading", name="Each evaluator's scores")).to_have_count(0)
    main = page.locator("main")
    for private in (RESIDENT_WHY, OFFICER_WHY, MOVED_REASON, re.compile(r"\bresident\b")):
        expect(main).not_to_contain_text(private)
    assert_accessible(page)
    assert not errors, errors


# --- 6. The tender pack ------------------------------------------------------------------


def download_the_pack(page: Page, live_server, scene: Scene) -> None:
    slug = scene.procurement.slug
    clause = TenderClause.objects.filter(tender__procurement=scene.procurement).first()

    pdf = page.request.get(f"{live_server.url}/api/procurements/{slug}/tender-pack.pdf")
    assert pdf.status == 200, pdf.status
    assert pdf.headers["content-type"].startswith("application/pdf")
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in (FAIRNESS, "25 %", QUALITY, "40 %", REQUIREMENT, DID):
        assert expected in text, expected

    word = page.request.get(f"{live_server.url}/api/procurements/{slug}/tender-pack.docx")
    assert word.status == 200, word.status
    document = docx.Document(io.BytesIO(word.body()))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Criterion", "Group", "Weight", "How it is scored"]
    assert [FAIRNESS, "Responsible AI", "25 %", "Scored by the panel, 0 to 5"] in rows
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Contract clauses" in headings
    assert clause.title in headings


# --- The whole flow ----------------------------------------------------------------------


def test_a_tender_from_the_first_draft_to_the_award(
    axe_page: Page, resident_page: Page, live_server, scene: Scene, resident, server_errors
):
    page = axe_page
    login(page, live_server, "officer", PASSWORD)

    write_and_publish_the_tender(page, live_server, scene, server_errors)
    decide_the_gate(page, live_server, scene, server_errors)
    seat_the_panel_and_record_sealed_bids(page, live_server, scene, server_errors)
    the_panel_scores(page, resident_page, live_server, scene, server_errors)
    moderate_and_award(page, live_server, scene, server_errors)
    download_the_pack(page, live_server, scene)
    assert not server_errors, server_errors

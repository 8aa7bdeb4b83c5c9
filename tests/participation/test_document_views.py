"""The pages of a document review, through real HTTP requests: the draft
paragraph by paragraph on the module page, one paragraph with its comments
and the comment form, the diff between versions, and the staff pages (set
up a version, enter a paragraph comment from paper, print the paper form)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Contribution,
    DocumentParagraph,
    DocumentVersion,
    Module,
    ModuleKind,
    Process,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import documents as document_services
from participai.participation.services import processes as process_services
from participai.procurements import services as procurement_services

from .conftest import DRAFT_TEXT

V2_TEXT = (
    "# The problem\n\n"
    "Referrals wait nineteen days on average for a first contact.\n\n"
    "We will answer every call within a minute, whatever the hour.\n\n"
    "- Nobody is refused by the system alone.\n"
    "- Every decision has a named person behind it."
)


def module_url(module: Module, tail: str = "") -> str:
    process = module.process
    return f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/{tail}"


def paragraph_url(module: Module, paragraph: DocumentParagraph) -> str:
    return module_url(module, f"p/{paragraph.pk}/")


def setup_url(module: Module, tail: str = "") -> str:
    process = module.process
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/document/{tail}"
    )


def join(client: Client, process: Process, pseudonym: str = "Ana R.") -> Participant:
    client.post(f"/p/{process.procurement.slug}/{process.slug}/join/", {"pseudonym": pseudonym})
    return Participant.objects.get(pseudonym=pseudonym)


def paragraphs(version: DocumentVersion) -> list[DocumentParagraph]:
    return list(version.paragraphs.order_by("position"))


def publish_v2(officer, module, body=V2_TEXT) -> DocumentVersion:
    return document_services.version_publish(
        actor=officer,
        module=module,
        title="Problem statement",
        body=body,
        change_note="The urgent queue is gone; calls answered within a minute.",
    )


def comment(participant, module, paragraph, body="A comment on it."):
    return contribution_services.contribution_add(
        participant=participant, module=module, body=body, paragraph=paragraph
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the module page -----------------------------------------------------------------------


def test_before_the_first_version(client, document_module):
    response = client.get(module_url(document_module))
    assert response.status_code == 200
    assert "The draft is not published yet: come back once it is." in response.content.decode()


def test_the_draft_paragraph_by_paragraph(client, draft_v1, document_module, make_guest):
    rows = paragraphs(draft_v1)
    comment(make_guest(), document_module, rows[1])
    comment(make_guest(), document_module, rows[1])
    response = client.get(module_url(document_module))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="draft-heading">Problem statement</h2>' in html
    assert "Version 1 of 1" in html
    assert html.count('class="border-left-05 border-base-lighter padding-left-2') == 4
    for row in rows:
        assert f'id="paragraph-{row.position}"' in html
        assert f'href="{paragraph_url(document_module, row)}"' in html
    # In order, with their rendered text and counts.
    positions = [html.index(f'id="paragraph-{n}"') for n in range(1, 5)]
    assert positions == sorted(positions)
    assert "<h2>The problem</h2>" in html
    assert "<li>Nobody is refused by the system alone.</li>" in html
    second = html.split('id="paragraph-2"')[1].split('id="paragraph-3"')[0]
    assert "2 comments" in second
    third = html.split('id="paragraph-3"')[1].split('id="paragraph-4"')[0]
    assert "No comment yet" in third
    # Anyone not joined is told how to take part.
    assert "Choose a pseudonym to take part." in html
    assert "Version 1</strong>: Problem statement" in html
    assert "The first version." in html


def test_versions_older_ones_and_unknown_ones(client, draft_v1, document_module, officer):
    publish_v2(officer, document_module)
    html = client.get(module_url(document_module)).content.decode()
    assert "Version 2 of 2" in html
    assert "The urgent queue is gone; calls answered within a minute." in html
    assert f'href="{module_url(document_module)}?version=1"' in html
    assert f'{module_url(document_module)}diff/?from=1&amp;to=2"' in html
    old = client.get(module_url(document_module), {"version": "1"})
    assert old.status_code == 200
    old_html = old.content.decode()
    assert "Version 1 of 2" in old_html
    assert "This is version 1, kept for reference" in old_html
    assert "Urgent referrals wait in the same queue as routine ones." in old_html
    for bad in ("3", "0", "one", "-1"):
        assert client.get(module_url(document_module), {"version": bad}).status_code == 404


def test_comments_on_earlier_versions_count_with_the_paragraph(
    client, draft_v1, document_module, officer, make_guest
):
    first = paragraphs(draft_v1)
    comment(make_guest(), document_module, first[0])  # kept identical in v2
    comment(make_guest(), document_module, first[2])  # dropped from v2
    v2 = publish_v2(officer, document_module)
    second = paragraphs(v2)
    comment(make_guest(), document_module, second[0])
    html = client.get(module_url(document_module)).content.decode()
    heading = html.split('id="paragraph-1"')[1].split('id="paragraph-2"')[0]
    assert "2 comments" in heading
    assert "(1 on an earlier version)" in heading
    new = html.split('id="paragraph-3"')[1].split('id="paragraph-4"')[0]
    assert "No comment yet" in new


def test_the_module_page_costs_the_same_whatever_the_draft(
    client,
    open_process,
    document_module,
    officer,
    make_guest,
    django_assert_max_num_queries,
):
    document_services.version_publish(
        actor=officer, module=document_module, title="Short", body="One.\n\nTwo."
    )
    url = module_url(document_module)
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    body = "\n\n".join(f"Paragraph number {n} of a long draft." for n in range(60))
    version = publish_v2(officer, document_module, body=body)
    for row in paragraphs(version)[:10]:
        comment(make_guest(), document_module, row)
    with django_assert_max_num_queries(len(short)):
        response = client.get(url)
    assert response.content.decode().count('class="usa-link" href="' + url + "p/") == 60


# --- a paragraph ---------------------------------------------------------------------------


def test_a_guest_comments_on_a_paragraph(client, open_process, draft_v1, document_module):
    target = paragraphs(draft_v1)[1]
    url = paragraph_url(document_module, target)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Paragraph 2 of “Problem statement”" in html
    assert "Referrals wait nineteen days for a first contact." in html
    assert "Choose a pseudonym to take part." in html
    assert f'action="{url}"' not in html
    guest = join(client, open_process)
    html = client.get(url).content.decode()
    assert f'action="{url}"' in html
    assert 'for="id_body"' in html
    response = client.post(url, {"body": "Is it the **median**?"})
    assert response.status_code == 302
    saved = Contribution.objects.get()
    assert response["Location"] == f"{url}#contribution-{saved.pk}"
    assert (saved.participant, saved.paragraph, saved.module) == (guest, target, document_module)
    target.refresh_from_db()
    assert target.comment_count == 1
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your comment is published." in messages_of(page)
    assert "Is it the <strong>median</strong>?" in html
    assert "1 comment on this paragraph" in html
    # Each thread has its reply form, which comes back here.
    reply_url = module_url(document_module, f"c/{saved.pk}/reply/")
    reply_form = html.split(f'action="{reply_url}"')[1].split("</form>")[0]
    assert f'name="next" value="{url}"' in reply_form
    # A reply from the thread comes back to the paragraph.
    response = client.post(
        module_url(document_module, f"c/{saved.pk}/reply/"),
        {"body": "The mean, says the report.", "next": url},
    )
    reply = Contribution.objects.get(parent=saved)
    assert response["Location"] == f"{url}#contribution-{reply.pk}"
    assert reply.paragraph == target
    assert "2 comments on this paragraph" in client.get(url).content.decode()


def test_removing_a_paragraph_comment_comes_back_to_the_paragraph(
    client, open_process, draft_v1, document_module, comments_module, make_guest
):
    target = paragraphs(draft_v1)[1]
    url = paragraph_url(document_module, target)
    me = join(client, open_process)
    mine = comment(me, document_module, target, "My words to take back.")
    reply = contribution_services.contribution_add(
        participant=me, module=document_module, body="And my reply.", parent=mine
    )
    html = client.get(url).content.decode()
    remove_url = module_url(document_module, f"c/{mine.pk}/remove/")
    assert f'href="{remove_url}"' in html
    # "Keep it" goes back to the paragraph, and so does removing.
    page = client.get(remove_url).content.decode()
    assert f'href="{url}#contribution-{mine.pk}">Keep it' in page
    response = client.post(remove_url)
    assert response.status_code == 302
    assert response["Location"] == f"{url}#contribution-{mine.pk}"
    mine.refresh_from_db()
    assert mine.status == "removed"
    response = client.post(module_url(document_module, f"c/{reply.pk}/remove/"))
    assert response["Location"] == f"{url}#contribution-{reply.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Your contribution is removed." in html
    assert "My words to take back." not in html and "And my reply." not in html
    # Elsewhere, removing still comes back to the module page.
    elsewhere = contribution_services.contribution_add(
        participant=me, module=comments_module, body="On the comments part."
    )
    response = client.post(module_url(comments_module, f"c/{elsewhere.pk}/remove/"))
    assert response["Location"] == module_url(comments_module) + f"#contribution-{elsewhere.pk}"


def test_the_paragraph_page_shows_what_became_of_a_comment(
    client, draft_v1, document_module, make_guest, make_response
):
    target = paragraphs(draft_v1)[1]
    answered = comment(make_guest("Jordi"), document_module, target, "Say the median.")
    reply = contribution_services.contribution_add(
        participant=make_guest(), module=document_module, body="Agreed.", parent=answered
    )
    make_response([answered, reply], target_label="R-2 Waits stated as a median")
    url = paragraph_url(document_module, target)
    html = client.get(url).content.decode()
    for shown in (answered, reply):
        shown_html = html.split(f'id="contribution-{shown.pk}"')[1].split('id="contribution-')[0]
        assert "What became of it" in shown_html
        assert "R-2 Waits stated as a median" in shown_html


def test_refused_and_bad_comments_save_nothing(client, open_process, draft_v1, document_module):
    url = paragraph_url(document_module, paragraphs(draft_v1)[0])
    response = client.post(url, {"body": "Not joined yet."})
    assert response.status_code == 400
    assert "Choose a pseudonym to take part." in response.content.decode()
    assert not Participant.objects.exists()
    join(client, open_process)
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    response = client.post(url, {"body": "BUY NOW " * 10})
    assert response.status_code == 400
    assert "Please do not write in capitals only." in response.content.decode()
    # Posted to the module as if it took plain comments: the paragraph is asked for.
    response = client.post(module_url(document_module, "add/"), {"kind": "comment", "body": "Hi"})
    assert response.status_code == 400
    assert "Choose the paragraph your comment is about." in response.content.decode()
    assert not Contribution.objects.exists()


def test_an_older_paragraph_is_read_only_and_points_to_the_newest(
    client, open_process, draft_v1, document_module, officer, make_guest
):
    old = paragraphs(draft_v1)
    comment(make_guest("Jordi"), document_module, old[1], "Which figure is it?")
    comment(make_guest("Marta"), document_module, old[3], "Named, and reachable.")
    v2 = publish_v2(officer, document_module)
    new = paragraphs(v2)
    join(client, open_process)
    url = paragraph_url(document_module, old[1])
    html = client.get(url).content.decode()
    assert "This paragraph is from version 1; the draft is now at version 2" in html
    assert f'href="{paragraph_url(document_module, new[1])}"' in html
    assert f'action="{url}"' not in html
    response = client.post(url, {"body": "Still about the old one."})
    assert response.status_code == 400
    assert (
        "Comment on a paragraph of the newest version of the draft." in response.content.decode()
    )
    assert Contribution.objects.count() == 2
    # On the newest version, the older comments show with the version they were made on.
    edited = client.get(paragraph_url(document_module, new[1])).content.decode()
    assert "Which figure is it?" in edited
    assert "Made on version 1; the paragraph has been edited since." in edited
    same = client.get(paragraph_url(document_module, new[3])).content.decode()
    assert "Named, and reachable." in same
    assert "Made on version 1; the paragraph has not changed since." in same
    gone = client.get(paragraph_url(document_module, old[2])).content.decode()
    assert "It is no longer in the draft." in gone


def test_a_closed_module_keeps_its_comments_readable(
    client, open_process, draft_v1, document_module, make_guest, set_window
):
    target = paragraphs(draft_v1)[0]
    comment(make_guest("Jordi"), document_module, target, "Before it closed.")
    join(client, open_process)
    set_window(open_process, "closed")
    url = paragraph_url(document_module, target)
    html = client.get(url).content.decode()
    assert "Before it closed." in html
    assert f'action="{url}"' not in html
    assert "This part is closed; what was said stays readable." in html
    response = client.post(url, {"body": "Too late."})
    assert response.status_code == 400
    assert Contribution.objects.count() == 1


def test_unknown_paragraphs_and_other_modules_are_404(
    client, draft_v1, document_module, comments_module, open_process, officer
):
    other = Module.objects.create(process=open_process, kind="document_review", title="Other")
    foreign = document_services.version_publish(
        actor=officer, module=other, title="Other", body="Text."
    ).paragraphs.get()
    assert client.get(paragraph_url(document_module, foreign)).status_code == 404
    assert client.get(module_url(document_module, "p/999999/")).status_code == 404
    assert client.get(module_url(comments_module, f"p/{foreign.pk}/")).status_code == 404
    assert client.get(module_url(comments_module, "diff/")).status_code == 404


def test_reading_follows_the_process_rules(
    client, draft_v1, document_module, open_process, resident
):
    url = paragraph_url(document_module, paragraphs(draft_v1)[0])
    Process.objects.filter(pk=open_process.pk).update(read_requires="account")
    html = client.get(url).content.decode()
    assert "Sign in with an account to read this process." in html
    assert "Referrals wait" not in html
    assert (
        "Sign in with an account"
        in client.get(module_url(document_module, "diff/")).content.decode()
    )
    client.force_login(resident)
    assert "Referrals wait" not in client.get(url).content.decode()  # paragraph 1 is the heading
    assert "The problem" in client.get(url).content.decode()
    Process.objects.filter(pk=open_process.pk).update(read_requires="none", is_published=False)
    client.logout()
    assert client.get(url).status_code == 404


def test_the_paragraph_page_costs_the_same_whatever_its_thread(
    client,
    open_process,
    draft_v1,
    document_module,
    officer,
    make_guest,
    django_assert_max_num_queries,
):
    target = paragraphs(draft_v1)[1]
    guest = join(client, open_process)
    root = comment(make_guest(), document_module, target)
    contribution_services.contribution_support(participant=guest, contribution=root)
    url = paragraph_url(document_module, target)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _n in range(30):
        root = comment(make_guest(), document_module, target)
        contribution_services.contribution_add(
            participant=make_guest(), module=document_module, body="Reply.", parent=root
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count(' thread">') == 20


# --- the diff ------------------------------------------------------------------------------


def test_the_diff_between_the_last_two_versions(client, draft_v1, document_module, officer):
    publish_v2(officer, document_module)
    response = client.get(module_url(document_module, "diff/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Changes from version 1 to version 2</h1>" in html
    assert "1 paragraph changed" in html
    assert "1 paragraph added" in html
    assert "1 paragraph removed" in html
    assert "2 paragraphs unchanged" in html
    assert "Paragraph 2: changed" in html
    assert "Paragraph 3: added" in html
    assert "Former paragraph 3: removed" in html
    # Insertions and deletions are marked by element and in words, not by colour alone.
    assert re.search(
        r'<ins class="[^"]*text-underline[^"]*"><span class="usa-sr-only">\[inserted: '
        r"</span>\s?on average\s?<span",
        html,
    )
    assert (
        '<span class="usa-sr-only">[deleted: </span>Urgent referrals wait in the same queue'
        in html
    )
    assert "How to read it:" in html
    assert "The urgent queue is gone; calls answered within a minute." in html


def test_any_two_versions_and_bad_choices(client, draft_v1, document_module, officer):
    publish_v2(officer, document_module)
    document_services.version_publish(
        actor=officer,
        module=document_module,
        title="Problem statement",
        body=V2_TEXT + "\n\nA third version's last words.",
        change_note="One more paragraph.",
    )
    html = client.get(module_url(document_module, "diff/"), {"from": "1", "to": "3"}).content
    assert "<h1>Changes from version 1 to version 3</h1>" in html.decode()
    assert "2 paragraphs added" in html.decode()
    for query, message in (
        ({"from": "2", "to": "2"}, "Choose two different versions to compare."),
        ({"from": "1", "to": "9"}, "Choose two versions of this draft."),
        ({"from": "x", "to": "2"}, "Choose two versions of this draft."),
        ({"to": "2"}, "Choose two versions of this draft."),
    ):
        response = client.get(module_url(document_module, "diff/"), query)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "In short" not in response.content.decode()


def test_one_version_has_nothing_to_compare(client, draft_v1, document_module):
    response = client.get(module_url(document_module, "diff/"))
    assert response.status_code == 200
    assert "There is only one version so far" in response.content.decode()


def test_the_diff_shows_user_text_as_text(client, document_module, officer):
    document_services.version_publish(
        actor=officer, module=document_module, title="T", body="Plain <b>bold</b> text."
    )
    publish_v2(officer, document_module, body="Plain <script>alert(1)</script> text.")
    html = client.get(module_url(document_module, "diff/")).content.decode()
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "Plain &lt;<del" in html
    assert '[inserted: </span>alert(1)<span class="usa-sr-only">]</span></ins>&lt;/' in html


# --- staff: set up -------------------------------------------------------------------------


def test_the_process_page_links_to_the_set_up(client, officer, open_process, document_module):
    client.force_login(officer)
    process = open_process
    html = client.get(
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/"
    ).content.decode()
    assert f'href="{setup_url(document_module)}"' in html


def test_an_officer_publishes_the_first_and_a_new_version(
    client, officer, published, document_module, audit_events
):
    client.force_login(officer)
    page = client.get(setup_url(document_module))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No version yet" in html
    assert "Publish the first version" in html
    response = client.post(
        setup_url(document_module),
        {"title": "Problem statement", "body": DRAFT_TEXT, "change_note": "", "source": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == setup_url(document_module)
    version = DocumentVersion.objects.get()
    assert version.paragraphs.count() == 4
    page = client.get(response["Location"])
    assert "Version 1 is published and open to comments." in messages_of(page)
    html = page.content.decode()
    # The form comes back with the newest text to edit into the next version.
    assert "Publish version 2" in html
    assert "Referrals wait nineteen days for a first contact." in html.split('id="publish"')[1]
    assert html.count('data-label="Paragraph"') == 4
    response = client.post(
        setup_url(document_module),
        {"title": "Problem statement", "body": V2_TEXT, "change_note": "Reworded.", "source": ""},
    )
    assert response.status_code == 302
    assert DocumentVersion.objects.count() == 2
    assert len(audit_events("document.version_published")) == 2


def test_taking_a_documents_text_from_the_form(client, officer, published, document_module):
    source = procurement_services.document_add(
        actor=officer,
        procurement=published,
        title="Draft tender, part one",
        document_type="tender_notice",
        body="First.\n\nSecond.",
    )
    client.force_login(officer)
    html = client.get(setup_url(document_module)).content.decode()
    assert f'<option value="{source.pk}">Draft tender, part one' in html
    response = client.post(
        setup_url(document_module),
        {"title": "", "body": "", "change_note": "", "source": str(source.pk)},
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert (version.title, version.source, version.body) == (
        "Draft tender, part one",
        source,
        "First.\n\nSecond.",
    )


def test_a_non_public_document_is_not_offered_nor_taken(
    client, officer, published, document_module
):
    internal = procurement_services.document_add(
        actor=officer,
        procurement=published,
        title="Internal briefing",
        body="Budget ceiling.",
        is_public=False,
    )
    public = procurement_services.document_add(
        actor=officer, procurement=published, title="Public notice", body="Open to all."
    )
    client.force_login(officer)
    html = client.get(setup_url(document_module)).content.decode()
    assert f'<option value="{public.pk}">Public notice' in html
    assert f'<option value="{internal.pk}"' not in html
    assert "Internal briefing" not in html
    response = client.post(
        setup_url(document_module),
        {"title": "", "body": "", "change_note": "", "source": str(internal.pk)},
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_a_bad_version_re_renders_with_the_errors(client, officer, document_module):
    client.force_login(officer)
    response = client.post(
        setup_url(document_module), {"title": "", "body": " ", "change_note": "", "source": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the draft a title." in html
    assert "Paste the text of the draft, or choose a document to take it from." in html
    assert not DocumentVersion.objects.exists()


def test_set_up_rights(
    client, org, other_org, make_member, draft_v1, document_module, facilitator
):
    url = setup_url(document_module)
    data = {"title": "T", "body": "Changed.", "change_note": "Changed.", "source": ""}
    assert client.get(url).status_code == 302  # to the login page
    moderator = make_member(org, Role.MODERATOR, username="mod")
    client.force_login(moderator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Only those who set up participation can publish a version." in page.content.decode()
    assert client.post(url, data).status_code == 403
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere"))
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert DocumentVersion.objects.count() == 1
    client.force_login(facilitator)
    assert client.post(url, data).status_code == 302
    assert DocumentVersion.objects.count() == 2


def test_set_up_of_another_kind_of_module_is_404(client, officer, comments_module):
    client.force_login(officer)
    assert client.get(setup_url(comments_module)).status_code == 404


# --- staff: assisted entry and the paper form ------------------------------------------------


def test_a_facilitator_enters_a_paragraph_comment_from_paper(
    client, facilitator, draft_v1, document_module, audit_events
):
    target = paragraphs(draft_v1)[2]
    client.force_login(facilitator)
    page = client.get(setup_url(document_module, "assist/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{target.pk}">Paragraph 3: Urgent referrals wait' in html
    response = client.post(
        setup_url(document_module, "assist/"),
        {
            "paragraph": str(target.pk),
            "channel": "paper",
            "pseudonym": "Pilar",
            "body": "Urgent ones first, please.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == setup_url(document_module, "assist/") + "?channel=paper"
    saved = Contribution.objects.get()
    assert (saved.paragraph, saved.channel, saved.entered_by) == (target, "paper", facilitator)
    assert saved.participant.pseudonym == "Pilar"
    target.refresh_from_db()
    assert target.comment_count == 1
    page = client.get(response["Location"])
    assert "Saved the comment of “Pilar” on paragraph 3. Ready for the next." in messages_of(page)


def test_a_bad_assisted_entry_leaves_nothing(client, facilitator, draft_v1, document_module):
    client.force_login(facilitator)
    url = setup_url(document_module, "assist/")
    base = {"channel": "paper", "pseudonym": "Pilar", "body": "Words."}
    for changes in ({"paragraph": "999999"}, {"paragraph": "", "body": ""}):
        response = client.post(url, {**base, **changes})
        assert response.status_code == 400
    # A pseudonym the service refuses: no stray guest.
    response = client.post(
        url, {**base, "paragraph": str(paragraphs(draft_v1)[0].pk), "channel": "online"}
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()
    assert not Participant.objects.exists()


def test_assisted_entry_rights(client, org, other_org, make_member, draft_v1, document_module):
    url = setup_url(document_module, "assist/")
    client.force_login(make_member(org, Role.MODERATOR, username="mod"))
    assert client.get(url).status_code == 403
    client.force_login(make_member(other_org, Role.FACILITATOR, username="elsewhere"))
    assert client.get(url).status_code == 404


def test_the_generic_assist_page_leaves_document_reviews_to_their_own(
    client, facilitator, open_process, draft_v1, document_module, comments_module
):
    client.force_login(facilitator)
    process = open_process
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/assist/"
    )
    html = client.get(url).content.decode()
    assert f'<option value="{comments_module.pk}"' in html
    assert f'<option value="{document_module.pk}"' not in html
    response = client.post(
        url,
        {
            "module": str(document_module.pk),
            "channel": "paper",
            "pseudonym": "Pilar",
            "kind": "",
            "body": "Words.",
        },
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_the_paper_form_prints_the_numbered_paragraphs(client, officer, draft_v1, document_module):
    client.force_login(officer)
    process = document_module.process
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{document_module.pk}/print/"
    )
    response = client.get(url, {"where": "Central Library"})
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(1, 5):
        assert f"<strong>Paragraph {n}</strong>" in html
    assert html.count('class="write-line"') == 4 * 3
    assert "<h2>The problem</h2>" in html
    assert "Hand this form in here: Central Library." in html
    assert "participation/print.css" in html


def test_the_paper_form_before_any_version(client, officer, document_module):
    client.force_login(officer)
    process = document_module.process
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{document_module.pk}/print/"
    )
    html = client.get(url).content.decode()
    assert "No version of the draft is published yet" in html
    assert 'class="write-line"' not in html


@pytest.mark.parametrize("kind", [ModuleKind.DOCUMENT_REVIEW, ModuleKind.EVENT])
def test_the_new_kinds_can_be_added_from_the_process_page(
    kind, client, officer, published, make_process
):
    process = make_process(published)
    client.force_login(officer)
    url = f"/workspace/procurements/{published.slug}/participation/{process.slug}/modules/"
    response = client.post(url, {"kind": kind, "title": "New part", "description": ""})
    assert response.status_code == 302
    assert process.modules.get().kind == kind
    process_services.process_publish(actor=officer, process=process)

"""Publishing the versions of a draft under review, and commenting on its
paragraphs: who may publish, what a version takes (pasted text or a
procurement document's), how keys and comments follow paragraphs, the
paragraph rules of ``contribution_add``, and the counters and audit events."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.participation.models import (
    Contribution,
    DocumentParagraph,
    DocumentVersion,
    Module,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import documents as services
from participai.participation.services.contributions import contribution_remove_own
from participai.participation.services.moderation import contribution_hide, contribution_restore
from participai.procurements import services as procurement_services
from participai.procurements.models import Document

from .conftest import DRAFT_TEXT


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def paragraphs(version: DocumentVersion) -> list[DocumentParagraph]:
    return list(version.paragraphs.order_by("position"))


def publish(actor, module, body, *, title="Problem statement", note="Edited.", **kwargs):
    return services.version_publish(
        actor=actor, module=module, title=title, body=body, change_note=note, **kwargs
    )


# --- version_publish -----------------------------------------------------------------------


def test_the_first_version(draft_v1, document_module, officer, audit_events, published):
    version = fresh(draft_v1)
    assert (version.number, version.title, version.change_note) == (1, "Problem statement", "")
    assert version.created_by == officer
    assert version.source is None
    rows = paragraphs(version)
    assert [p.position for p in rows] == [1, 2, 3, 4]
    assert [p.body for p in rows] == [
        "# The problem",
        "Referrals wait nineteen days for a first contact.",
        "Urgent referrals wait in the same queue as routine ones.",
        "- Nobody is refused by the system alone.\n- Every decision has a named person behind it.",
    ]
    # The page's h1 is the module's: a draft's heading is shifted down.
    assert rows[0].body_html == "<h2>The problem</h2>\n"
    assert rows[3].body_html.startswith("<ul>\n<li>Nobody")
    assert len({p.key for p in rows}) == 4
    assert all(p.comment_count == 0 for p in rows)
    assert version.body == DRAFT_TEXT
    [event] = audit_events("document.version_published")
    assert event.actor_id == officer.pk
    assert event.object_id == str(version.pk)
    assert event.organisation_id_ref == published.organisation_id
    assert event.data == {
        "process": "where-the-line-is",
        "module": document_module.pk,
        "number": 1,
        "paragraphs": 4,
        "paragraphs_kept": 0,
        "source": None,
    }


def test_a_new_version_carries_keys(draft_v1, document_module, officer, audit_events):
    before = paragraphs(draft_v1)
    body = (
        "# The problem\n\n"
        "Referrals wait nineteen days on average for a first contact.\n\n"
        "We will buy a chatbot.\n\n"
        "- Nobody is refused by the system alone.\n"
        "- Every decision has a named person behind it."
    )
    v2 = publish(officer, document_module, body, note="Urgent queue dropped; chatbot added.")
    after = paragraphs(v2)
    assert v2.number == 2
    assert v2.change_note == "Urgent queue dropped; chatbot added."
    kept = {p.key for p in before}
    assert after[0].key == before[0].key  # identical
    assert after[1].key == before[1].key  # a close edit
    assert after[2].key not in kept  # new
    assert after[3].key == before[3].key  # identical list
    assert audit_events("document.version_published")[-1].data["paragraphs_kept"] == 3
    # The first version stays as it was.
    assert [p.body for p in paragraphs(fresh(draft_v1))] == [p.body for p in before]


def test_a_later_version_says_what_changed_and_changes_something(
    draft_v1, document_module, officer
):
    with pytest.raises(ValidationError) as caught:
        publish(officer, document_module, DRAFT_TEXT + "\n\nMore.", note=" ")
    assert caught.value.message_dict == {"change_note": ["Say what changed since version 1."]}
    with pytest.raises(ValidationError) as caught:
        publish(officer, document_module, DRAFT_TEXT.replace("\n\n", "\n\n\n"), note="Nothing.")
    assert caught.value.message_dict == {"body": ["The text is the same as version 1."]}
    # A new title alone is a new version.
    v2 = publish(officer, document_module, DRAFT_TEXT, title="Problem statement, final")
    assert v2.number == 2
    assert [p.key for p in paragraphs(v2)] == [p.key for p in paragraphs(draft_v1)]


def test_taking_the_text_of_a_procurement_document(
    document_module, officer, published, audit_events
):
    source = procurement_services.document_add(
        actor=officer,
        procurement=published,
        title="Problem statement (draft)",
        document_type="problem_statement",
        body="Referrals wait.\n\nToo long.",
    )
    version = publish(officer, document_module, "", title="", source=source)
    assert (version.title, version.source) == ("Problem statement (draft)", source)
    assert [p.body for p in paragraphs(version)] == ["Referrals wait.", "Too long."]
    assert audit_events("document.version_published")[0].data["source"] == source.pk
    # Text pasted with a source chosen: the pasted text wins, the source is kept.
    v2 = publish(officer, document_module, "Edited from it.", source=source)
    assert (v2.title, v2.source, v2.body) == ("Problem statement", source, "Edited from it.")


def test_a_source_must_be_a_text_of_the_same_procurement(
    document_module, officer, make_procurement, published
):
    other = make_procurement(title="Another procurement")
    elsewhere = procurement_services.document_add(
        actor=officer, procurement=other, title="Elsewhere", body="Other text."
    )
    a_file = Document.objects.create(
        procurement=published,
        stage=published.stage,
        title="Scanned letter",
        file="documents/letter.pdf",
        created_by=officer,
    )
    for source, message in (
        (elsewhere, "Choose a document of this procurement."),
        (a_file, "This document is a file; choose one written as text, or paste the text."),
    ):
        with pytest.raises(ValidationError) as caught:
            publish(officer, document_module, "", title="", source=source)
        assert caught.value.message_dict == {"source": [message]}
    assert not DocumentVersion.objects.exists()


def test_a_document_kept_from_the_public_is_no_source(
    document_module, officer, published, audit_events
):
    internal = procurement_services.document_add(
        actor=officer,
        procurement=published,
        title="Internal briefing",
        body="Names of the staff involved.\n\nBudget ceiling.",
        is_public=False,
    )
    message = (
        "This document is not public, but the draft under review is shown to the public: "
        "choose a public document, or paste text that may be published."
    )
    # Refused whether its text is taken or text is pasted alongside it.
    for body in ("", "Pasted text."):
        with pytest.raises(ValidationError) as caught:
            publish(officer, document_module, body, title="", source=internal)
        assert caught.value.message_dict == {"source": [message]}
    assert not DocumentVersion.objects.exists()
    assert not DocumentParagraph.objects.exists()
    assert audit_events("document.version_published") == []


@pytest.mark.parametrize(
    ("title", "body", "errors"),
    [
        (
            "",
            "  \n\n ",
            {
                "title": ["Give the draft a title."],
                "body": ["Paste the text of the draft, or choose a document to take it from."],
            },
        ),
        ("x" * 201, "Text.", {"title": ["At most 200 characters."]}),
        (
            "Long",
            "word " * 40_001,
            {"body": ["At most 200000 characters; this text has 200004."]},
        ),
        (
            "Many",
            "\n\n".join(["p"] * 1001),
            {"body": ["At most 1000 paragraphs; this text has 1001."]},
        ),
    ],
)
def test_bad_input_saves_nothing(title, body, errors, document_module, officer, audit_events):
    with pytest.raises(ValidationError) as caught:
        services.version_publish(actor=officer, module=document_module, title=title, body=body)
    assert caught.value.message_dict == errors
    assert not DocumentVersion.objects.exists()
    assert not DocumentParagraph.objects.exists()
    assert audit_events("document.version_published") == []


def test_user_text_is_sanitised(document_module, officer):
    version = publish(
        officer, document_module, "<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    html = "".join(p.body_html for p in paragraphs(version))
    assert "<script" not in html
    assert 'href="javascript' not in html


def test_only_a_document_review_takes_a_draft(comments_module, officer):
    with pytest.raises(ValidationError, match="Only a document-review module"):
        publish(officer, comments_module, "Text.")
    assert not DocumentVersion.objects.exists()


def test_facilitators_may_publish(document_module, facilitator):
    assert publish(facilitator, document_module, "Text.").number == 1


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR, Role.EVALUATOR])
def test_members_without_the_right_may_not_publish(role, document_module, org, make_member):
    member = make_member(org, role, username=f"member-{role}")
    with pytest.raises(PermissionDenied):
        publish(member, document_module, "Text.")
    assert not DocumentVersion.objects.exists()


def test_outsiders_may_not_publish(document_module, other_org, make_member, resident):
    elsewhere = make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere")
    for actor in (elsewhere, resident):
        with pytest.raises(PermissionDenied):
            publish(actor, document_module, "Text.")
    assert not DocumentVersion.objects.exists()


# --- comments on paragraphs ----------------------------------------------------------------


def add(participant, module, body="A comment.", **kwargs):
    return contribution_services.contribution_add(
        participant=participant, module=module, body=body, **kwargs
    )


def test_a_comment_on_a_paragraph_and_a_reply(
    draft_v1, document_module, guest, make_guest, audit_events
):
    target = paragraphs(draft_v1)[1]
    comment = add(guest, document_module, "Nineteen days is an average.", paragraph=target)
    assert fresh(comment).paragraph == target
    assert fresh(target).comment_count == 1
    assert fresh(document_module).contribution_count == 1
    assert audit_events("contribution.added")[0].data["paragraph"] == target.pk
    reply = add(make_guest(), document_module, "A median, actually.", parent=comment)
    # A reply is on its thread's paragraph, and counts there.
    assert fresh(reply).paragraph == target
    assert fresh(target).comment_count == 2
    assert fresh(document_module).contribution_count == 2


def test_a_top_comment_needs_a_paragraph(draft_v1, document_module, guest):
    with pytest.raises(ValidationError) as caught:
        add(guest, document_module)
    assert caught.value.message_dict == {
        "paragraph": ["Choose the paragraph your comment is about."]
    }
    assert not Contribution.objects.exists()


def test_only_the_newest_version_takes_comments(draft_v1, document_module, officer, guest):
    old = paragraphs(draft_v1)[0]
    publish(officer, document_module, DRAFT_TEXT + "\n\nA last paragraph.")
    with pytest.raises(ValidationError) as caught:
        add(guest, document_module, paragraph=old)
    assert caught.value.message_dict == {
        "paragraph": ["Comment on a paragraph of the newest version of the draft."]
    }
    assert fresh(old).comment_count == 0
    assert not Contribution.objects.exists()


def test_a_paragraph_of_another_module_is_refused(
    draft_v1, document_module, open_process, officer, guest, comments_module
):
    # Made directly: only its draft matters here.
    another = Module.objects.create(
        process=open_process, kind="document_review", title="Another draft"
    )
    foreign = services.version_publish(
        actor=officer, module=another, title="Other", body="Other text."
    ).paragraphs.get()
    with pytest.raises(ValidationError) as caught:
        add(guest, document_module, paragraph=foreign)
    assert set(caught.value.message_dict) == {"paragraph"}
    # And a comments module takes no paragraph at all.
    with pytest.raises(ValidationError) as caught:
        add(guest, comments_module, paragraph=paragraphs(draft_v1)[0])
    assert caught.value.message_dict == {
        "paragraph": ["Only a document review takes comments on a paragraph."]
    }
    assert not Contribution.objects.exists()


def test_a_reply_cannot_move_to_another_paragraph(draft_v1, document_module, guest, make_guest):
    first, second = paragraphs(draft_v1)[:2]
    comment = add(guest, document_module, paragraph=first)
    with pytest.raises(ValidationError) as caught:
        add(make_guest(), document_module, parent=comment, paragraph=second)
    assert caught.value.message_dict == {
        "paragraph": ["A reply is on the paragraph of its thread."]
    }
    assert (fresh(first).comment_count, fresh(second).comment_count) == (1, 0)


def test_a_module_without_a_version_takes_no_comment(document_module, guest):
    with pytest.raises(ValidationError) as caught:
        add(guest, document_module)
    assert set(caught.value.message_dict) == {"paragraph"}


def test_the_counters_move_together_like_the_module_counter(
    draft_v1, document_module, guest, moderator
):
    # Like ``Module.contribution_count``, a paragraph's ``comment_count`` counts
    # the comments made on it: a hidden or removed one keeps its place in the
    # thread ("hidden by a moderator", "removed by its author"), so it counts.
    target = paragraphs(draft_v1)[0]
    comment = add(guest, document_module, paragraph=target)
    contribution_hide(actor=moderator, contribution=comment, reason="Off topic.")
    assert (fresh(target).comment_count, fresh(document_module).contribution_count) == (1, 1)
    contribution_restore(actor=moderator, contribution=comment, reason="On a second look, fine.")
    contribution_remove_own(participant=guest, contribution=comment)
    assert (fresh(target).comment_count, fresh(document_module).contribution_count) == (1, 1)


def test_assisted_entry_on_a_paragraph(draft_v1, document_module, facilitator, make_guest):
    target = paragraphs(draft_v1)[2]
    comment = add(
        make_guest("Pilar"),
        document_module,
        "Written on the library's paper form.",
        paragraph=target,
        channel="paper",
        entered_by=facilitator,
    )
    comment = fresh(comment)
    assert (comment.channel, comment.entered_by, comment.paragraph) == (
        "paper",
        facilitator,
        target,
    )
    assert fresh(target).comment_count == 1

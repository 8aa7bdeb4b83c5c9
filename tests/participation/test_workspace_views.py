"""The staff pages of participation, through real HTTP requests, role by role:
the process list and form, a process with its modules, publishing, assisted
entry by facilitators and the printable paper form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.engagement.services.plan import activity_add
from participai.participation.forms.documents import DocumentAssistForm
from participai.participation.forms.prioritisation import AssistBallotForm
from participai.participation.forms.surveys import SurveyAssistForm
from participai.participation.forms.workspace import AssistedEntryForm, AssistForm
from participai.participation.models import (
    Channel,
    Contribution,
    Module,
    ModuleKind,
    Process,
)
from participai.procurements.models import Procurement

from .conftest import QUESTION

MADRID = ZoneInfo("Europe/Madrid")

FORM = {
    "title": "What the triage must never do",
    "slug": "never-alone",
    "question": "Which decisions should always stay with a social worker?",
    "description": "The system sorts referrals by urgency.",
    "negotiable": "Which decisions the system may suggest, and which it may not.",
    "not_negotiable": "That referrals are sorted at all.",
    "decision_stage": "deliberation",
    "opens_at": "2030-05-04T09:30",
    "closes_at": "2030-05-31T18:00",
    "activity": "",
    "read_requires": "none",
    "contribute_requires": "guest",
    "vote_requires": "confirmed",
}


def base(procurement: Procurement) -> str:
    return f"/workspace/procurements/{procurement.slug}/participation/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --------------------------------------------------------------------------- the list


def test_the_list_shows_drafts_and_published_with_their_counts(
    client, officer, published, make_process, open_process, comments_module, make_contribution
):
    draft = make_process(published, title="A draft not shown to the public")
    make_contribution(comments_module)
    make_contribution(comments_module)
    client.force_login(officer)
    response = client.get(base(published))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{base(published)}new/"' in html
    rows = {row.split("</tr>")[0] for row in html.split("<tr>")[2:]}
    published_row = next(r for r in rows if open_process.title in r)
    draft_row = next(r for r in rows if draft.title in r)
    assert ">Open<" in published_row
    assert 'data-label="Modules">2<' in published_row
    assert 'data-label="Contributions">2<' in published_row
    assert ">Draft<" in draft_row
    assert 'data-label="Modules">0<' in draft_row
    assert 'data-label="Contributions">0<' in draft_row


def test_the_list_is_for_members_only_and_offers_the_form_to_those_who_manage(
    client, org, other_org, make_member, published, open_process
):
    evaluator = make_member(org, Role.EVALUATOR, username="evaluator")
    client.force_login(evaluator)
    response = client.get(base(published))
    assert response.status_code == 200
    assert open_process.title in response.content.decode()
    assert "/participation/new/" not in response.content.decode()
    client.force_login(make_member(other_org, Role.ORG_ADMIN, username="elsewhere"))
    assert client.get(base(published)).status_code == 404
    assert client.get(f"{base(published)}{open_process.slug}/").status_code == 404
    client.logout()
    assert client.get(base(published)).status_code == 302


def test_the_list_stays_at_a_constant_number_of_queries(
    client, officer, published, make_process, django_assert_max_num_queries
):
    make_process(published, modules=("comments",))
    client.force_login(officer)
    with django_assert_max_num_queries(15) as few:
        assert client.get(base(published)).status_code == 200
    for _n in range(8):
        make_process(published, modules=("comments", "statements"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(base(published)).status_code == 200


# --------------------------------------------------------------------------- create and edit


def test_an_officer_creates_a_draft_process(client, officer, published, audit_events):
    activity = activity_add(
        actor=officer, procurement=published, mechanism_key="survey", stage="problem_definition"
    )
    client.force_login(officer)
    form_page = client.get(f"{base(published)}new/")
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert 'type="datetime-local"' in html
    assert "Europe/Madrid" in html
    assert f'<option value="{activity.pk}">' in html
    response = client.post(f"{base(published)}new/", FORM | {"activity": activity.pk})
    process = Process.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base(published)}never-alone/"
    assert process.title == FORM["title"]
    assert process.stage == published.stage
    assert process.activity == activity
    assert process.vote_requires == "confirmed"
    assert not process.is_published
    # The datetime-local value is read in the site's time zone.
    assert process.opens_at == datetime(2030, 5, 4, 9, 30, tzinfo=MADRID)
    assert process.closes_at == datetime(2030, 5, 31, 18, 0, tzinfo=MADRID)
    [event] = audit_events("process.created")
    assert event.actor == officer
    follow = client.get(response["Location"])
    assert "Process saved as a draft." in " ".join(messages_of(follow))
    assert FORM["question"] in follow.content.decode()


def test_a_facilitator_may_set_up_a_process(client, facilitator, published):
    client.force_login(facilitator)
    response = client.post(f"{base(published)}new/", FORM)
    assert response.status_code == 302
    assert Process.objects.get().created_by == facilitator


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_members_without_the_right_get_403_with_the_reason(
    client, org, make_member, published, open_process, role
):
    client.force_login(make_member(org, role, username="someone"))
    for url in (f"{base(published)}new/", f"{base(published)}{open_process.slug}/edit/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "set up participation processes" in response.content.decode()
    assert client.post(f"{base(published)}new/", FORM).status_code == 403
    assert (
        client.post(f"{base(published)}{open_process.slug}/edit/", FORM | {"title": "X"})
    ).status_code == 403
    assert not Process.objects.filter(slug=FORM["slug"]).exists()
    open_process.refresh_from_db()
    assert open_process.title == "Where the line is drawn"


def test_another_organisations_member_gets_404(client, other_org, make_member, published):
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere"))
    assert client.get(f"{base(published)}new/").status_code == 404
    assert client.post(f"{base(published)}new/", FORM).status_code == 404
    assert not Process.objects.exists()


def test_a_closed_procurement_takes_no_new_process(client, officer, published):
    Procurement.objects.filter(pk=published.pk).update(status="cancelled")
    client.force_login(officer)
    assert client.post(f"{base(published)}new/", FORM).status_code == 403
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"opens_at": "2030-05-31T18:00", "closes_at": "2030-05-04T09:30"},
            "closes_at",
            "It must close after it opens.",
        ),
        ({"closes_at": FORM["opens_at"]}, "closes_at", "It must close after it opens."),
        ({"opens_at": "the fourth of May"}, "opens_at", "Enter a valid date/time."),
        ({"closes_at": ""}, "closes_at", "This field is required."),
        ({"question": "   "}, "question", "This field is required."),
        ({"slug": "Not a slug!"}, "slug", "Enter a valid “slug”"),
        ({"slug": "new"}, "slug", "This short name is taken by the workspace"),
        ({"decision_stage": "whenever"}, "decision_stage", "Select a valid choice."),
        ({"vote_requires": "none"}, "vote_requires", "Select a valid choice."),
    ],
)
def test_bad_input_re_renders_with_errors_and_saves_nothing(
    client, officer, published, audit_events, changes, field, message
):
    client.force_login(officer)
    response = client.post(f"{base(published)}new/", FORM | changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert "Please correct the errors below. Nothing was saved." in html
    assert f'id="id_{field}_error"' in html
    assert not Process.objects.exists()
    assert audit_events("process.created") == []


def test_a_slug_already_used_in_the_procurement_is_refused(
    client, officer, published, open_process
):
    client.force_login(officer)
    response = client.post(f"{base(published)}new/", FORM | {"slug": open_process.slug})
    assert response.status_code == 400
    assert "Another process of this procurement has this short name." in (
        response.content.decode()
    )
    assert Process.objects.count() == 1


def test_an_activity_of_another_procurement_cannot_be_chosen(
    client, officer, published, make_procurement
):
    elsewhere = make_procurement(title="Another procurement")
    foreign = activity_add(
        actor=officer, procurement=elsewhere, mechanism_key="survey", stage="problem_definition"
    )
    client.force_login(officer)
    response = client.post(f"{base(published)}new/", FORM | {"activity": foreign.pk})
    assert response.status_code == 400
    assert "activity" in response.context["form"].errors
    assert not Process.objects.exists()


def test_the_edit_form_shows_the_process_and_saves_what_changed(
    client, officer, published, make_process, audit_events
):
    process = make_process(
        published,
        opens_at=datetime(2030, 6, 1, 10, 0, tzinfo=MADRID),
        closes_at=datetime(2030, 6, 30, 20, 0, tzinfo=MADRID),
    )
    url = f"{base(published)}{process.slug}/edit/"
    client.force_login(officer)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2030-06-01T10:00"' in html
    assert 'value="2030-06-30T20:00"' in html
    data = {
        "title": "A clearer title",
        "slug": process.slug,
        "question": process.question,
        "description": process.description,
        "negotiable": process.negotiable,
        "not_negotiable": process.not_negotiable,
        "decision_stage": process.decision_stage,
        "opens_at": "2030-06-01T10:00",
        "closes_at": "2030-06-30T20:00",
        "activity": "",
        "read_requires": process.read_requires,
        "contribute_requires": process.contribute_requires,
        "vote_requires": process.vote_requires,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "A clearer title"
    [event] = audit_events("process.updated")
    assert event.data["fields"] == ["title"]
    # Posting the same values again changes nothing and writes no event.
    again = client.post(url, data, follow=True)
    assert "Nothing changed." in messages_of(again)
    assert len(audit_events("process.updated")) == 1


def test_a_bad_edit_changes_nothing(client, officer, published, make_process):
    process = make_process(published)
    client.force_login(officer)
    response = client.post(
        f"{base(published)}{process.slug}/edit/",
        FORM | {"slug": process.slug, "closes_at": "2030-05-01T08:00"},
    )
    assert response.status_code == 400
    assert "It must close after it opens." in response.content.decode()
    unchanged = Process.objects.get(pk=process.pk)
    assert unchanged.title == process.title
    assert unchanged.closes_at == process.closes_at


def test_an_unknown_process_is_404(client, officer, published):
    client.force_login(officer)
    assert client.get(f"{base(published)}no-such-process/").status_code == 404
    assert client.get(f"{base(published)}no-such-process/edit/").status_code == 404


# --------------------------------------------------------------------------- the process page


def test_the_process_page_shows_fields_modules_and_forms(
    client, officer, published, open_process, comments_module, make_contribution
):
    make_contribution(comments_module)
    client.force_login(officer)
    response = client.get(f"{base(published)}{open_process.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTION in html
    assert open_process.negotiable in html
    assert "Comments and ideas" in html and "Statements to vote on" in html
    row = html.split(f'href="/p/{published.slug}/{open_process.slug}/m/{comments_module.pk}/"')[1]
    row = row.split("</tr>")[0]
    assert ">Open<" in row
    assert 'data-label="Contributions">1<' in row
    assert f"/m/{comments_module.pk}/print/" in row
    assert f'href="/p/{published.slug}/{open_process.slug}/"' in html
    assert f"{open_process.slug}/assist/" in html
    # Published already: no publish button; the module form offers every kind
    # problem definition takes.
    assert "/publish/" not in html
    kinds = [value for value, _label in response.context["module_form"].fields["kind"].choices]
    assert kinds == [
        "comments",
        "survey",
        "statements",
        "prioritisation",
        "document_review",
        "event",
    ]


def test_a_moderator_reads_the_process_page_without_the_forms(
    client, moderator, published, open_process
):
    client.force_login(moderator)
    response = client.get(f"{base(published)}{open_process.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["module_form"] is None
    assert "/modules/" not in html
    assert "/edit/" not in html
    assert "/assist/" not in html


def test_a_module_is_added(client, officer, published, make_process, audit_events):
    process = make_process(published)
    client.force_login(officer)
    response = client.post(
        f"{base(published)}{process.slug}/modules/",
        {
            "kind": "statements",
            "title": "Statements on the line",
            "description": "",
            "opens_at": "",
            "closes_at": "",
        },
    )
    assert response.status_code == 302
    module = process.modules.get()
    assert (module.kind, module.title, module.opens_at) == (
        "statements",
        "Statements on the line",
        None,
    )
    assert len(audit_events("module.added")) == 1


def test_a_module_kind_the_stage_does_not_take_is_refused(
    client, officer, make_procurement, make_process
):
    # Market engagement takes comments, document reviews and event records, not statements.
    procurement = make_procurement(stage="market_engagement", title="Market dialogue")
    process = make_process(procurement)
    client.force_login(officer)
    page = client.get(f"{base(procurement)}{process.slug}/")
    offered = [v for v, _label in page.context["module_form"].fields["kind"].choices]
    assert offered == ["comments", "document_review", "event"]
    for kind in ("statements", "survey", "prioritisation"):
        response = client.post(
            f"{base(procurement)}{process.slug}/modules/", {"kind": kind, "title": "Votes"}
        )
        assert response.status_code == 400
    assert not Module.objects.exists()


def test_a_module_closing_before_it_opens_is_refused(client, officer, published, make_process):
    process = make_process(published)
    client.force_login(officer)
    response = client.post(
        f"{base(published)}{process.slug}/modules/",
        {
            "kind": "comments",
            "title": "Comments",
            "opens_at": "2030-05-10T10:00",
            "closes_at": "2030-05-09T10:00",
        },
    )
    assert response.status_code == 400
    assert "It must close after it opens." in response.content.decode()
    assert not Module.objects.exists()


def test_an_evaluator_cannot_add_a_module(client, org, make_member, published, make_process):
    process = make_process(published)
    client.force_login(make_member(org, Role.EVALUATOR, username="evaluator"))
    response = client.post(
        f"{base(published)}{process.slug}/modules/", {"kind": "comments", "title": "Comments"}
    )
    assert response.status_code == 403
    assert not Module.objects.exists()


# --------------------------------------------------------------------------- publishing


def test_publishing_a_process(client, officer, published, make_process, audit_events):
    process = make_process(published, modules=("comments",))
    client.force_login(officer)
    page = client.get(f"{base(published)}{process.slug}/").content.decode()
    assert f"{process.slug}/publish/" in page
    response = client.post(f"{base(published)}{process.slug}/publish/", follow=True)
    assert response.redirect_chain[-1][0] == f"{base(published)}{process.slug}/"
    assert "Published: the process is now on the public page." in messages_of(response)
    process.refresh_from_db()
    assert process.is_published
    [event] = audit_events("process.published")
    assert event.actor == officer


def test_publishing_without_a_module_is_refused_with_a_message(
    client, officer, published, make_process, audit_events
):
    process = make_process(published)
    client.force_login(officer)
    response = client.post(f"{base(published)}{process.slug}/publish/", follow=True)
    assert "Add at least one module before publishing." in messages_of(response)
    assert not Process.objects.get(pk=process.pk).is_published
    assert audit_events("process.published") == []


def test_publishing_on_an_unpublished_procurement_is_refused_with_a_message(
    client, officer, procurement, make_process
):
    process = make_process(procurement, modules=("comments",))
    client.force_login(officer)
    response = client.post(f"{base(procurement)}{process.slug}/publish/", follow=True)
    assert "Publish the procurement first; the process is part of it." in messages_of(response)
    assert not Process.objects.get(pk=process.pk).is_published


def test_publishing_needs_the_right(client, moderator, published, make_process):
    process = make_process(published, modules=("comments",))
    client.force_login(moderator)
    assert client.post(f"{base(published)}{process.slug}/publish/").status_code == 403
    assert client.get(f"{base(published)}{process.slug}/publish/").status_code == 405
    assert not Process.objects.get(pk=process.pk).is_published


# --------------------------------------------------------------------------- assisted entry


def assist_data(module: Module, **overrides) -> dict:
    return {
        "module": module.pk,
        "channel": "paper",
        "pseudonym": "Maria from the library",
        "kind": "",
        "body": "A person should always call back anyone marked urgent.",
        **overrides,
    }


def test_a_facilitator_enters_a_paper_form(
    client, facilitator, published, open_process, comments_module, audit_events
):
    url = f"{base(published)}{open_process.slug}/assist/"
    client.force_login(facilitator)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="paper" checked' in html
    assert "autofocus" not in html
    response = client.post(url, assist_data(comments_module))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?module={comments_module.pk}&channel=paper"
    contribution = Contribution.objects.get()
    assert contribution.module == comments_module
    assert contribution.kind == "comment"
    assert contribution.channel == Channel.PAPER
    assert contribution.entered_by == facilitator
    assert contribution.participant.pseudonym == "Maria from the library"
    assert contribution.participant.is_guest
    [event] = audit_events("contribution.added")
    assert event.actor == facilitator
    assert event.data["assisted"] is True and event.data["channel"] == "paper"
    # The new guest is recorded by the contribution's event alone: a separate
    # event would take the audit lock before the module's row (a deadlock risk).
    assert audit_events("participant.guest_joined") == []
    # The page comes back ready for the next form: same part and channel, empty fields.
    following = client.get(response["Location"])
    assert "Saved the contribution of “Maria from the library”" in " ".join(messages_of(following))
    form = following.context["form"]
    assert str(form["module"].value()) == str(comments_module.pk)
    assert form["channel"].value() == "paper"
    assert not form["pseudonym"].value() and not form["body"].value()
    assert "autofocus" in following.content.decode()


def test_assisted_entry_keeps_the_channel_and_kind_chosen(
    client, officer, published, open_process, comments_module, statements_module
):
    url = f"{base(published)}{open_process.slug}/assist/"
    client.force_login(officer)
    client.post(url, assist_data(comments_module, channel="phone", kind="idea"))
    client.post(
        url,
        assist_data(
            statements_module,
            channel="in_person",
            pseudonym="Pau",
            body="Urgent referrals need a same-day call.",
        ),
    )
    idea, statement = Contribution.objects.order_by("pk")
    assert (idea.kind, idea.channel) == ("idea", "phone")
    assert (statement.kind, statement.channel, statement.module) == (
        "statement",
        "in_person",
        statements_module,
    )
    assert Participant.objects.filter(user__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "  "}, "body"),
        ({"pseudonym": "M"}, "pseudonym"),
        ({"channel": "online"}, "channel"),
        ({"body": "x " * 3000}, "body"),
    ],
)
def test_bad_assisted_entry_saves_nothing(
    client, facilitator, published, open_process, comments_module, changes, field
):
    client.force_login(facilitator)
    response = client.post(
        f"{base(published)}{open_process.slug}/assist/", assist_data(comments_module, **changes)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Contribution.objects.exists()
    assert not Participant.objects.exists()


ASSISTED_FORMS = [
    (AssistForm, {"modules": []}, "How it was made"),
    (DocumentAssistForm, {"paragraphs": []}, "How it was made"),
    (SurveyAssistForm, {"questions": []}, "How the answers were given"),
    (AssistBallotForm, {"items": [], "method": "dots", "budget": 10}, "How it was cast"),
]


@pytest.mark.parametrize(("form_class", "options", "label"), ASSISTED_FORMS)
def test_every_assisted_entry_asks_the_same_channel_and_pseudonym(form_class, options, label):
    """One base for the four entry screens: the same two fields, the channel
    worded for what is entered, only offline channels, a clear refusal."""
    form = form_class(**options)
    assert issubclass(form_class, AssistedEntryForm)
    assert form.fields["channel"].label == label
    offered = [value for value, _label in form.fields["channel"].choices]
    assert offered == [c for c in Channel.values if c != Channel.ONLINE]
    assert form.fields["pseudonym"].max_length == 60
    bound = form_class({"channel": "online", "pseudonym": "M"}, **options)
    assert not bound.is_valid()
    assert "Choose how the person took part" in bound.errors["channel"][0]
    assert "pseudonym" in bound.errors


def test_a_statement_too_long_is_refused_and_leaves_no_guest(
    client, facilitator, published, open_process, statements_module
):
    client.force_login(facilitator)
    response = client.post(
        f"{base(published)}{open_process.slug}/assist/",
        assist_data(statements_module, body="a long statement " * 30),
    )
    assert response.status_code == 400
    assert "At most 280 characters" in response.content.decode()
    assert not Contribution.objects.exists()
    # The guest made for the pseudonym went with the refused contribution.
    assert not Participant.objects.exists()


def test_assisted_entry_into_a_closed_process_is_refused(
    client, facilitator, published, open_process, comments_module, set_window
):
    set_window(open_process, "closed")
    client.force_login(facilitator)
    response = client.post(
        f"{base(published)}{open_process.slug}/assist/", assist_data(comments_module)
    )
    assert response.status_code == 400
    assert "This part is closed" in response.content.decode()
    assert not Contribution.objects.exists()
    assert not Participant.objects.exists()


def test_a_module_of_another_process_cannot_be_chosen(
    client, facilitator, published, open_process, make_process
):
    other = make_process(published, modules=("comments",), publish=True)
    client.force_login(facilitator)
    response = client.post(
        f"{base(published)}{open_process.slug}/assist/", assist_data(other.modules.get())
    )
    assert response.status_code == 400
    assert "module" in response.context["form"].errors
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR])
def test_assisted_entry_needs_the_right(
    client, org, make_member, published, open_process, comments_module, role
):
    client.force_login(make_member(org, role, username="someone"))
    url = f"{base(published)}{open_process.slug}/assist/"
    response = client.get(url)
    assert response.status_code == 403
    assert "enter contributions on someone" in response.content.decode()
    assert client.post(url, assist_data(comments_module)).status_code == 403
    assert not Contribution.objects.exists()


def test_assisted_entry_is_404_for_another_organisation(
    client, other_org, make_member, published, open_process, comments_module
):
    client.force_login(make_member(other_org, Role.FACILITATOR, username="elsewhere"))
    url = f"{base(published)}{open_process.slug}/assist/"
    assert client.post(url, assist_data(comments_module)).status_code == 404
    assert not Contribution.objects.exists()


# --------------------------------------------------------------------------- the paper form


def test_the_paper_form_prints_the_question_and_room_to_write(
    client, facilitator, published, open_process, comments_module, statements_module
):
    client.force_login(facilitator)
    url = f"{base(published)}{open_process.slug}/m/{comments_module.pk}/print/"
    response = client.get(url, {"where": "the front desk of Central Library"})
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTION in html
    assert open_process.negotiable in html
    assert open_process.not_negotiable in html
    assert comments_module.title in html
    assert html.count('class="write-line"') == 16
    assert "Name to show with your words (a pseudonym is fine)" in html
    assert "Email or phone, optional" in html
    assert "Hand this form in here: the front desk of Central Library." in html
    assert f"/p/{published.slug}/{open_process.slug}/" in html
    assert "participation/print.css" in html
    statements = client.get(
        f"{base(published)}{open_process.slug}/m/{statements_module.pk}/print/"
    ).content.decode()
    assert "at most 280 characters" in statements
    assert statements.count('class="write-line"') == 4


@pytest.mark.parametrize("kind", [ModuleKind.COMMENTS, ModuleKind.SURVEY])
def test_the_paper_form_looks_its_module_up_once(
    client, officer, published, open_process, survey_module, kind
):
    """One query finds the module, whichever kind prints it."""
    module = open_process.modules.get(kind=kind)
    client.force_login(officer)
    url = f"{base(published)}{open_process.slug}/m/{module.pk}/print/"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "participation_module"' in q["sql"] and f'"id" = {module.pk}' in q["sql"]
    ]
    assert len(lookups) == 1, lookups


def test_a_module_of_another_process_has_no_paper_form_here(
    client, officer, published, open_process, make_process
):
    elsewhere = make_process(published, modules=(ModuleKind.COMMENTS, ModuleKind.SURVEY))
    client.force_login(officer)
    for module in elsewhere.modules.all():
        url = f"{base(published)}{open_process.slug}/m/{module.pk}/print/"
        assert client.get(url).status_code == 404


def test_the_paper_form_is_for_members_only(
    client, other_org, make_member, published, open_process, comments_module
):
    client.force_login(make_member(other_org, Role.FACILITATOR, username="elsewhere"))
    url = f"{base(published)}{open_process.slug}/m/{comments_module.pk}/print/"
    assert client.get(url).status_code == 404


def test_the_process_page_is_reachable_from_the_procurement_page(client, officer, published):
    client.force_login(officer)
    html = client.get(f"/workspace/procurements/{published.slug}/").content.decode()
    assert f'href="{base(published)}"' in html

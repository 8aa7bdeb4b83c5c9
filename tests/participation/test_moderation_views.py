"""The moderators' queue and their three decisions (hide, restore, dismiss
the flags), through real HTTP requests, role by role."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from participai.accounts.roles import Role
from participai.participation.models import Contribution, Flag
from participai.participation.services import contributions as contribution_services
from participai.participation.services import moderation as moderation_services


@pytest.fixture
def queue_url(org) -> str:
    return f"/workspace/moderation/{org.slug}/"


@pytest.fixture
def flag(make_guest) -> Callable[..., None]:
    """``flag(contribution, reason="abuse", note="", times=1)``: flags by fresh guests."""

    def add(contribution: Contribution, reason: str = "abuse", note: str = "", times: int = 1):
        for _n in range(times):
            contribution_services.contribution_flag(
                participant=make_guest(), contribution=contribution, reason=reason, note=note
            )

    return add


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def position(html: str, contribution: Contribution) -> int:
    return html.index(f'id="contribution-{contribution.pk}"')


# --------------------------------------------------------------------------- the queue


def test_the_queue_puts_flagged_contributions_first(
    client, moderator, queue_url, comments_module, make_contribution, flag
):
    old_flagged = make_contribution(comments_module, "Everyone in that office is useless.")
    twice_flagged = make_contribution(comments_module, "Buy my consultancy services today.")
    quiet = make_contribution(comments_module, "Call urgent cases back the same day.")
    newest = make_contribution(comments_module, "Keep a phone line for people offline.")
    flag(old_flagged, "abuse", note="Insults the staff")
    flag(twice_flagged, "spam", times=2)
    client.force_login(moderator)
    response = client.get(queue_url)
    assert response.status_code == 200
    html = response.content.decode()
    order = sorted([old_flagged, twice_flagged, quiet, newest], key=lambda c: position(html, c))
    # Most flags first, then the other flagged one, then the rest newest first.
    assert order == [twice_flagged, old_flagged, newest, quiet]
    flagged_block = html[position(html, old_flagged) :].split("</li>\n  \n")[0]
    assert "1 open flag" in flagged_block
    assert "Abusive, hateful or harassing (1)" in flagged_block
    assert "Insults the staff" in flagged_block
    assert "Spam or advertising (2)" in html
    assert "2 open flags" in html
    assert "4 contributions" in html
    process = comments_module.process
    module_page = f"/p/{process.procurement.slug}/{process.slug}/m/{comments_module.pk}/"
    assert f'href="{module_page}"' in flagged_block


def test_the_flagged_filter_keeps_the_open_flags_only(
    client, moderator, queue_url, comments_module, make_contribution, flag
):
    flagged = make_contribution(comments_module, "Everyone in that office is useless.")
    dismissed = make_contribution(comments_module, "A rude remark, judged fine.")
    quiet = make_contribution(comments_module, "Call urgent cases back the same day.")
    flag(flagged)
    flag(dismissed)
    moderation_services.flags_dismiss(actor=moderator, contribution=dismissed)
    client.force_login(moderator)
    html = client.get(queue_url, {"show": "flagged"}).content.decode()
    assert f'id="contribution-{flagged.pk}"' in html
    assert f'id="contribution-{dismissed.pk}"' not in html
    assert f'id="contribution-{quiet.pk}"' not in html
    assert 'id="show-flagged" name="show" value="flagged" checked' in html
    # A dismissed flag no longer lifts its contribution to the top.
    everything = client.get(queue_url).content.decode()
    assert position(everything, flagged) < position(everything, quiet)
    assert position(everything, quiet) < position(everything, dismissed)


def test_the_queue_shows_only_the_organisations_own_contributions(
    client,
    moderator,
    queue_url,
    other_org,
    make_procurement,
    make_process,
    comments_module,
    make_contribution,
):
    ours = make_contribution(comments_module, "Ours.")
    elsewhere = make_procurement(other_org, published=True, title="Elsewhere's procurement")
    theirs_process = make_process(elsewhere, modules=("comments",), publish=True)
    theirs = make_contribution(theirs_process.modules.get(), "Theirs.")
    client.force_login(moderator)
    html = client.get(queue_url).content.decode()
    assert f'id="contribution-{ours.pk}"' in html
    assert f'id="contribution-{theirs.pk}"' not in html


def test_the_queue_is_paginated_at_a_constant_number_of_queries(
    client,
    moderator,
    queue_url,
    comments_module,
    make_guest,
    flag,
    django_assert_max_num_queries,
):
    guest = make_guest("Prolific")

    def add(n: int) -> None:
        # Written straight to the table: the queue's reads are under test, not the
        # service (which limits one guest to a few contributions a minute).
        rows = Contribution.objects.bulk_create(
            Contribution(
                module=comments_module,
                kind="comment",
                participant=guest,
                body=f"Row {i}",
                body_html=f"<p>Row {i}</p>",
            )
            for i in range(n)
        )
        for row in rows[:3]:
            flag(row, "off_topic", note="Not about triage")

    add(3)
    client.force_login(moderator)
    with django_assert_max_num_queries(20) as few:
        assert client.get(queue_url).status_code == 200
    add(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(queue_url)
    assert len(response.context["queue"].rows) == 25
    assert "Page 1 of 3" in response.content.decode()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(queue_url, {"show": "flagged", "page": "2"}).status_code == 200


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.FACILITATOR, Role.AUDITOR])
def test_members_who_may_not_moderate_get_403(
    client, org, make_member, queue_url, comments_module, make_contribution, flag, role
):
    contribution = make_contribution(comments_module)
    flag(contribution)
    client.force_login(make_member(org, role, username="someone"))
    response = client.get(queue_url)
    assert response.status_code == 403
    assert "moderate contributions" in response.content.decode()
    for action in ("hide", "restore", "dismiss"):
        response = client.post(f"{queue_url}{contribution.pk}/{action}/", {"reason": "Because"})
        assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == "visible"
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1


def test_another_organisations_moderator_gets_404(
    client, other_org, make_member, queue_url, comments_module, make_contribution
):
    contribution = make_contribution(comments_module)
    stranger = make_member(other_org, Role.MODERATOR, username="stranger")
    client.force_login(stranger)
    assert client.get(queue_url).status_code == 404
    assert client.post(f"{queue_url}{contribution.pk}/hide/", {"reason": "X"}).status_code == 404
    # Nor can they reach it through their own organisation's queue.
    own_queue = f"/workspace/moderation/{other_org.slug}/"
    assert client.get(own_queue).status_code == 200
    assert client.post(f"{own_queue}{contribution.pk}/hide/", {"reason": "X"}).status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == "visible"


def test_the_dashboard_links_the_queue_for_those_who_moderate(
    client, org, moderator, officer, make_member, queue_url
):
    client.force_login(moderator)
    html = client.get("/workspace/").content.decode()
    assert f'href="{queue_url}"' in html
    assert f"Moderation queue of {org.name}" in html
    client.force_login(make_member(org, Role.ORG_ADMIN, username="admin"))
    assert f'href="{queue_url}"' in client.get("/workspace/").content.decode()
    client.force_login(officer)
    assert f'href="{queue_url}"' not in client.get("/workspace/").content.decode()


# --------------------------------------------------------------------------- decisions


def test_a_moderator_hides_a_contribution_with_a_reason(
    client, moderator, queue_url, comments_module, make_contribution, flag, audit_events
):
    contribution = make_contribution(comments_module, "Everyone in that office is useless.")
    flag(contribution, times=2)
    client.force_login(moderator)
    back = f"{queue_url}?show=flagged&page=1"
    response = client.post(
        f"{queue_url}{contribution.pk}/hide/",
        {"reason": "Insults people rather than discussing the system.", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    contribution.refresh_from_db()
    assert contribution.status == "hidden"
    assert contribution.moderation_reason == "Insults people rather than discussing the system."
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    [event] = audit_events("contribution.hidden")
    assert event.actor == moderator
    assert event.data["flags_resolved"] == 2
    page = client.get(back)
    assert f"Contribution {contribution.pk} hidden" in " ".join(messages_of(page))
    # Hidden and no longer flagged: the "hidden" filter finds it, with its restore form.
    hidden = client.get(queue_url, {"show": "hidden"}).content.decode()
    assert f"{contribution.pk}/restore/" in hidden
    assert "Insults people rather than discussing the system." in hidden


def test_hiding_without_a_reason_changes_nothing(
    client, moderator, queue_url, comments_module, make_contribution, audit_events
):
    contribution = make_contribution(comments_module)
    client.force_login(moderator)
    response = client.post(f"{queue_url}{contribution.pk}/hide/", {"reason": "   "}, follow=True)
    assert response.redirect_chain[-1][0] == queue_url
    assert "Say why; the reason is shown in the thread." in messages_of(response)
    contribution.refresh_from_db()
    assert contribution.status == "visible"
    assert audit_events("contribution.hidden") == []


def test_a_moderator_restores_a_hidden_contribution(
    client, moderator, queue_url, comments_module, make_contribution, audit_events
):
    contribution = make_contribution(comments_module)
    moderation_services.contribution_hide(
        actor=moderator, contribution=contribution, reason="Looked like an advert."
    )
    client.force_login(moderator)
    refused = client.post(f"{queue_url}{contribution.pk}/restore/", {"reason": ""}, follow=True)
    assert "Say why; the reason is shown in the thread." in messages_of(refused)
    assert Contribution.objects.get(pk=contribution.pk).status == "hidden"
    response = client.post(
        f"{queue_url}{contribution.pk}/restore/",
        {"reason": "It names a real local service; not an advert."},
        follow=True,
    )
    assert f"Contribution {contribution.pk} is visible again." in messages_of(response)
    contribution.refresh_from_db()
    assert contribution.status == "visible"
    assert contribution.moderation_reason == "It names a real local service; not an advert."
    [event] = audit_events("contribution.restored")
    assert event.actor == moderator


def test_an_org_admin_dismisses_the_flags(
    client, org, make_member, queue_url, comments_module, make_contribution, flag, audit_events
):
    admin = make_member(org, Role.ORG_ADMIN, username="admin")
    contribution = make_contribution(comments_module, "Sharp, but on topic.")
    flag(contribution, "off_topic", times=3)
    client.force_login(admin)
    response = client.post(f"{queue_url}{contribution.pk}/dismiss/", follow=True)
    assert f"3 flags dismissed on contribution {contribution.pk}" in " ".join(
        messages_of(response)
    )
    contribution.refresh_from_db()
    assert contribution.status == "visible"
    assert Flag.objects.filter(resolved_at__isnull=False).count() == 3
    [event] = audit_events("contribution.flags_dismissed")
    assert event.actor == admin
    assert event.data["flags_resolved"] == 3
    # Dismissing again finds nothing to dismiss and writes nothing.
    again = client.post(f"{queue_url}{contribution.pk}/dismiss/", follow=True)
    assert f"Contribution {contribution.pk} had no open flags." in messages_of(again)
    assert len(audit_events("contribution.flags_dismissed")) == 1


def test_a_removed_contribution_cannot_be_moderated(
    client, moderator, queue_url, comments_module, make_guest, make_contribution
):
    author = make_guest("Author")
    contribution = make_contribution(comments_module, participant=author)
    contribution_services.contribution_remove_own(participant=author, contribution=contribution)
    client.force_login(moderator)
    assert f'id="contribution-{contribution.pk}"' not in client.get(queue_url).content.decode()
    response = client.post(f"{queue_url}{contribution.pk}/hide/", {"reason": "Spam"}, follow=True)
    assert "Its author removed it; there is nothing to moderate." in messages_of(response)
    assert Contribution.objects.get(pk=contribution.pk).status == "removed"


def test_a_next_address_outside_the_queue_is_ignored(
    client, moderator, queue_url, comments_module, make_contribution
):
    contribution = make_contribution(comments_module)
    client.force_login(moderator)
    for target in ("https://evil.example/", "/workspace/", f"//evil.example{queue_url}"):
        response = client.post(f"{queue_url}{contribution.pk}/dismiss/", {"next": target})
        assert response["Location"] == queue_url


def test_decisions_are_posts_only(
    client, moderator, queue_url, comments_module, make_contribution
):
    contribution = make_contribution(comments_module)
    client.force_login(moderator)
    assert client.get(f"{queue_url}{contribution.pk}/hide/").status_code == 405
    assert Contribution.objects.get(pk=contribution.pk).status == "visible"

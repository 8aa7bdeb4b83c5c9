"""Moderators hide and restore contributions with a public reason, or dismiss
the flags on one that stays; only the organisation admin and moderators may,
and every decision is on the audit trail with its reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.participation.models import Contribution, Flag
from participai.participation.services import moderation as services
from participai.participation.services.contributions import (
    contribution_flag,
    contribution_remove_own,
)

MAY_MODERATE = (Role.ORG_ADMIN, Role.MODERATOR)
MAY_NOT_MODERATE = (
    Role.PROCUREMENT_OFFICER,
    Role.PROJECT_LEAD,
    Role.DATA_EXPERT,
    Role.LEGAL_OFFICER,
    Role.FACILITATOR,
    Role.EVALUATOR,
    Role.AUDITOR,
)


def fresh(contribution: Contribution) -> Contribution:
    return Contribution.objects.get(pk=contribution.pk)


@pytest.fixture
def flagged(comments_module, make_contribution, make_guest) -> Contribution:
    comment = make_contribution(comments_module, "You are all idiots.")
    for reason in ("abuse", "off_topic"):
        contribution_flag(participant=make_guest(), contribution=comment, reason=reason)
    return comment


@pytest.mark.parametrize("role", MAY_MODERATE)
def test_hide_with_a_reason_resolves_flags(role, org, make_member, flagged, audit_events):
    actor = make_member(org, role)
    services.contribution_hide(actor=actor, contribution=flagged, reason="  Insults people. ")
    hidden = fresh(flagged)
    assert hidden.status == "hidden"
    assert hidden.moderation_reason == "Insults people."
    assert hidden.body == "You are all idiots."  # kept for the author and moderators
    assert not Flag.objects.filter(contribution=flagged, resolved_at__isnull=True).exists()
    [event] = audit_events("contribution.hidden")
    assert event.actor_id == actor.pk
    assert event.organisation_id_ref == org.pk
    assert event.data == {"reason": "Insults people.", "flags_resolved": 2}


@pytest.mark.parametrize("role", MAY_MODERATE)
def test_restore_with_a_reason(role, org, make_member, flagged, moderator, audit_events):
    services.contribution_hide(actor=moderator, contribution=flagged, reason="Insults.")
    actor = make_member(org, role)
    services.contribution_restore(
        actor=actor, contribution=flagged, reason="On a second read, it is criticism."
    )
    restored = fresh(flagged)
    assert restored.status == "visible"
    assert restored.moderation_reason == "On a second read, it is criticism."
    [event] = audit_events("contribution.restored")
    assert event.actor_id == actor.pk
    assert event.data == {"reason": "On a second read, it is criticism.", "flags_resolved": 0}


@pytest.mark.parametrize("role", MAY_NOT_MODERATE)
def test_the_team_does_not_moderate(role, org, make_member, flagged, audit_events):
    actor = make_member(org, role)
    with pytest.raises(PermissionDenied):
        services.contribution_hide(actor=actor, contribution=flagged, reason="Critical of us.")
    with pytest.raises(PermissionDenied):
        services.flags_dismiss(actor=actor, contribution=flagged)
    assert fresh(flagged).status == "visible"
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    assert audit_events("contribution.hidden") == []


def test_restore_refused_without_the_right(officer, moderator, flagged):
    services.contribution_hide(actor=moderator, contribution=flagged, reason="Insults.")
    with pytest.raises(PermissionDenied):
        services.contribution_restore(actor=officer, contribution=flagged, reason="We like it.")
    assert fresh(flagged).status == "hidden"


def test_another_organisations_moderator_is_refused(other_org, make_member, flagged):
    outsider = make_member(other_org, Role.MODERATOR, Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied):
        services.contribution_hide(actor=outsider, contribution=flagged, reason="Spam.")
    assert fresh(flagged).status == "visible"


@pytest.mark.parametrize("reason", ["", "   ", "\x00", "x" * 501])
def test_a_reason_is_required_and_bounded(reason, moderator, flagged, audit_events):
    with pytest.raises(ValidationError) as caught:
        services.contribution_hide(actor=moderator, contribution=flagged, reason=reason)
    assert set(caught.value.message_dict) == {"reason"}
    assert fresh(flagged).status == "visible"
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    assert audit_events("contribution.hidden") == []


def test_hiding_twice_writes_once(moderator, flagged, audit_events):
    services.contribution_hide(actor=moderator, contribution=flagged, reason="Insults.")
    services.contribution_hide(actor=moderator, contribution=flagged, reason="Still insults.")
    assert fresh(flagged).moderation_reason == "Insults."
    assert len(audit_events("contribution.hidden")) == 1


def test_removed_contributions_cannot_be_moderated(
    comments_module, guest, moderator, audit_events
):
    from participai.participation.services.contributions import contribution_add

    mine = contribution_add(participant=guest, module=comments_module, body="Never mind.")
    contribution_remove_own(participant=guest, contribution=mine)
    for service in (services.contribution_hide, services.contribution_restore):
        with pytest.raises(ValidationError, match="nothing to moderate"):
            service(actor=moderator, contribution=mine, reason="Because.")
    assert fresh(mine).status == "removed"
    assert fresh(mine).moderation_reason == ""
    assert audit_events("contribution.hidden") == []


def test_dismiss_flags_keeps_the_contribution(moderator, flagged, make_guest, audit_events):
    assert services.flags_dismiss(actor=moderator, contribution=flagged) == 2
    assert fresh(flagged).status == "visible"
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    [event] = audit_events("contribution.flags_dismissed")
    assert event.data == {"flags_resolved": 2}
    # Nothing left to dismiss: no event.
    assert services.flags_dismiss(actor=moderator, contribution=flagged) == 0
    assert len(audit_events("contribution.flags_dismissed")) == 1
    # A new flag is a new question.
    contribution_flag(participant=make_guest(), contribution=flagged, reason="spam")
    assert services.flags_dismiss(actor=moderator, contribution=flagged) == 1

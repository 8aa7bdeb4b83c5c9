"""A participant's own data: all of it, to take away, and deleting it.

:func:`participant_export` gathers everything the platform holds about one
participant (and nothing about anyone else) as a JSON-ready dict.

:func:`participant_delete` takes the person out while the conversation
keeps its shape: what they wrote is removed the way an author removes a
contribution ("Removed by its author", replies stay readable); what only
counts (supports, statement votes, survey responses, prioritisation
ballots, and reports to moderators) stays as anonymous rows, so no total
moves; what describes them (demographic answers, follows, mail not yet
sent, free-text survey answers, notes to moderators) is deleted; the
participant row stays with a neutral placeholder instead of the pseudonym,
no email and no code.

How an account holder takes part again: the removed participant is
detached from the account, so the account's next write makes a fresh
participant (``participant_for_user``), linked to nothing of before. The
account itself is kept, unless they also ask to close it (see
:func:`participant_delete`).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import EmailFrequency, Participant, User
from participai.core.audit import audit_record

from ..models import (
    Contribution,
    ContributionStatus,
    DemographicProfile,
    Flag,
    Follow,
    Module,
    Notification,
    PriorityBallot,
    QuestionKind,
    Response,
    StatementVote,
    Support,
    SurveyAnswer,
    SurveyResponse,
)
from .insights import opinion_groups_request, topics_request
from .moderation import flags_resolve

# What a removed participant is called in the rare places a name is shown.
REMOVED_PSEUDONYM = "[removed]"
EXPORT_FORMAT = "participai.participant-data/1"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _process_ref(module: Module) -> dict[str, Any]:
    process = module.process
    return {
        "procurement": process.procurement.slug,
        "process": process.slug,
        "process_title": process.title,
        "module": module.pk,
        "module_title": module.title,
    }


def _module_url(module: Module) -> str:
    process = module.process
    return reverse(
        "participation_public:module",
        kwargs={"slug": process.procurement.slug, "process": process.slug, "module": module.pk},
    )


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        **_process_ref(c.module),
        "url": f"{_module_url(c.module)}#contribution-{c.pk}",
        "kind": c.kind,
        "status": c.status,
        "moderation_reason": c.moderation_reason,
        "text": c.body,
        "reply_to": c.parent_id,
        "paragraph": c.paragraph_id,
        "channel": c.channel,
        "entered_by_a_facilitator": c.entered_by_id is not None,
        "supports": c.support_count,
        "replies": c.reply_count,
        "votes": {"agree": c.agree_count, "disagree": c.disagree_count, "pass": c.pass_count},
        "created_at": _when(c.created_at),
        "updated_at": _when(c.updated_at),
        # What became of it: the published "you said, we did" answers.
        "responses": [
            {
                "status": r.status,
                "what_it_changed": r.change_kind,
                "change": r.change,
                "target": r.target_label,
                "reason": r.reason,
                "answered_at": _when(r.created_at),
            }
            for r in c.responses.all()
        ],
    }


def _survey_value(answer: SurveyAnswer) -> Any:
    question = answer.question
    options = question.options or []

    def label(index: Any) -> Any:
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(options):
            return options[index]
        return index

    if question.kind == QuestionKind.SINGLE:
        return label(answer.value)
    if question.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING) and isinstance(
        answer.value, list
    ):
        return [label(index) for index in answer.value]
    return answer.value


def participant_export(participant: Participant) -> dict[str, Any]:
    """Everything held about ``participant``, ready for ``json.dumps``.

    Their pseudonym, email and verification; their account's name and email
    if they have one; every contribution with its status, its text (unless
    removed) and the answers it got; their supports, statement votes and
    reports (by contribution id: other people's words are not copied);
    survey responses, prioritisation ballots, demographic answers with the
    consent date, follows and notifications. A fixed number of queries.
    """
    participant = Participant.objects.select_related("user").get(pk=participant.pk)
    user = participant.user
    in_process = "module__process__procurement"
    contributions = (
        Contribution.objects.filter(participant=participant)
        .select_related(in_process)
        .prefetch_related(
            Prefetch("responses", queryset=Response.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    supports = (
        Support.objects.filter(participant=participant)
        .select_related(f"contribution__{in_process}")
        .order_by("created_at", "pk")
    )
    votes = (
        StatementVote.objects.filter(participant=participant)
        .select_related(f"contribution__{in_process}")
        .order_by("created_at", "pk")
    )
    flags = (
        Flag.objects.filter(participant=participant)
        .select_related(f"contribution__{in_process}")
        .order_by("created_at", "pk")
    )
    surveys = (
        SurveyResponse.objects.filter(participant=participant)
        .select_related(in_process)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=SurveyAnswer.objects.select_related("question").order_by(
                    "question__position", "question__pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    ballots = (
        PriorityBallot.objects.filter(participant=participant)
        .select_related(in_process)
        .prefetch_related("allocations__item")
        .order_by("created_at", "pk")
    )
    profiles = (
        DemographicProfile.objects.filter(participant=participant)
        .select_related("process__procurement")
        .prefetch_related("answers__question")
        .order_by("created_at", "pk")
    )
    follows = (
        Follow.objects.filter(participant=participant)
        .select_related("process__procurement")
        .order_by("created_at", "pk")
    )
    notifications = (
        Notification.objects.filter(participant=participant)
        .select_related("process__procurement")
        .order_by("created_at", "pk")
    )

    def on(contribution: Contribution) -> dict[str, Any]:
        return {"contribution": contribution.pk, **_process_ref(contribution.module)}

    def demographic(profile: DemographicProfile) -> dict[str, Any]:
        answers = sorted(profile.answers.all(), key=lambda a: (a.question.position, a.question.pk))
        return {
            "procurement": profile.process.procurement.slug,
            "process": profile.process.slug,
            "process_title": profile.process.title,
            "consented_at": _when(profile.consented_at),
            "updated_at": _when(profile.updated_at),
            "answers": [
                {
                    "question": a.question.label,
                    "kind": a.question.kind,
                    "answer": (
                        a.question.options[a.option]
                        if a.option is not None and a.option < len(a.question.options)
                        else None
                    ),
                }
                for a in answers
            ],
        }

    return {
        "format": EXPORT_FORMAT,
        "exported_at": _when(timezone.now()),
        "participant": {
            "id": participant.pk,
            "pseudonym": participant.pseudonym,
            "email": participant.email,
            "verification": participant.verification,
            "email_confirmed_at": _when(participant.confirmed_at),
            "email_frequency": participant.email_frequency,
            "joined_at": _when(participant.created_at),
            "removed_at": _when(participant.removed_at),
        },
        "account": (
            {
                "username": user.get_username(),
                "display_name": user.display_name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "joined_at": _when(user.date_joined),
            }
            if user is not None
            else None
        ),
        "contributions": [_contribution(c) for c in contributions],
        "supports": [{**on(s.contribution), "created_at": _when(s.created_at)} for s in supports],
        "statement_votes": [
            {
                **on(v.contribution),
                "choice": v.choice,
                "created_at": _when(v.created_at),
                "updated_at": _when(v.updated_at),
            }
            for v in votes
        ],
        "reports_to_moderators": [
            {
                **on(f.contribution),
                "reason": f.reason,
                "note": f.note,
                "created_at": _when(f.created_at),
                "resolved_at": _when(f.resolved_at),
            }
            for f in flags
        ],
        "survey_responses": [
            {
                **_process_ref(r.module),
                "channel": r.channel,
                "created_at": _when(r.created_at),
                "updated_at": _when(r.updated_at),
                "answers": [
                    {
                        "question": a.question.text,
                        "kind": a.question.kind,
                        "answer": _survey_value(a),
                    }
                    for a in r.answers.all()
                ],
            }
            for r in surveys
        ],
        "prioritisation_ballots": [
            {
                **_process_ref(b.module),
                "channel": b.channel,
                "created_at": _when(b.created_at),
                "updated_at": _when(b.updated_at),
                "allocations": [
                    {"item": a.item.title, "points": a.points, "rank": a.rank}
                    for a in sorted(
                        b.allocations.all(), key=lambda a: (a.item.position, a.item.pk)
                    )
                ],
            }
            for b in ballots
        ],
        "demographic_profiles": [demographic(p) for p in profiles],
        "follows": [
            {
                "procurement": f.process.procurement.slug,
                "process": f.process.slug,
                "process_title": f.process.title,
                "created_at": _when(f.created_at),
            }
            for f in follows
        ],
        "notifications": [
            {
                "kind": n.kind,
                "procurement": n.process.procurement.slug,
                "process": n.process.slug,
                "response": n.response_id,
                "created_at": _when(n.created_at),
                "sent_at": _when(n.sent_at),
            }
            for n in notifications
        ],
    }


def may_close_account(user: User | None) -> bool:
    """Can this account be closed from the participant's own page? Only a
    resident's: staff accounts hold roles and records of their organisation."""
    return (
        user is not None
        and not user.is_staff
        and not user.is_superuser
        and not user.memberships.exists()
    )


def _close_account(user: User) -> None:
    """Close a resident's account without deleting its row: the audit trail
    names it as actor (deleting would rewrite hash-chained events), so the
    row stays, unusable, with nothing that identifies the person."""
    user.username = f"closed-{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(actor=None, action="user.closed", target=user, data={"by": "themselves"})


def _delete(queryset: QuerySet) -> int:
    """Delete the rows; how many of the queryset's own model went (not cascades)."""
    _total, by_model = queryset.delete()
    return by_model.get(queryset.model._meta.label, 0)


@transaction.atomic
def participant_delete(*, participant: Participant, close_account: bool = False) -> Participant:
    """Delete ``participant``'s data in one transaction, keeping threads readable.

    - Every contribution of theirs becomes "Removed by its author": text and
      its rendering blanked, as ``contribution_remove_own`` does; its place,
      its replies and the module's counters stay. Open reports on them are
      resolved (nothing is left to judge).
    - Supports, statement votes, survey responses, ballots and reports they
      made stay as anonymous rows, so totals do not change; the words in
      them go (free-text survey answers are deleted, notes to moderators
      blanked).
    - Demographic profiles, follows and unsent notifications are deleted.
    - The participant keeps its row (threads point at it) under
      :data:`REMOVED_PSEUDONYM`, with no email, no code, no mail, detached
      from any account, ``removed_at`` set.
    - ``close_account``: the account is closed too (:func:`may_close_account`
      must allow it, else ``ValidationError`` keyed ``close_account``);
      otherwise it is kept and takes part afresh next time.

    Deleting an already removed participant changes nothing. Audited
    without personal data: counts only, the placeholder as the name.
    """
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=participant.pk)
    )
    user = participant.user
    if close_account and not may_close_account(user):
        raise ValidationError(
            {
                "close_account": _(
                    "This account holds roles in an organisation: ask its administrator "
                    "to close it. Your participation data can still be deleted."
                )
            }
        )
    if participant.removed_at is not None:
        return participant
    now = timezone.now()
    theirs = Contribution.objects.filter(participant=participant)
    removed_ids = list(
        theirs.exclude(status=ContributionStatus.REMOVED).values_list("pk", flat=True)
    )
    theirs.exclude(status=ContributionStatus.REMOVED).update(
        status=ContributionStatus.REMOVED, body="", body_html="", updated_at=now
    )
    reports_closed = flags_resolve(theirs, now=now)
    Flag.objects.filter(participant=participant).exclude(note="").update(note="")
    survey_modules = set(
        SurveyAnswer.objects.filter(
            response__participant=participant, question__kind=QuestionKind.TEXT
        ).values_list("question__module_id", flat=True)
    )
    texts = _delete(
        SurveyAnswer.objects.filter(
            response__participant=participant, question__kind=QuestionKind.TEXT
        )
    )
    profiles = _delete(DemographicProfile.objects.filter(participant=participant))
    follows = _delete(Follow.objects.filter(participant=participant))
    unsent = _delete(Notification.objects.filter(participant=participant, sent_at__isnull=True))
    participant.pseudonym = REMOVED_PSEUDONYM
    participant.email = ""
    participant.confirmed_at = None
    participant.code_hash = ""
    participant.code_sent_at = None
    participant.code_attempts = 0
    participant.email_frequency = EmailFrequency.NEVER
    participant.removed_at = now
    participant.user = None
    participant.save()
    audit_record(
        actor=None,
        action="participant.deleted",
        target=participant,
        data={
            "contributions_removed": removed_ids,
            "reports_resolved": reports_closed,
            "survey_texts_deleted": texts,
            "demographic_profiles_deleted": profiles,
            "follows_deleted": follows,
            "notifications_deleted": unsent,
            "account": None if user is None else ("closed" if close_account else "kept"),
        },
    )
    # Their statements leave the opinion groups (their votes, anonymous,
    # stay); their other texts leave the topics.
    for module in Module.objects.filter(contributions__pk__in=removed_ids).distinct():
        opinion_groups_request(module=module)
        topics_request(module=module)
    for module in Module.objects.filter(pk__in=survey_modules):
        topics_request(module=module)
    if close_account:
        _close_account(user)
    return participant

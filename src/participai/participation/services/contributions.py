"""What participants do in a module: contribute, reply, support, vote on
statements, flag, and remove their own words.

Every write checks the process's rules through ``policy.refusal`` (published,
module open, enough verification) and raises ``ValidationError`` with the
reason otherwise; nothing is half-saved. Counters on contributions and
modules move with ``F()`` in the same transaction as the row they count, and
the database's unique constraints make a double click or two concurrent
requests count once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import Participant, User
from participai.core.audit import audit_record
from participai.core.text import render_markdown
from participai.procurements.access import Action, require

from .. import policy
from ..models import (
    Channel,
    Contribution,
    ContributionKind,
    ContributionStatus,
    DocumentParagraph,
    DocumentVersion,
    Flag,
    FlagReason,
    Module,
    ModuleKind,
    Process,
    StatementVote,
    Support,
    VoteChoice,
)
from ..spam import spam_reasons
from .insights import opinion_groups_request, topics_request
from .moderation import flags_resolve

BODY_MAX = {ContributionKind.COMMENT: 5000, ContributionKind.IDEA: 5000}
STATEMENT_MAX = 280
# At most this many contributions per participant per minute.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=1)
# The refusal code of the rate limit: not a ``policy.REASONS`` key, as the
# process's rules allow the write and only its pace is refused.
RATE_LIMITED = "rate_limited"
KINDS_BY_MODULE = {
    ModuleKind.COMMENTS: (ContributionKind.COMMENT, ContributionKind.IDEA),
    ModuleKind.STATEMENTS: (ContributionKind.STATEMENT,),
    # Comments on one paragraph of the draft (``paragraph``).
    ModuleKind.DOCUMENT_REVIEW: (ContributionKind.COMMENT,),
    # Points raised at the meeting, entered by its facilitators only.
    ModuleKind.EVENT: (ContributionKind.COMMENT,),
}
# How a point raised at a meeting reaches a facilitator.
EVENT_CHANNELS = (Channel.IN_PERSON, Channel.PAPER)


def _refuse(reason: str | None) -> None:
    if reason is not None:
        raise ValidationError(_(policy.REASONS[reason]), code=reason)


def refusal_at(
    level: str, module: Module, action: str, *, now: datetime | None = None
) -> str | None:
    """Why someone at verification ``level`` (``policy.VERIFICATION``) may not
    do ``action`` in ``module`` now: a ``policy.REASONS`` key, or ``None``.
    ``module.process`` and its procurement should be loaded."""
    process: Process = module.process
    return policy.refusal(
        action,
        level=level,
        required=process.requirement(action),
        published=process.is_published and process.procurement.is_published,
        window=module.window(process),
        now=now or timezone.now(),
    )


def check_may(
    participant: Participant | None,
    module: Module,
    action: str,
    *,
    now: datetime | None = None,
    vouched: bool = False,
) -> None:
    """Raise ``ValidationError`` (code: a ``policy.REASONS`` key) unless
    ``participant`` may do ``action`` in ``module`` now. ``vouched``: a
    facilitator met the person, so only publication and dates are checked."""
    if vouched:
        level = "account"
    else:
        level = participant.verification if participant is not None else "none"
    _refuse(refusal_at(level, module, action, now=now))


def check_entry(
    participant: Participant,
    module: Module,
    action: str,
    *,
    channel: str,
    entered_by: User | None,
) -> None:
    """The rules every write in a module shares about who enters it and how
    it was given: the participant's own online, or a facilitator's entry
    (``entered_by``, with ``Action.ASSIST_PARTICIPATION``) of what was given
    in person, by phone, on paper or online with help, vouched for so only
    publication and dates apply (:func:`check_may`). Raises ``ValidationError``.

    The participant is read afresh: one whose data was deleted after this
    request loaded them adds nothing under "[removed]"."""
    removed = (
        Participant.objects.filter(pk=participant.pk).values_list("removed_at", flat=True).first()
    )
    if removed is not None:
        raise ValidationError(_("This participant's data was deleted; nothing can be added."))
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the contribution was made.")})
    if entered_by is not None:
        require(entered_by, Action.ASSIST_PARTICIPATION, module.process.procurement)
        if channel == Channel.ONLINE:
            # "Online" is what participants write themselves; counted apart from assisted entry.
            raise ValidationError(
                {
                    "channel": _(
                        "Say how it was made: in person, by phone, on paper or online with help."
                    )
                }
            )
        check_may(participant, module, action, vouched=True)
    else:
        if channel != Channel.ONLINE:
            raise ValidationError(
                {"channel": _("Only a facilitator enters offline contributions.")}
            )
        check_may(participant, module, action)


def _audit_actor(participant: Participant, entered_by: User | None) -> User | None:
    return entered_by or participant.user


@transaction.atomic
def contribution_add(
    *,
    participant: Participant,
    module: Module,
    body: str,
    kind: str | None = None,
    parent: Contribution | None = None,
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
    paragraph: DocumentParagraph | None = None,
) -> Contribution:
    """Add a comment, idea, reply or statement to ``module``.

    ``kind`` defaults to the module's first kind (comment, or statement).
    A reply (``parent`` set) is a comment on a visible comment or idea of the
    same module; a reply to a reply joins the same thread (one level deep).
    ``entered_by`` is a facilitator entering it on the participant's behalf
    (``Action.ASSIST_PARTICIPATION``), tagged with ``channel`` (any but
    ``online``, which is the participant's own); such entries
    skip the verification and spam checks the facilitator already made in
    person, but not the module's dates. Anyone else writes at most
    :data:`RATE_LIMIT` contributions per :data:`RATE_WINDOW`; beyond, the
    ``ValidationError`` has the code :data:`RATE_LIMITED`.

    In a document review, a comment is on ``paragraph``, a paragraph of the
    module's newest version (a reply is on its thread's paragraph), and
    counts in its ``comment_count``. An event module takes only what its
    facilitators enter (``entered_by``, channel in :data:`EVENT_CHANNELS`).
    """
    # Not locked: the counter moves with F() below, and a lock here would
    # queue everyone writing in the module behind each other's checks.
    module = Module.objects.select_related("process__procurement").get(pk=module.pk)
    process = module.process
    allowed_kinds = KINDS_BY_MODULE.get(module.kind)
    if allowed_kinds is None:
        raise ValidationError(_("This module does not take written contributions."))
    kind = kind or allowed_kinds[0]
    if kind not in allowed_kinds:
        raise ValidationError({"kind": _("This module does not take this kind of contribution.")})
    if module.kind == ModuleKind.EVENT and entered_by is None:
        raise ValidationError(
            _(
                "This is the record of a meeting: what was said there is entered by its "
                "facilitators, and it takes no contributions online."
            )
        )
    check_entry(participant, module, "contribute", channel=channel, entered_by=entered_by)
    if module.kind == ModuleKind.EVENT and channel not in EVENT_CHANNELS:
        raise ValidationError(
            {"channel": _("A point raised at a meeting was said in person or written on paper.")}
        )
    text = (body or "").strip()
    limit = STATEMENT_MAX if kind == ContributionKind.STATEMENT else BODY_MAX[kind]
    if not text:
        raise ValidationError({"body": _("Write something first.")})
    if len(text) > limit:
        raise ValidationError(
            {
                "body": _("At most %(limit)d characters; this text has %(length)d.")
                % {"limit": limit, "length": len(text)}
            }
        )
    if parent is not None:
        # Threads are one level deep: a reply to a reply joins its thread, so
        # a page of threads loads with a fixed number of queries.
        if parent.parent_id is not None:
            parent = Contribution.objects.get(pk=parent.parent_id)
        if (
            parent.module_id != module.pk
            or parent.kind == ContributionKind.STATEMENT
            or not parent.is_visible
        ):
            raise ValidationError({"parent": _("You can only reply to a visible comment here.")})
        kind = ContributionKind.COMMENT
    paragraph = _paragraph_for(module, paragraph, parent)
    if entered_by is None and participant.is_guest:
        reasons = spam_reasons(text)
        if reasons:
            raise ValidationError({"body": [_(reason) for reason in reasons]})
    if entered_by is None:
        # One person's concurrent requests queue on their own row, so the
        # count is exact; other people are not held up.
        Participant.objects.select_for_update().only("pk").get(pk=participant.pk)
        recent = Contribution.objects.filter(
            participant=participant, created_at__gte=timezone.now() - RATE_WINDOW
        ).count()
        if recent >= RATE_LIMIT:
            raise ValidationError(
                _("You have written a lot in the last minute; please wait a moment."),
                code=RATE_LIMITED,
            )
    contribution = Contribution.objects.create(
        module=module,
        kind=kind,
        participant=participant,
        parent=parent,
        body=text,
        body_html=render_markdown(text),
        channel=channel,
        entered_by=entered_by,
        paragraph=paragraph,
    )
    Module.objects.filter(pk=module.pk).update(
        contribution_count=F("contribution_count") + 1,
        thread_count=F("thread_count") + (1 if parent is None else 0),
    )
    if paragraph is not None:
        DocumentParagraph.objects.filter(pk=paragraph.pk).update(
            comment_count=F("comment_count") + 1
        )
    if parent is not None:
        Contribution.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
    audit_record(
        actor=_audit_actor(participant, entered_by),
        action="contribution.added",
        target=contribution,
        organisation_id=process.procurement.organisation_id,
        data={
            "process": process.slug,
            "module": module.pk,
            "kind": kind,
            "participant": participant.pk,
            "parent": parent.pk if parent else None,
            "channel": channel,
            "assisted": entered_by is not None,
            **({"paragraph": paragraph.pk} if paragraph is not None else {}),
        },
    )
    topics_request(module=module)
    return contribution


def _paragraph_for(
    module: Module, paragraph: DocumentParagraph | None, parent: Contribution | None
) -> DocumentParagraph | None:
    """The paragraph a new contribution is on: none outside a document
    review; its thread's for a reply; else ``paragraph``, which must belong
    to the module's newest version (the one open to comments)."""
    if module.kind != ModuleKind.DOCUMENT_REVIEW:
        if paragraph is not None:
            raise ValidationError(
                {"paragraph": _("Only a document review takes comments on a paragraph.")}
            )
        return None
    if parent is not None:
        if paragraph is not None and paragraph.pk != parent.paragraph_id:
            raise ValidationError({"paragraph": _("A reply is on the paragraph of its thread.")})
        return parent.paragraph
    if paragraph is None:
        raise ValidationError({"paragraph": _("Choose the paragraph your comment is about.")})
    newest = (
        DocumentVersion.objects.filter(module=module)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if newest is None or paragraph.version_id != newest:
        raise ValidationError(
            {"paragraph": _("Comment on a paragraph of the newest version of the draft.")}
        )
    return paragraph


def _target(contribution: Contribution) -> Contribution:
    return (
        Contribution.objects.select_related("module__process__procurement")
        .filter(pk=contribution.pk)
        .get()
    )


@transaction.atomic
def contribution_support(*, participant: Participant, contribution: Contribution) -> bool:
    """Support a visible comment or idea, once per participant.

    Returns ``False`` (and changes nothing) when the participant already
    supports it; a concurrent second request meets the unique constraint and
    counts once too.
    """
    contribution = _target(contribution)
    if contribution.kind == ContributionKind.STATEMENT or not contribution.is_visible:
        raise ValidationError(_("Only visible comments and ideas can be supported."))
    check_may(participant, contribution.module, "vote")
    try:
        with transaction.atomic():
            Support.objects.create(contribution=contribution, participant=participant)
    except IntegrityError:
        return False
    Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") + 1)
    audit_record(
        actor=participant.user,
        action="contribution.supported",
        target=contribution,
        organisation_id=contribution.module.process.procurement.organisation_id,
        data={"participant": participant.pk},
    )
    return True


@transaction.atomic
def contribution_unsupport(*, participant: Participant, contribution: Contribution) -> bool:
    """Withdraw a support; ``False`` if there was none. Allowed while the module is open."""
    contribution = _target(contribution)
    check_may(participant, contribution.module, "vote")
    deleted, _rows = Support.objects.filter(
        contribution=contribution, participant=participant
    ).delete()
    if not deleted:
        return False
    Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
    audit_record(
        actor=participant.user,
        action="contribution.unsupported",
        target=contribution,
        organisation_id=contribution.module.process.procurement.organisation_id,
        data={"participant": participant.pk},
    )
    return True


_COUNTER = {
    VoteChoice.AGREE: "agree_count",
    VoteChoice.DISAGREE: "disagree_count",
    VoteChoice.PASS: "pass_count",
}


def _locked_vote(statement: Contribution, participant: Participant) -> StatementVote | None:
    return (
        StatementVote.objects.select_for_update()
        .filter(contribution=statement, participant=participant)
        .first()
    )


@transaction.atomic
def statement_vote(
    *, participant: Participant, statement: Contribution, choice: str
) -> StatementVote:
    """Vote agree, disagree or pass on a visible statement; voting again
    replaces the earlier vote, so each participant counts once per statement.
    Voting the same again changes nothing."""
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Vote agree, disagree or pass.")})
    statement = _target(statement)
    if statement.kind != ContributionKind.STATEMENT or not statement.is_visible:
        raise ValidationError(_("Only visible statements take votes."))
    check_may(participant, statement.module, "vote")
    vote = _locked_vote(statement, participant)
    created = False
    if vote is None:
        try:
            with transaction.atomic():
                vote = StatementVote.objects.create(
                    contribution=statement, participant=participant, choice=choice
                )
        except IntegrityError:
            # A concurrent first vote by the same participant won: this one
            # replaces it, as if it had come second.
            vote = _locked_vote(statement, participant)
        else:
            created = True
    counters = {_COUNTER[choice]: F(_COUNTER[choice]) + 1}
    previous = None
    if not created:
        if vote.choice == choice:
            return vote
        previous = vote.choice
        counters[_COUNTER[previous]] = F(_COUNTER[previous]) - 1
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
    Contribution.objects.filter(pk=statement.pk).update(**counters)
    audit_record(
        actor=participant.user,
        action="statement.voted",
        target=statement,
        organisation_id=statement.module.process.procurement.organisation_id,
        data={"participant": participant.pk, "choice": choice, "previous": previous},
    )
    opinion_groups_request(module=statement.module)
    return vote


@transaction.atomic
def contribution_flag(
    *, participant: Participant, contribution: Contribution, reason: str, note: str = ""
) -> bool:
    """Ask moderators to look at a contribution; ``False`` if this participant
    already flagged it. Anyone who may read the process may flag, except
    what its author removed (no text is left, and the queue leaves it out)."""
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": _("At most 500 characters.")})
    contribution = _target(contribution)
    process = contribution.module.process
    _refuse(
        policy.refusal(
            "read",
            level=participant.verification,
            required=process.read_requires,
            published=process.is_published and process.procurement.is_published,
        )
    )
    if contribution.status == ContributionStatus.REMOVED:
        raise ValidationError(_("Its author removed it; there is nothing left to report."))
    try:
        with transaction.atomic():
            Flag.objects.create(
                contribution=contribution, participant=participant, reason=reason, note=note
            )
    except IntegrityError:
        return False
    Contribution.objects.filter(pk=contribution.pk).update(flag_count=F("flag_count") + 1)
    audit_record(
        actor=participant.user,
        action="contribution.flagged",
        target=contribution,
        organisation_id=process.procurement.organisation_id,
        data={"participant": participant.pk, "reason": reason},
    )
    return True


@transaction.atomic
def contribution_remove_own(*, participant: Participant, contribution: Contribution) -> None:
    """The author takes their words back: text and authorship go, the place
    in the thread stays ("removed by its author"), replies stay readable.
    Open flags on it are resolved (nothing is left to judge), as when a
    participant deletes their data."""
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("module__process__procurement")
        .get(pk=contribution.pk)
    )
    if contribution.participant_id != participant.pk:
        raise ValidationError(_("You can only remove what you wrote."))
    if contribution.status == ContributionStatus.REMOVED:
        return
    contribution.status = ContributionStatus.REMOVED
    contribution.body = ""
    contribution.body_html = ""
    contribution.save(update_fields=["status", "body", "body_html", "updated_at"])
    resolved = flags_resolve(Contribution.objects.filter(pk=contribution.pk))
    audit_record(
        actor=participant.user,
        action="contribution.removed_by_author",
        target=contribution,
        organisation_id=contribution.module.process.procurement.organisation_id,
        data={"participant": participant.pk, "flags_resolved": resolved},
    )
    if contribution.kind == ContributionKind.STATEMENT:
        # Its column leaves the opinion groups.
        opinion_groups_request(module=contribution.module)
    else:
        topics_request(module=contribution.module)

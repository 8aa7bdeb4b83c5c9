"""What the math makes of a module, kept up to date in the background: the
opinion groups of a statements module, and the topics of what people wrote.

A vote, a new text or a moderator's decision asks for an update
(:func:`opinion_groups_request`, :func:`topics_request`); the update runs as
a task (:func:`opinion_groups_compute`, :func:`topics_compute`), never in the
request. Requests coalesce:
while one update waits in the queue, more votes ask for nothing more, and on
a backend that can defer a task (the database backend) the update waits
:data:`DEBOUNCE` so that a burst of votes makes one computation. The task
clears the request before it reads the votes, so votes that arrive while it
computes ask for the next update.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend

from participai.deliberation.analysis import analyse
from participai.deliberation.groups import GroupState
from participai.deliberation.votes import VoteMatrix

from .. import opinion_summary, topic_summary
from ..models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Module,
    ModuleKind,
    OpinionGroups,
    QuestionKind,
    StatementVote,
    SurveyAnswer,
    TextTopics,
)

logger = logging.getLogger(__name__)

DEBOUNCE = timedelta(seconds=10)
# A request older than this is taken as lost (the queue was down, a worker
# died): the next vote asks again rather than wait for it forever.
STALE_REQUEST = timedelta(minutes=10)
_VOTE_VALUE = {"agree": 1, "disagree": -1, "pass": 0}
# Modules whose texts are grouped into topics.
TOPIC_KINDS = frozenset(
    {ModuleKind.COMMENTS, ModuleKind.DOCUMENT_REVIEW, ModuleKind.EVENT, ModuleKind.SURVEY}
)


def opinion_groups_request(*, module: Module, now: datetime | None = None) -> bool:
    """Ask for the opinion groups of statements ``module`` to be computed again.

    Returns whether this call queued the update (``False``: one is already
    waiting, or the module takes no statements). The task is queued once the
    caller's transaction commits; a queue that is down is logged and fails
    nothing (the request turns stale and the next vote asks again).
    """
    if module.kind != ModuleKind.STATEMENTS:
        return False
    return _request(OpinionGroups, "compute_opinion_groups", module, now or timezone.now())


def topics_request(*, module: Module, now: datetime | None = None) -> bool:
    """Ask for the topics of what was written in ``module`` to be found
    again (modules that take text only); as :func:`opinion_groups_request`."""
    if module.kind not in TOPIC_KINDS:
        return False
    return _request(TextTopics, "compute_text_topics", module, now or timezone.now())


def _request(model: type[OpinionGroups | TextTopics], task_name: str, module: Module, now) -> bool:
    # Read before writing: while an update waits (nearly always, under a
    # stream of votes) this costs one indexed read and takes no row lock.
    waiting = list(model.objects.filter(module=module).values_list("requested_at", flat=True)[:1])
    if not waiting:
        model.objects.get_or_create(module=module)
    elif waiting[0] is not None and waiting[0] >= now - STALE_REQUEST:
        return False
    claimed = model.objects.filter(
        Q(requested_at__isnull=True) | Q(requested_at__lt=now - STALE_REQUEST), module=module
    ).update(requested_at=now)
    if not claimed:
        return False
    module_id = module.pk

    def enqueue() -> None:
        from .. import tasks

        task = getattr(tasks, task_name)
        if default_task_backend.supports_defer:
            task = task.using(run_after=now + DEBOUNCE)
        try:
            task.enqueue(module_id=module_id)
        except Exception:
            logger.exception("Could not queue %s for module %s", task_name, module_id)

    transaction.on_commit(enqueue)
    return True


def opinion_groups_compute(*, module_id: int, now: datetime | None = None) -> OpinionGroups | None:
    """Compute the opinion groups of statements module ``module_id`` from its
    votes now, starting from the last state, and save them; ``None`` if the
    module is gone or takes no statements.

    Hidden and removed statements are moderated out: their columns are
    zeroed, but votes on them still count towards who is clustered, as in
    Pol.is. Statements with no vote yet are left to the summary as "new".
    """
    module = Module.objects.filter(pk=module_id, kind=ModuleKind.STATEMENTS).first()
    if module is None:
        return None
    now = now or timezone.now()
    row, _created = OpinionGroups.objects.get_or_create(module=module)
    # Votes from here on ask for the next update.
    OpinionGroups.objects.filter(pk=row.pk).update(requested_at=None)
    statements = list(
        Contribution.objects.filter(module=module, kind=ContributionKind.STATEMENT)
        .order_by("pk")
        .values_list("pk", "status")
    )
    votes = list(
        StatementVote.objects.filter(contribution__module=module)
        .order_by()
        .values_list("participant_id", "contribution_id", "choice")
    )
    matrix = VoteMatrix.from_arrays(
        np.fromiter((v[0] for v in votes), dtype=np.int64, count=len(votes)),
        np.fromiter((v[1] for v in votes), dtype=np.int64, count=len(votes)),
        np.fromiter((_VOTE_VALUE[v[2]] for v in votes), dtype=np.int8, count=len(votes)),
    )
    moderated_out = [pk for pk, status in statements if status != ContributionStatus.VISIBLE]
    previous = None
    if row.state:
        try:
            previous = GroupState.from_dict(row.state)
        except ValueError:
            # A state from an older release of the math: start afresh rather
            # than fail; groups may move once.
            logger.warning("Discarding the saved opinion-group state of module %s", module_id)
    analysis = analyse(matrix, moderated_out=moderated_out, previous=previous)
    summary = opinion_summary.summarise(
        analysis, visible=[pk for pk, status in statements if status == ContributionStatus.VISIBLE]
    )
    OpinionGroups.objects.filter(pk=row.pk).update(
        computed_at=now,
        votes_counted=matrix.n_votes,
        participants_counted=matrix.n_participants,
        summary=summary,
        state=analysis.state.to_dict(),
    )
    row.refresh_from_db()
    return row


def topics_compute(*, module_id: int, now: datetime | None = None) -> TextTopics | None:
    """Embed what was written in module ``module_id`` on this machine, group
    it into topics and find near-duplicates, and save them; ``None`` if the
    module is gone or takes no text.

    Visible comments, ideas and replies of a comments module, document
    review or event record; the free-text answers of a survey. Nothing is
    sent anywhere: the model runs here (``deliberation.encoder``).
    """
    module = Module.objects.filter(pk=module_id, kind__in=TOPIC_KINDS).first()
    if module is None:
        return None
    now = now or timezone.now()
    row, _created = TextTopics.objects.get_or_create(module=module)
    TextTopics.objects.filter(pk=row.pk).update(requested_at=None)
    texts = _texts_of(module)
    summary = topic_summary.summarise(
        [ref for ref, _text in texts], [text for _ref, text in texts]
    )
    TextTopics.objects.filter(pk=row.pk).update(
        computed_at=now, texts_counted=len(texts), summary=summary
    )
    row.refresh_from_db()
    return row


def _texts_of(module: Module) -> list[tuple[str, str]]:
    """``(reference, text)`` of each text to group, oldest first; references
    are ``"c<id>"`` for a contribution and ``"a<id>"`` for a survey answer."""
    if module.kind == ModuleKind.SURVEY:
        rows = (
            SurveyAnswer.objects.filter(question__module=module, question__kind=QuestionKind.TEXT)
            .order_by("pk")
            .values_list("pk", "value")
        )
        return [
            (f"a{pk}", value.strip())
            for pk, value in rows
            if isinstance(value, str) and value.strip()
        ]
    rows = (
        Contribution.objects.filter(module=module, status=ContributionStatus.VISIBLE)
        .exclude(kind=ContributionKind.STATEMENT)
        .order_by("pk")
        .values_list("pk", "body")
    )
    return [(f"c{pk}", body) for pk, body in rows if body.strip()]

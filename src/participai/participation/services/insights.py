"""What the math makes of a module, kept up to date in the background: the
opinion groups of a statements module, and the topics of what people wrote.

A vote, a new text or a moderator's decision asks for an update
(:func:`opinion_groups_request`, :func:`topics_request`); the update runs as
a task (:func:`opinion_groups_compute`, :func:`topics_compute`), never in the
request. Requests coalesce: while one update waits in the queue, more votes
ask for nothing more, and on a backend that can defer a task (the database
backend) the update waits :data:`DEBOUNCE` (:data:`TOPICS_DEBOUNCE` for
topics) so that a burst makes one computation. The task clears the request
before it reads, so what arrives while it computes asks for the next update;
what was saved just before may have been committed after the read, so the
task asks for one more update then (``_may_have_missed``). Two computations
of one module may overlap (several workers): the one that started later is
kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
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
    SurveyResponse,
    TextTopics,
)
from ..representativeness import MIN_GROUP

logger = logging.getLogger(__name__)

DEBOUNCE = timedelta(seconds=10)
# Topics embed every text of the module again (a cache of embeddings is still
# to come), so they wait longer: a stream of comments makes one computation
# every two minutes at most.
TOPICS_DEBOUNCE = timedelta(minutes=2)
# Rows saved this long before a computation started may not have been
# committed when it read them (see ``_may_have_missed``).
IN_FLIGHT = timedelta(seconds=5)
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
    return _request(
        OpinionGroups, "compute_opinion_groups", module, now or timezone.now(), DEBOUNCE
    )


def topics_request(*, module: Module, now: datetime | None = None) -> bool:
    """Ask for the topics of what was written in ``module`` to be found
    again (modules that take text only); as :func:`opinion_groups_request`."""
    if module.kind not in TOPIC_KINDS:
        return False
    return _request(
        TextTopics, "compute_text_topics", module, now or timezone.now(), TOPICS_DEBOUNCE
    )


def _request(
    model: type[OpinionGroups | TextTopics],
    task_name: str,
    module: Module,
    now: datetime,
    debounce: timedelta,
) -> bool:
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
            task = task.using(run_after=now + debounce)
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
    started = now or timezone.now()
    row, _created = OpinionGroups.objects.get_or_create(module=module)
    # Votes from here on ask for the next update.
    OpinionGroups.objects.filter(pk=row.pk).update(requested_at=None)
    statements = list(
        Contribution.objects.filter(module=module, kind=ContributionKind.STATEMENT)
        .order_by("pk")
        .values_list("pk", "status")
    )
    matrix = _vote_matrix(module)
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
        analysis,
        visible=[pk for pk, status in statements if status == ContributionStatus.VISIBLE],
        min_group=MIN_GROUP,
    )
    # Two computations of one module may overlap (several workers, or a
    # backend that cannot defer): the one that started later wins.
    OpinionGroups.objects.filter(
        Q(computed_at__isnull=True) | Q(computed_at__lte=started), pk=row.pk
    ).update(
        computed_at=started,
        votes_counted=matrix.n_votes,
        participants_counted=matrix.n_participants,
        summary=summary,
        state=analysis.state.to_dict(),
    )
    if _may_have_missed(
        StatementVote.objects.filter(contribution__module=module),
        Contribution.objects.filter(module=module, kind=ContributionKind.STATEMENT),
        started=started,
    ):
        opinion_groups_request(module=module)
    row.refresh_from_db()
    return row


def _may_have_missed(*rows: QuerySet, started: datetime) -> bool:
    """Whether a row saved just before the computation started may have been
    committed only after it read (a vote that saw an update waiting asked for
    none). Then, on a backend that can defer, one more update is asked for,
    to run after the debounce: it sees them, and finds nothing this recent
    itself, so a burst ends with one extra update, not a loop. Backends that
    run tasks at once are not asked (they would loop for ``IN_FLIGHT``); the
    next vote or text brings those rows in."""
    if not default_task_backend.supports_defer:
        return False
    return any(queryset.filter(updated_at__gte=started - IN_FLIGHT).exists() for queryset in rows)


def _vote_matrix(module: Module) -> VoteMatrix:
    """The module's votes as a matrix, read in chunks into arrays (about 17
    bytes a vote here, rather than a Python tuple each)."""
    rows = StatementVote.objects.filter(contribution__module=module).order_by()
    total = rows.count()
    participants = np.empty(total, dtype=np.int64)
    statements = np.empty(total, dtype=np.int64)
    votes = np.empty(total, dtype=np.int8)
    n = 0
    for participant_id, statement_id, choice in rows.values_list(
        "participant_id", "contribution_id", "choice"
    ).iterator(chunk_size=10_000):
        if n == total:  # a vote arrived between the count and the read
            break
        participants[n], statements[n], votes[n] = (
            participant_id,
            statement_id,
            _VOTE_VALUE[choice],
        )
        n += 1
    return VoteMatrix.from_arrays(participants[:n], statements[:n], votes[:n])


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
    started = now or timezone.now()
    row, _created = TextTopics.objects.get_or_create(module=module)
    TextTopics.objects.filter(pk=row.pk).update(requested_at=None)
    texts = _texts_of(module)
    summary = topic_summary.summarise(
        [ref for ref, _text in texts], [text for _ref, text in texts]
    )
    TextTopics.objects.filter(
        Q(computed_at__isnull=True) | Q(computed_at__lte=started), pk=row.pk
    ).update(computed_at=started, texts_counted=len(texts), summary=summary)
    if _may_have_missed(
        Contribution.objects.filter(module=module),
        SurveyResponse.objects.filter(module=module),
        started=started,
    ):
        topics_request(module=module)
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

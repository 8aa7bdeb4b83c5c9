"""Reads about a procurement's consequence scan, shaped for the workshop page.

:func:`workshop` loads the consequences once (one query, whatever their
number) and arranges them: the two-by-two board (intended or unintended by
positive or negative, Doteveryone's grid), the same consequences by response
(act, influence, monitor), a summary with the open negative consequences
nobody owns yet, and the scanning prompts with how often each was answered.
The arranging functions take a list, so they can be used on any selection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from participai.procurements.models import Procurement

from ..consequence_prompts import Prompt, PromptGroup, PromptSet, load_prompts
from ..models import (
    Consequence,
    ConsequenceEffect,
    ConsequenceIntention,
    ConsequenceResponse,
    ConsequenceStatus,
)

# Statuses under which a consequence still needs someone's attention.
OPEN_STATUSES: tuple[str, ...] = (ConsequenceStatus.OPEN, ConsequenceStatus.IN_PROGRESS)

_QUADRANT_LABELS: dict[tuple[str, str], Promise] = {
    (ConsequenceIntention.INTENDED, ConsequenceEffect.POSITIVE): _("Intended and positive"),
    (ConsequenceIntention.INTENDED, ConsequenceEffect.NEGATIVE): _("Intended and negative"),
    (ConsequenceIntention.UNINTENDED, ConsequenceEffect.POSITIVE): _("Unintended and positive"),
    (ConsequenceIntention.UNINTENDED, ConsequenceEffect.NEGATIVE): _("Unintended and negative"),
}


def consequences_of(procurement: Procurement) -> QuerySet[Consequence]:
    """Every consequence of the procurement, in the order they were found."""
    return procurement.consequences.select_related("created_by").order_by("created_at", "id")


def is_open(consequence: Consequence) -> bool:
    return consequence.status in OPEN_STATUSES


def needs_owner(consequence: Consequence) -> bool:
    """An open negative consequence with nobody named to see to it."""
    return (
        consequence.effect == ConsequenceEffect.NEGATIVE
        and is_open(consequence)
        and not consequence.owner.strip()
    )


@dataclass(frozen=True)
class Quadrant:
    """One cell of the board: the consequences that are ``intention`` and ``effect``."""

    intention: str
    effect: str
    consequences: tuple[Consequence, ...]

    @property
    def key(self) -> str:
        return f"{self.intention}_{self.effect}"

    @property
    def label(self) -> Promise:
        return _QUADRANT_LABELS[(self.intention, self.effect)]

    @property
    def is_negative(self) -> bool:
        return self.effect == ConsequenceEffect.NEGATIVE


def board(consequences: Iterable[Consequence]) -> tuple[Quadrant, ...]:
    """The four cells in reading order: intended positive, intended negative,
    unintended positive, unintended negative; each keeps the given order."""
    consequences = list(consequences)
    return tuple(
        Quadrant(
            intention,
            effect,
            tuple(c for c in consequences if (c.intention, c.effect) == (intention, effect)),
        )
        for intention in ConsequenceIntention.values
        for effect in ConsequenceEffect.values
    )


@dataclass(frozen=True)
class ResponseGroup:
    """The consequences given one response (act, influence or monitor)."""

    response: str
    consequences: tuple[Consequence, ...]

    @property
    def label(self) -> str:
        return ConsequenceResponse(self.response).label


def by_response(consequences: Iterable[Consequence]) -> tuple[ResponseGroup, ...]:
    """One group per response, in the order act, influence, monitor."""
    consequences = list(consequences)
    return tuple(
        ResponseGroup(response, tuple(c for c in consequences if c.response == response))
        for response in ConsequenceResponse.values
    )


@dataclass(frozen=True)
class PromptRow:
    """A prompt in one language, with the number of consequences that answer it."""

    prompt: Prompt
    question: str
    hint: str
    answers: int

    @property
    def key(self) -> str:
        return self.prompt.key

    @property
    def answered(self) -> bool:
        return self.answers > 0


@dataclass(frozen=True)
class PromptGroupRows:
    group: PromptGroup
    name: str
    rows: tuple[PromptRow, ...]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)


def prompt_groups(
    consequences: Iterable[Consequence], prompts: PromptSet, lang: str | None
) -> tuple[PromptGroupRows, ...]:
    """Every prompt, group by group in the file's order, with how often it was answered."""
    counts = Counter(c.prompt_key for c in consequences if c.prompt_key)
    return tuple(
        PromptGroupRows(
            group=group,
            name=group.label(lang),
            rows=tuple(
                PromptRow(p, p.question_in(lang), p.hint_in(lang), counts.get(p.key, 0))
                for p in members
            ),
        )
        for group, members in prompts.by_group()
    )


def unanswered_prompts(consequences: Iterable[Consequence], prompts: PromptSet) -> list[Prompt]:
    """The prompts no consequence answers yet, in the file's order."""
    answered = {c.prompt_key for c in consequences if c.prompt_key}
    return [prompt for prompt in prompts if prompt.key not in answered]


@dataclass(frozen=True)
class Summary:
    """Counts over a procurement's consequences.

    ``unowned`` lists the open negative consequences without an owner: each is
    a harm found and left to nobody, which the workshop should not end with.
    """

    total: int
    by_quadrant: dict[str, int]
    by_response: dict[str, int]
    by_status: dict[str, int]
    open_negative: int
    unowned: tuple[Consequence, ...]
    prompts_answered: int
    prompts_total: int

    @property
    def unowned_ids(self) -> frozenset[int]:
        return frozenset(c.pk for c in self.unowned)


def summary(consequences: Sequence[Consequence], prompts: PromptSet) -> Summary:
    quadrants = board(consequences)
    answered = {c.prompt_key for c in consequences if c.prompt_key in prompts}
    status_counts = Counter(c.status for c in consequences)
    return Summary(
        total=len(consequences),
        by_quadrant={q.key: len(q.consequences) for q in quadrants},
        by_response={g.response: len(g.consequences) for g in by_response(consequences)},
        by_status={status: status_counts.get(status, 0) for status in ConsequenceStatus.values},
        open_negative=sum(
            1 for c in consequences if c.effect == ConsequenceEffect.NEGATIVE and is_open(c)
        ),
        unowned=tuple(c for c in consequences if needs_owner(c)),
        prompts_answered=len(answered),
        prompts_total=len(prompts),
    )


@dataclass(frozen=True)
class Workshop:
    """Everything the workshop page shows, from one query."""

    consequences: tuple[Consequence, ...]
    quadrants: tuple[Quadrant, ...]
    responses: tuple[ResponseGroup, ...]
    summary: Summary
    prompt_groups: tuple[PromptGroupRows, ...]
    unanswered: tuple[Prompt, ...]


def workshop(
    procurement: Procurement, *, lang: str | None, prompts: PromptSet | None = None
) -> Workshop:
    """The procurement's consequence scan arranged for the workshop page, texts in ``lang``."""
    prompts = prompts or load_prompts()
    consequences = tuple(consequences_of(procurement))
    return Workshop(
        consequences=consequences,
        quadrants=board(consequences),
        responses=by_response(consequences),
        summary=summary(consequences, prompts),
        prompt_groups=prompt_groups(consequences, prompts, lang),
        unanswered=tuple(unanswered_prompts(consequences, prompts)),
    )

"""What the statements say about the groups: Pol.is's statement statistics.

All counts come from the vote matrix; "seen" means voted on, pass included.
The formulas are Pol.is's (``math/src/polismath/math/repness.clj``,
``stats.clj`` and ``conversation.clj``), including its smoothing:

- agree probability ``pa = (na + 1) / (ns + 2)`` (likewise ``pd`` for disagree);
- one-proportion test of a vote against one half,
  ``z = 2 * sqrt(ns + 1) * ((na + 1) / (ns + 1) - 1/2)``: the normal
  approximation ``(p - 1/2) / sqrt(1/4 / n)`` with one pseudo-vote added to the
  successes and to the trials;
- two-proportion test of a group against the rest of the clustered
  participants, each count plus one, pooled variance (0 when the pooled
  proportion is 1);
- a result is significant at 90 % one-tailed when ``z > 1.2816``.

Representative statements, consensus statements, group-informed consensus,
where groups differ, and the statement priority used to pick the next
statement to show all build on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import sparse

from participai.deliberation.votes import VoteMatrix

Z_90 = 1.2816
"""One-tailed 90 % critical value of the standard normal (Pol.is's ``z-sig-90?``)."""
PICK_MAX = 5
META_PRIORITY = 7.0
"""Pol.is's priority for meta statements (before squaring)."""

Direction = Literal["agree", "disagree"]


# Statistics --------------------------------------------------------------------


def smoothed_probability(successes: Any, trials: Any) -> np.ndarray:
    """``(successes + 1) / (trials + 2)``: the share with one pseudo-vote each way."""
    return (np.asarray(successes, dtype=float) + 1.0) / (np.asarray(trials, dtype=float) + 2.0)


def proportion_test(successes: Any, trials: Any) -> np.ndarray:
    """Pol.is's one-proportion z against 1/2: ``2 sqrt(n + 1) ((s + 1) / (n + 1) - 1/2)``."""
    successes = np.asarray(successes, dtype=float) + 1.0
    trials = np.asarray(trials, dtype=float) + 1.0
    return 2.0 * np.sqrt(trials) * (successes / trials - 0.5)


def two_proportion_test(
    successes_in: Any, successes_out: Any, trials_in: Any, trials_out: Any
) -> np.ndarray:
    """Pol.is's two-proportion z of "in" against "out", every count plus one.

    Pooled variance; 0 where the pooled proportion is 1 (no variance at all).
    """
    s_in, s_out, n_in, n_out = (
        np.asarray(value, dtype=float) + 1.0
        for value in (successes_in, successes_out, trials_in, trials_out)
    )
    pooled = (s_in + s_out) / (n_in + n_out)
    variance = pooled * (1.0 - pooled) * (1.0 / n_in + 1.0 / n_out)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s_in / n_in - s_out / n_out) / np.sqrt(variance)
    return np.where(pooled == 1.0, 0.0, z)


@dataclass(frozen=True)
class VoteCounts:
    """Agree, disagree and seen counts, arrays of shape (groups, statements)."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray

    @property
    def passed(self) -> np.ndarray:
        return self.seen - self.agree - self.disagree

    def total(self) -> VoteCounts:
        """All groups together, shape (1, statements)."""
        return VoteCounts(
            self.agree.sum(axis=0, keepdims=True),
            self.disagree.sum(axis=0, keepdims=True),
            self.seen.sum(axis=0, keepdims=True),
        )


def count_votes(matrix: VoteMatrix, labels: np.ndarray | None = None) -> VoteCounts:
    """Votes per statement in each group (``labels`` per participant, -1 = left out).

    Without labels, every participant counts in one group.
    """
    if labels is None:
        labels = np.zeros(matrix.n_participants, dtype=np.int64)
    labels = np.asarray(labels)
    if labels.shape != (matrix.n_participants,):
        raise ValueError("labels must give one group per participant")
    n_groups = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    rows = np.flatnonzero(labels >= 0)
    membership = sparse.csr_array(
        (np.ones(len(rows)), (labels[rows], rows)), shape=(n_groups, matrix.n_participants)
    )

    def per_group(cells: sparse.csr_array) -> np.ndarray:
        return (
            np.rint(np.asarray((membership @ cells).todense()))
            .astype(np.int64)
            .reshape(n_groups, matrix.n_statements)
        )

    return VoteCounts(
        per_group(matrix.agreed()), per_group(matrix.disagreed()), per_group(matrix.seen())
    )


@dataclass(frozen=True)
class GroupStatementStats:
    """Pol.is's per-group statement statistics, arrays of shape (groups, statements).

    ``na``/``nd``/``ns`` counts; ``pa``/``pd`` smoothed probabilities; ``pat``/``pdt``
    one-proportion tests; ``ra``/``rd`` ratio of the group's probability to the
    rest's; ``rat``/``rdt`` two-proportion tests against the rest.
    """

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def group_statement_stats(counts: VoteCounts) -> GroupStatementStats:
    """Statistics of each group against the rest of the clustered participants."""
    na, nd, ns = counts.agree, counts.disagree, counts.seen
    total = counts.total()
    rest_na, rest_nd, rest_ns = total.agree - na, total.disagree - nd, total.seen - ns
    pa, pd = smoothed_probability(na, ns), smoothed_probability(nd, ns)
    return GroupStatementStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=proportion_test(na, ns),
        pdt=proportion_test(nd, ns),
        ra=pa / smoothed_probability(rest_na, rest_ns),
        rd=pd / smoothed_probability(rest_nd, rest_ns),
        rat=two_proportion_test(na, rest_na, ns, rest_ns),
        rdt=two_proportion_test(nd, rest_nd, ns, rest_ns),
    )


# Representative statements -------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, for agreement or for disagreement.

    ``n_success`` of the group's ``n_trials`` who saw it voted ``direction``;
    ``p_success`` and ``p_test`` are the smoothed share and its test against
    one half; ``repness`` is that share over the rest's, ``repness_test`` the
    two-proportion test. ``significant`` says whether both tests pass at
    90 %; Pol.is still shows a group's best statement when none does, and puts
    its best agreed statement (``best_agree``) first.
    """

    statement_id: Any
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    significant: bool
    best_agree: bool = False

    @property
    def metric(self) -> float:
        """Pol.is's ranking: ``repness * repness_test * p_success * p_test``."""
        return self.repness * self.repness_test * self.p_success * self.p_test


def representative_statements(
    matrix: VoteMatrix,
    group_labels: np.ndarray,
    *,
    moderated_out: Iterable[Any] = (),
    pick_max: int = PICK_MAX,
) -> dict[int, list[RepresentativeStatement]]:
    """The statements that represent each group, Pol.is's ``select-rep-comments``.

    A statement represents a group for agreement when its agree share in the
    group beats one half (one-proportion test) and beats the rest of the
    clustered participants (two-proportion test), both with ``z > 1.2816``;
    likewise for disagreement. The passing statements are ranked by
    ``repness * repness_test * p_success * p_test``; the group's best agreed
    statement goes first; at most ``pick_max`` are kept, agreements before
    disagreements. A group with no passing statement gets its single best one
    (flagged not significant). Moderated-out statements are never chosen.
    ``group_labels`` gives each participant's group (0, 1, ...), -1 for those
    outside the groups, who count in no "rest" either.
    """
    counts = count_votes(matrix, group_labels)
    if len(counts.seen) == 0:
        return {}
    stats = group_statement_stats(counts)
    eligible = np.flatnonzero(~matrix.statement_mask(moderated_out))
    return {
        group: _select_representative(
            stats, group, eligible, matrix.statement_ids.tolist(), pick_max
        )
        for group in range(len(counts.seen))
    }


def _finalise(
    stats: GroupStatementStats, group: int, column: int, statement_id: Any, best_agree: bool
) -> RepresentativeStatement:
    # A statement is reported in the direction with the larger
    # representativeness test. Pol.is does this even for the statement it
    # picked as the group's best *agreed* one, which can then read "0 of 10
    # disagree"; here that one is always reported for agreement.
    agree = best_agree or stats.rat[group, column] > stats.rdt[group, column]
    if agree:
        values = (stats.na, stats.pa, stats.pat, stats.ra, stats.rat)
    else:
        values = (stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt)
    n_success, p_success, p_test, repness, repness_test = (
        array[group, column] for array in values
    )
    return RepresentativeStatement(
        statement_id=statement_id,
        direction="agree" if agree else "disagree",
        n_success=int(n_success),
        n_trials=int(stats.ns[group, column]),
        p_success=float(p_success),
        p_test=float(p_test),
        repness=float(repness),
        repness_test=float(repness_test),
        significant=bool(p_test > Z_90 and repness_test > Z_90),
        best_agree=best_agree,
    )


def _select_representative(
    stats: GroupStatementStats,
    group: int,
    eligible: np.ndarray,
    statement_ids: list[Any],
    pick_max: int,
) -> list[RepresentativeStatement]:
    def value(array: np.ndarray, column: int) -> float:
        return float(array[group, column])

    passing: list[int] = []
    best: int | None = None
    best_agree: int | None = None
    for column in eligible:
        agree_passes = value(stats.pat, column) > Z_90 and value(stats.rat, column) > Z_90
        disagree_passes = value(stats.pdt, column) > Z_90 and value(stats.rdt, column) > Z_90
        if agree_passes or disagree_passes:
            passing.append(column)
        strength = max(value(stats.rat, column), value(stats.rdt, column))
        if not passing and (
            best is None or strength > max(value(stats.rat, best), value(stats.rdt, best))
        ):
            best = column
        if _beats_best_agree(stats, group, column, best_agree):
            best_agree = column

    head = []
    if best_agree is not None:
        head = [_finalise(stats, group, best_agree, statement_ids[best_agree], True)]
    elif best is not None:
        head = [_finalise(stats, group, best, statement_ids[best], False)]
    if not passing:
        return head
    ranked = sorted(
        (
            _finalise(stats, group, column, statement_ids[column], False)
            for column in passing
            if column != best_agree
        ),
        key=lambda statement: -statement.metric,
    )
    chosen = (head if best_agree is not None else []) + ranked
    chosen = chosen[:pick_max]
    return [s for s in chosen if s.direction == "agree"] + [
        s for s in chosen if s.direction == "disagree"
    ]


def _beats_best_agree(
    stats: GroupStatementStats, group: int, column: int, current: int | None
) -> bool:
    """Pol.is's ``beats-best-agr?``: the group's most telling agreed statement so far."""

    def at(array: np.ndarray, where: int) -> float:
        return float(array[group, where])

    if at(stats.na, column) == 0 and at(stats.nd, column) == 0:
        return False
    if current is not None and at(stats.ra, current) > 1.0:
        candidate = at(stats.ra, column) * at(stats.rat, column) * at(stats.pa, column)
        incumbent = at(stats.ra, current) * at(stats.rat, current) * at(stats.pa, current)
        return candidate * at(stats.pat, column) > incumbent * at(stats.pat, current)
    if current is not None:
        return at(stats.pa, column) * at(stats.pat, column) > at(stats.pa, current) * at(
            stats.pat, current
        )
    return at(stats.pat, column) > Z_90 or (
        at(stats.ra, column) > 1.0 and at(stats.pa, column) > 0.5
    )


# Consensus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement the conversation as a whole agrees (or disagrees) with."""

    statement_id: Any
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


def consensus_statements(
    matrix: VoteMatrix, *, moderated_out: Iterable[Any] = (), pick_max: int = PICK_MAX
) -> dict[Direction, list[ConsensusStatement]]:
    """Pol.is's consensus statements over every participant's votes.

    For agreement: smoothed agree share above one half and one-proportion
    test above 1.2816, ranked by share x test, at most ``pick_max``; likewise
    for disagreement. Moderated-out statements are left out.
    """
    counts = count_votes(matrix).total() if matrix.n_participants else _no_counts(matrix)
    eligible = ~matrix.statement_mask(moderated_out)
    ids = matrix.statement_ids.tolist()
    chosen: dict[Direction, list[ConsensusStatement]] = {}
    for direction, successes in (("agree", counts.agree[0]), ("disagree", counts.disagree[0])):
        share = smoothed_probability(successes, counts.seen[0])
        test = proportion_test(successes, counts.seen[0])
        candidates = np.flatnonzero(eligible & (share > 0.5) & (test > Z_90))
        # A stable sort: equal scores keep statement order.
        order = candidates[np.argsort(-(share * test)[candidates], kind="stable")]
        chosen[direction] = [
            ConsensusStatement(
                statement_id=ids[column],
                direction=direction,
                n_success=int(successes[column]),
                n_trials=int(counts.seen[0][column]),
                p_success=float(share[column]),
                p_test=float(test[column]),
            )
            for column in order[:pick_max]
        ]
    return chosen


def group_informed_consensus(
    matrix: VoteMatrix, group_labels: np.ndarray, *, direction: Direction = "agree"
) -> np.ndarray:
    """Per statement, the product over groups of ``(agree + 1) / (seen + 2)``.

    High only when every group agrees, however large or small it is, so a big
    group cannot carry a statement alone (Pol.is's ``group-aware-consensus``).
    ``direction="disagree"`` gives the same for disagreement.
    ``group_labels`` gives each participant's group, -1 for those outside the
    groups; with no group at all the product is empty and every statement
    scores 1.
    """
    counts = count_votes(matrix, group_labels)
    successes = counts.agree if direction == "agree" else counts.disagree
    return smoothed_probability(successes, counts.seen).prod(axis=0)


# Where groups differ -------------------------------------------------------------------


@dataclass(frozen=True)
class GroupDifference:
    """A statement on which the groups' agree shares are furthest apart."""

    statement_id: Any
    spread: float
    agree_shares: tuple[float, ...]
    """Smoothed agree share of each group, in group order."""


def group_differences(
    matrix: VoteMatrix,
    group_labels: np.ndarray,
    *,
    moderated_out: Iterable[Any] = (),
    limit: int = PICK_MAX,
) -> list[GroupDifference]:
    """The statements with the largest spread (max - min) of agree share between groups.

    Shares are smoothed, ``(agree + 1) / (seen + 2)``, so a statement few
    people in a group saw is pulled towards one half rather than looking
    divisive by chance. Needs two groups or more; largest spread first,
    ties in statement order.
    """
    counts = count_votes(matrix, group_labels)
    if len(counts.seen) < 2:
        return []
    shares = smoothed_probability(counts.agree, counts.seen)
    spread = shares.max(axis=0) - shares.min(axis=0)
    eligible = np.flatnonzero(~matrix.statement_mask(moderated_out))
    order = eligible[np.argsort(-spread[eligible], kind="stable")]
    ids = matrix.statement_ids.tolist()
    return [
        GroupDifference(
            statement_id=ids[column],
            spread=float(spread[column]),
            agree_shares=tuple(float(share) for share in shares[:, column]),
        )
        for column in order[:limit]
    ]


# Which statement next ----------------------------------------------------------------------


def statement_priorities(
    matrix: VoteMatrix,
    clustered: np.ndarray,
    extremity: np.ndarray,
    *,
    meta: Iterable[Any] = (),
    moderated_out: Iterable[Any] = (),
) -> np.ndarray:
    """Pol.is's statement priority (``priority-metric`` in ``conversation.clj``).

    With A agrees, P passes and S votes among the ``clustered`` participants
    (a boolean mask over participants) and E the statement's ``extremity`` on
    the opinion map (how far a participant who agreed with it alone would sit
    from the centre, i.e. how much it divides; see ``GroupResult.extremity``)::

        importance = (1 - (P + 1) / (S + 2)) * (E + 1) * (A + 1) / (S + 2)
        priority   = (importance * (1 + 8 * 2 ** (-S / 5))) ** 2

    so a new statement (S small) is boosted up to nine-fold, a divisive one
    (E large) rises, and one that people pass on sinks. Meta statements get
    Pol.is's fixed priority 7 (squared, 49); moderated-out statements 0.
    Counts are this update's (Pol.is uses the previous update's, a lag not
    worth copying).
    """
    labels = np.where(clustered, 0, -1)
    counts = count_votes(matrix, labels) if labels.max(initial=-1) >= 0 else _no_counts(matrix)
    agree, passed, seen = counts.agree[0], counts.passed[0], counts.seen[0]
    importance = (
        (1.0 - smoothed_probability(passed, seen))
        * (np.asarray(extremity, dtype=float) + 1.0)
        * smoothed_probability(agree, seen)
    )
    priority = importance * (1.0 + 8.0 * np.power(2.0, -seen / 5.0))
    priority = np.where(matrix.statement_mask(meta), META_PRIORITY, priority) ** 2
    priority[matrix.statement_mask(moderated_out)] = 0.0
    return priority


def next_statements(
    matrix: VoteMatrix,
    priorities: np.ndarray,
    participant_id: Any,
    *,
    moderated_out: Iterable[Any] = (),
) -> list[Any]:
    """Statements the participant has not seen, highest priority first.

    Ties go to the earlier statement id; moderated-out statements are left
    out. A participant with no votes yet gets every statement.
    """
    if priorities.shape != (matrix.n_statements,):
        raise ValueError("priorities must give one value per statement")
    unseen = ~matrix.statement_mask(moderated_out)
    row = matrix.participant_index(participant_id)
    if row is not None:
        start, end = matrix.votes.indptr[row], matrix.votes.indptr[row + 1]
        unseen[matrix.votes.indices[start:end]] = False
    columns = np.flatnonzero(unseen)
    order = columns[np.argsort(-priorities[columns], kind="stable")]
    return matrix.statement_ids[order].tolist()


def _no_counts(matrix: VoteMatrix) -> VoteCounts:
    zeros = np.zeros((1, matrix.n_statements), dtype=np.int64)
    return VoteCounts(zeros, zeros, zeros)

"""Vote matrices with known opinion groups, for tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from participai.deliberation.votes import VoteMatrix


@dataclass(frozen=True)
class Planted:
    matrix: VoteMatrix
    truth: np.ndarray
    """The planted group of each participant, in the matrix's row order."""
    triples: list[tuple[int, int, int]]


def planted(
    groups: int = 3,
    per_group: int = 40,
    statements: int = 30,
    density: float = 0.6,
    agreement: float = 0.9,
    seed: int = 0,
    sizes: tuple[int, ...] | None = None,
) -> Planted:
    """Groups that each agree with a random half of the statements and disagree with the rest.

    A participant sees each statement with probability ``density`` (at least
    eight of them) and votes their group's way with probability
    ``agreement``, the other way otherwise. Participant ids are 0..n-1, group
    by group. ``sizes`` overrides ``groups`` and ``per_group``; with the same
    seed, growing the last group only appends participants.
    """
    sizes = sizes or (per_group,) * groups
    rng = np.random.default_rng(seed)
    stance = rng.choice([-1, 1], size=(len(sizes), statements))
    triples = []
    truth = np.repeat(np.arange(len(sizes)), sizes)
    for participant, group in enumerate(truth):
        seen = np.flatnonzero(rng.random(statements) < density)
        if len(seen) < 8:
            seen = rng.choice(statements, size=8, replace=False)
        for statement in seen:
            vote = stance[group, statement] * (1 if rng.random() < agreement else -1)
            triples.append((participant, int(statement), int(vote)))
    return Planted(VoteMatrix.from_votes(triples), truth, triples)


def partition(ids: np.ndarray, labels: np.ndarray) -> set[frozenset]:
    """Groups as a set of sets of ids: equal partitions compare equal whatever their labels."""
    return {frozenset(ids[labels == label].tolist()) for label in np.unique(labels) if label >= 0}

"""The real Pol.is conversations in ``../shared/data/polis`` and what Pol.is made of them.

Read from ``../shared/data/polis/`` (or ``$PARTICIPAI_POLIS_DIR``), never copied
here; a missing directory fails the tests rather than skipping them. The
reference groups (``group-id``) and the reference matrix are read from each
export's ``participants-votes.csv`` with the csv module, independently of the
package's own readers. :func:`ari_against` is the measure of agreement with
Pol.is's groups that the tests and ``bench/deliberation_bench.py`` share.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[2]
POLIS = Path(os.environ.get("PARTICIPAI_POLIS_DIR", ROOT.parent / "shared" / "data" / "polis"))
CONVERSATIONS = ("15-per-hour-seattle", "football-concussions")


def conversation(name: str) -> Path:
    """The folder of one export; fails (never skips) when the shared data is missing."""
    folder = POLIS / name
    assert (folder / "votes.csv").exists(), f"{folder} is missing; set PARTICIPAI_POLIS_DIR"
    return folder


def polis_groups(name: str) -> dict[int, int]:
    """Participant -> group-id, for the participants Pol.is put in a group."""
    with (conversation(name) / "participants-votes.csv").open(newline="") as handle:
        return {
            int(row["participant"]): int(row["group-id"])
            for row in csv.DictReader(handle)
            if row["group-id"] != ""
        }


def polis_matrix(name: str) -> tuple[list[int], list[int], np.ndarray]:
    """Participant ids, statement ids and the dense vote matrix (NaN = unseen) of the export."""
    with (conversation(name) / "participants-votes.csv").open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        first_statement = header.index("n-disagree") + 1
        statements = [int(column) for column in header[first_statement:]]
        participants, rows = [], []
        for row in reader:
            participants.append(int(row[0]))
            rows.append([float(cell) if cell != "" else np.nan for cell in row[first_statement:]])
    return participants, statements, np.asarray(rows)


def moderated_out(name: str) -> list[int]:
    """Statements moderated out in the export's comments.csv (moderated = -1)."""
    with (conversation(name) / "comments.csv").open(newline="") as handle:
        return [
            int(row["comment-id"]) for row in csv.DictReader(handle) if row["moderated"] == "-1"
        ]


def ari_against(labels: np.ndarray, ids: np.ndarray, reference: dict[int, int]) -> tuple:
    """Adjusted Rand index of ``labels`` (-1: not clustered) against ``reference``.

    Computed over the participants clustered on both sides; returns the index
    and their number.
    """
    ours_by_id = {int(p): int(g) for p, g in zip(ids, labels, strict=True) if g >= 0}
    common = sorted(set(ours_by_id) & set(reference))
    return (
        adjusted_rand_score([reference[p] for p in common], [ours_by_id[p] for p in common]),
        len(common),
    )

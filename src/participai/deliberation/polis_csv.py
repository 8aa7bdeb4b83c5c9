"""Readers for the CSV files of a Pol.is conversation export.

``votes.csv`` has one row per vote cast (columns ``timestamp``, ``datetime``,
``comment-id``, ``voter-id``, ``vote``) and ``comments.csv`` one row per
statement (``comment-id``, ``moderated``, ``comment-body`` among others).

Sign convention: in the export, ``vote`` is 1 for agree and -1 for disagree
(0 for pass), the opposite of Pol.is's internal database. This was checked on
the real exports in ``shared/data/polis``: for every statement, the
``agrees`` count in ``comments.csv`` equals the number of rows of
``votes.csv`` with vote 1 (every vote cast, changed votes included) and
``disagrees`` the number with vote -1.

A participant who changes their mind appears more than once for the same
statement; the latest ``timestamp`` wins (the file is not in time order), which
reproduces the matrix of the export's ``participants-votes.csv`` exactly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from participai.deliberation.votes import VoteMatrix

VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
COMMENT_COLUMNS = ("comment-id", "comment-body")

INT64_MIN, INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)

# comments.csv "moderated": -1 moderated out, 0 not yet moderated, 1 accepted.
MODERATED_OUT = -1


@dataclass(frozen=True)
class PolisComment:
    """One statement of a Pol.is export."""

    statement_id: int
    text: str
    moderated: int

    @property
    def moderated_out(self) -> bool:
        return self.moderated == MODERATED_OUT


def read_polis_votes(path: str | Path) -> VoteMatrix:
    """The vote matrix of a Pol.is ``votes.csv`` (latest vote per cell wins).

    Raises ``ValueError`` naming the file and line when a required column is
    missing or a value is not an integer that fits in 64 bits (vote: -1, 0 or
    1); ``OSError`` when the file cannot be read.
    """
    path = Path(path)
    timestamps: list[int] = []
    participants: list[int] = []
    statements: list[int] = []
    votes: list[int] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        _check_header(reader.fieldnames, VOTE_COLUMNS, path)
        for row in reader:
            line = reader.line_num
            timestamps.append(_integer(row, "timestamp", path, line))
            statements.append(_integer(row, "comment-id", path, line))
            participants.append(_integer(row, "voter-id", path, line))
            vote = _integer(row, "vote", path, line)
            if vote not in (-1, 0, 1):
                raise ValueError(f"{path.name} line {line}: vote {vote} is not -1, 0 or 1")
            votes.append(vote)
    # A stable sort keeps file order among votes cast in the same millisecond.
    order = np.argsort(np.asarray(timestamps, dtype=np.int64), kind="stable")
    return VoteMatrix.from_arrays(
        np.asarray(participants, dtype=np.int64)[order],
        np.asarray(statements, dtype=np.int64)[order],
        np.asarray(votes, dtype=np.int8)[order],
    )


def read_polis_comments(path: str | Path) -> list[PolisComment]:
    """The statements of a Pol.is ``comments.csv``, in file order.

    ``moderated`` defaults to 0 when the column is absent. Raises ``ValueError``
    naming the line on a missing column, an id that is not an integer fitting
    in 64 bits, a moderation value outside {-1, 0, 1} or a statement listed
    twice.
    """
    path = Path(path)
    comments: list[PolisComment] = []
    seen: set[int] = set()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        _check_header(reader.fieldnames, COMMENT_COLUMNS, path)
        has_moderation = "moderated" in (reader.fieldnames or ())
        for row in reader:
            line = reader.line_num
            statement_id = _integer(row, "comment-id", path, line)
            if statement_id in seen:
                raise ValueError(f"{path.name} line {line}: comment-id {statement_id} repeated")
            seen.add(statement_id)
            moderated = _integer(row, "moderated", path, line) if has_moderation else 0
            if moderated not in (-1, 0, 1):
                raise ValueError(
                    f"{path.name} line {line}: moderated {moderated} is not -1, 0 or 1"
                )
            text = row["comment-body"]
            if text is None:
                raise ValueError(f"{path.name} line {line}: comment-body is missing")
            comments.append(PolisComment(statement_id, text, moderated))
    return comments


def _check_header(fieldnames: object, required: tuple[str, ...], path: Path) -> None:
    if not fieldnames:
        raise ValueError(f"{path.name} is empty: expected a header with {', '.join(required)}")
    missing = [column for column in required if column not in fieldnames]  # type: ignore[operator]
    if missing:
        raise ValueError(f"{path.name} line 1: missing column(s) {', '.join(missing)}")


def _integer(row: dict[str, str | None], column: str, path: Path, line: int) -> int:
    raw = row.get(column)
    if raw is None:
        raise ValueError(f"{path.name} line {line}: {column} is missing")
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{path.name} line {line}: {column} {raw!r} is not an integer") from None
    # Ids and timestamps are held as 64-bit integers.
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(
            f"{path.name} line {line}: {column} {value} is out of range "
            f"({INT64_MIN} to {INT64_MAX})"
        )
    return value

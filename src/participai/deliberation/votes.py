"""The participant x statement vote matrix.

A conversation's votes are a sparse matrix: most participants see a small part
of the statements. :class:`VoteMatrix` keeps them in a ``scipy.sparse`` CSR
array whose *stored cells are exactly the cells seen*: agree is stored as +1,
disagree as -1 and pass as an explicit 0, while a statement the participant
never saw has no stored cell at all. Pass and unseen are therefore different
(a pass counts as a vote, an unseen cell does not), and memory grows with the
number of votes, not with participants x statements.

Rows and columns are kept in sorted id order, whatever order the votes came
in: every computation downstream then depends only on the votes themselves,
never on the order in which they were listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
from scipy import sparse

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = frozenset({AGREE, DISAGREE, PASS})
_INT64_MIN, _INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes of participants (rows) on statements (columns).

    ``votes`` stores one cell per vote cast: +1 agree, -1 disagree, 0 pass (an
    explicit zero); a cell that is not stored was not seen. ``participant_ids``
    and ``statement_ids`` are sorted, without duplicates, and name the rows and
    columns. Build one with :meth:`from_votes`, :meth:`from_arrays` or
    :meth:`from_dense` rather than by hand; the constructor checks the shape of
    what it is given, not that ids are sorted.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    votes: sparse.csr_array

    def __post_init__(self) -> None:
        shape = (len(self.participant_ids), len(self.statement_ids))
        if self.votes.shape != shape:
            raise ValueError(f"votes has shape {self.votes.shape}, ids give {shape}")
        if self.votes.nnz and not np.isin(self.votes.data, (-1, 0, 1)).all():
            raise ValueError("a vote must be -1 (disagree), 0 (pass) or 1 (agree)")

    # Construction -------------------------------------------------------

    @classmethod
    def from_votes(cls, votes: Iterable[tuple[Any, Any, int]]) -> VoteMatrix:
        """Build the matrix from ``(participant_id, statement_id, vote)`` triples.

        A vote is 1 (agree), -1 (disagree) or 0 (pass). When a participant
        voted more than once on a statement, the last triple wins (list votes
        in the order they were cast). Ids are all integers (64-bit) or all
        strings, per kind; anything else raises ``ValueError`` naming the
        offending triple or id.
        """
        participants: list[Any] = []
        statements: list[Any] = []
        values: list[int] = []
        for position, triple in enumerate(votes):
            try:
                participant_id, statement_id, vote = triple
            except (TypeError, ValueError):
                raise ValueError(
                    f"vote {position}: expected (participant_id, statement_id, vote), "
                    f"got {triple!r}"
                ) from None
            if not _is_vote(vote):
                raise ValueError(f"vote {position}: {vote!r} is not -1, 0 or 1")
            participants.append(participant_id)
            statements.append(statement_id)
            values.append(int(vote))
        return cls.from_arrays(
            _id_array(participants, "participant"),
            _id_array(statements, "statement"),
            np.asarray(values, dtype=np.int8),
        )

    @classmethod
    def from_arrays(
        cls,
        participant_ids: np.ndarray,
        statement_ids: np.ndarray,
        votes: np.ndarray,
    ) -> VoteMatrix:
        """Build the matrix from three parallel 1-D arrays, one entry per vote cast.

        The vectorised form of :meth:`from_votes` (same rules: last vote wins,
        votes in {-1, 0, 1}); ids must be integer or string arrays. String ids
        are kept as an object array of Python strings, whatever their width.
        """
        # Fixed-width string arrays become object arrays, as from_votes makes
        # them: a "<U3" array would cut a longer id compared with it to three
        # characters (an id saved in a group state, say).
        participant_ids = _ids_of_any_length(np.asarray(participant_ids))
        statement_ids = _ids_of_any_length(np.asarray(statement_ids))
        votes = np.asarray(votes)
        if not (participant_ids.ndim == statement_ids.ndim == votes.ndim == 1):
            raise ValueError("participant ids, statement ids and votes must be 1-D arrays")
        if not (len(participant_ids) == len(statement_ids) == len(votes)):
            raise ValueError("participant ids, statement ids and votes differ in length")
        if votes.size and (votes.dtype.kind not in "iuf" or not np.isin(votes, (-1, 0, 1)).all()):
            raise ValueError("a vote must be -1 (disagree), 0 (pass) or 1 (agree)")
        rows_ids, rows = _unique(participant_ids, "participant")
        column_ids, columns = _unique(statement_ids, "statement")
        n_columns = len(column_ids)
        # Keep the last vote per cell: the first occurrence of each cell in the
        # reversed list is its last vote; unique() returns the cells sorted,
        # which is row-major order, i.e. already the CSR layout.
        cells = rows.astype(np.int64) * max(n_columns, 1) + columns
        cells_unique, first_in_reversed = np.unique(cells[::-1], return_index=True)
        last = len(cells) - 1 - first_in_reversed
        cell_rows = cells_unique // max(n_columns, 1)
        indptr = np.zeros(len(rows_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell_rows, minlength=len(rows_ids)), out=indptr[1:])
        matrix = sparse.csr_array(
            (
                votes[last].astype(np.int8),
                (cells_unique % max(n_columns, 1)).astype(np.int32),
                indptr,
            ),
            shape=(len(rows_ids), n_columns),
        )
        return cls(rows_ids, column_ids, matrix)

    @classmethod
    def from_dense(
        cls,
        votes: Any,
        participant_ids: Iterable[Any] | None = None,
        statement_ids: Iterable[Any] | None = None,
    ) -> VoteMatrix:
        """Build the matrix from a dense 2-D array where NaN (or None) means unseen.

        Rows and columns are named ``0..n-1`` unless ids are given; rows whose
        participant never voted are kept (they are participants with no vote).
        Meant for small matrices in tests and examples.
        """
        dense = np.array(votes, dtype=float)
        if dense.ndim != 2:
            raise ValueError("a dense vote matrix must be 2-D")
        n_rows, n_columns = dense.shape
        rows_ids = (
            np.arange(n_rows)
            if participant_ids is None
            else _id_array(list(participant_ids), "participant")
        )
        column_ids = (
            np.arange(n_columns)
            if statement_ids is None
            else _id_array(list(statement_ids), "statement")
        )
        if len(rows_ids) != n_rows or len(column_ids) != n_columns:
            raise ValueError("the ids do not match the matrix shape")
        seen = ~np.isnan(dense)
        if not np.isin(dense[seen], (-1, 0, 1)).all():
            raise ValueError("a vote must be -1 (disagree), 0 (pass) or 1 (agree)")
        row_order = _argsort_ids(rows_ids, "participant")
        column_order = _argsort_ids(column_ids, "statement")
        dense = dense[np.ix_(row_order, column_order)]
        seen = seen[np.ix_(row_order, column_order)]
        cell_rows, cell_columns = np.nonzero(seen)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell_rows, minlength=n_rows), out=indptr[1:])
        matrix = sparse.csr_array(
            (dense[seen].astype(np.int8), cell_columns.astype(np.int32), indptr),
            shape=(n_rows, n_columns),
        )
        return cls(rows_ids[row_order], column_ids[column_order], matrix)

    # Shape and counts ---------------------------------------------------

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_statements(self) -> int:
        return len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        """Votes cast, passes included (cells seen)."""
        return int(self.votes.nnz)

    def votes_per_participant(self) -> np.ndarray:
        """Votes cast by each participant (passes included), in row order."""
        return np.diff(self.votes.indptr)

    def seen(self) -> sparse.csr_array:
        """1.0 on every cell seen (voted on, pass included), same structure as ``votes``."""
        return self._with_data(np.ones(self.votes.nnz))

    def agreed(self) -> sparse.csr_array:
        """1.0 where the participant agreed, 0 elsewhere (stored on seen cells)."""
        return self._with_data((self.votes.data == AGREE).astype(float))

    def disagreed(self) -> sparse.csr_array:
        """1.0 where the participant disagreed, 0 elsewhere (stored on seen cells)."""
        return self._with_data((self.votes.data == DISAGREE).astype(float))

    def _with_data(self, data: np.ndarray) -> sparse.csr_array:
        return sparse.csr_array(
            (data, self.votes.indices, self.votes.indptr), shape=self.votes.shape
        )

    # Lookup ---------------------------------------------------------------

    def statement_mask(self, statement_ids: Iterable[Any]) -> np.ndarray:
        """Boolean mask over columns for the given statement ids (unknown ids ignored).

        Unknown ids (an integer beyond the ids' range included) are ignored
        because a statement can be moderated out before anyone votes on it; it
        then has no column.
        """
        wanted = list(statement_ids)
        if self.statement_ids.dtype.kind in "iu":
            # An integer too large for the ids' type cannot name a column either.
            bounds = np.iinfo(self.statement_ids.dtype)
            wanted = [
                value
                for value in wanted
                if not (isinstance(value, Integral) and not bounds.min <= value <= bounds.max)
            ]
        if not wanted:
            return np.zeros(self.n_statements, dtype=bool)
        return np.isin(self.statement_ids, np.asarray(wanted, dtype=self.statement_ids.dtype))

    def participant_index(self, participant_id: Any) -> int | None:
        """Row of a participant, or None when they have not voted."""
        position = int(np.searchsorted(self.participant_ids, participant_id))
        if position < self.n_participants and self.participant_ids[position] == participant_id:
            return position
        return None

    def to_dense(self) -> np.ndarray:
        """Dense float copy with NaN for unseen cells (small matrices only)."""
        dense = np.full(self.votes.shape, np.nan)
        rows = np.repeat(np.arange(self.n_participants), self.votes_per_participant())
        dense[rows, self.votes.indices] = self.votes.data
        return dense


def _is_vote(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Integral):
        return int(value) in VOTE_VALUES
    if isinstance(value, float):
        return value in VOTE_VALUES
    return False


def _id_array(ids: list[Any], kind: str) -> np.ndarray:
    """An id array of one kind: all integers (int64) or all strings."""
    if all(isinstance(value, Integral) and not isinstance(value, bool) for value in ids):
        try:
            return np.asarray(ids, dtype=np.int64)
        except OverflowError:
            value = next(value for value in ids if not _INT64_MIN <= value <= _INT64_MAX)
            raise ValueError(
                f"{kind} id {value} is out of range (ids are 64-bit integers)"
            ) from None
    if all(isinstance(value, str) for value in ids):
        return np.asarray(ids, dtype=object)
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, (str, Integral)):
            raise ValueError(f"{kind} id {value!r} is neither an integer nor a string")
    raise ValueError(f"{kind} ids mix integers and strings; use one kind")


def _ids_of_any_length(ids: np.ndarray) -> np.ndarray:
    return ids.astype(object) if ids.dtype.kind in "US" else ids


def _unique(ids: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    if ids.dtype.kind not in "iuUSO":
        raise ValueError(f"{kind} ids must be integers or strings, not {ids.dtype}")
    try:
        return np.unique(ids, return_inverse=True)
    except TypeError:
        raise ValueError(f"{kind} ids mix kinds that cannot be ordered; use one kind") from None


def _argsort_ids(ids: np.ndarray, kind: str) -> np.ndarray:
    if len(np.unique(ids)) != len(ids):
        raise ValueError(f"{kind} ids are not unique")
    return np.argsort(ids, kind="stable")

"""Opinion groups: who is clustered, the opinion map and the groups, as Pol.is does.

:func:`compute_groups` follows Pol.is's published method (its ``math/``
sources: ``conversation.clj``, ``pca.clj``, ``clusters.clj``):

1. **Who is clustered.** Participants with at least ``min(7, n statements)``
   votes (passes and votes on moderated-out statements count); while fewer
   than 15 qualify, the most active others are added up to 15; and whoever was
   clustered in the previous update stays clustered ("once in, always in").
2. **Opinion map.** Unseen cells are imputed with their statement's mean vote
   and the matrix is centred, so an unseen cell is exactly zero and the
   centred matrix keeps the sparsity of the votes. Its first two principal
   components are found by block power iteration (sparse products only),
   warm-started from the previous update's components. Moderated-out
   statements are zero columns. A participant's point uses only the statements
   they voted on and is scaled by ``sqrt(n statements / n votes)`` so that
   light voters are not pulled to the centre (Pol.is's sparsity-aware
   projection). Everyone is projected; only the clustered are grouped.
3. **Base clusters.** k-means with ``k = min(100, distinct points)`` on the
   clustered participants' points, warm-started from the previous centres.
4. **Opinion groups.** k-means over the base-cluster centres weighted by their
   sizes, for ``k = 2 .. min(5, 2 + n_base // 12)``; the best k has the
   highest silhouette computed on the base centres. The group count only
   changes once the same new best k has won :data:`K_BUFFER` updates in a row
   (Pol.is's ``group-k-buffer``), and each k's clustering starts from the
   previous update's centres for that k, so group ids do not flicker.

Everything is deterministic for a given ``seed``, and depends only on the votes,
not on the order of participants or statements (the matrix is kept in id order
and k-means sees points in order of position).

The state that makes updates stable is a :class:`GroupState`, a plain
dataclass that round-trips through JSON (:meth:`GroupState.to_dict`), so the
platform can keep it between background runs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score

from participai.deliberation.votes import VoteMatrix

MIN_VOTES = 7
"""Votes a participant needs to be clustered (or all statements, if fewer)."""
GREEDY_PARTICIPANTS = 15
"""While fewer qualify, the most active participants are clustered up to this many."""
BASE_CLUSTERS = 100
MAX_GROUPS = 5
K_BUFFER = 4
"""Consecutive updates a new best group count must win before it is used."""
N_COMPONENTS = 2

# Block power iteration: a block wider than the two components wanted makes
# convergence depend on the gap to the (block + 1)-th eigenvalue rather than
# the third, so a handful of iterations suffice; the residual tolerance is
# relative to the largest eigenvalue.
_BLOCK = 6
_PCA_MAX_ITERATIONS = 200
_PCA_TOLERANCE = 1e-8
_KMEANS_MAX_ITERATIONS = 100
_GROUP_RESTARTS = 50
# Points closer than this are one position (k-means cannot split them).
_POSITION_DECIMALS = 6


@dataclass
class GroupState:
    """What one update hands to the next, so that groups stay stable.

    All fields are plain Python values (lists, dicts, ints, floats, ids), so
    ``json.dumps(state.to_dict())`` works; ids are whatever the vote matrix
    uses (integers or strings).
    """

    in_conversation: list[Any] = field(default_factory=list)
    statement_ids: list[Any] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)
    base_centres: list[list[float]] = field(default_factory=list)
    group_centres: dict[int, list[list[float]]] = field(default_factory=dict)
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (group-count keys become strings, as JSON requires)."""
        return {
            "in_conversation": list(self.in_conversation),
            "statement_ids": list(self.statement_ids),
            "components": [list(row) for row in self.components],
            "base_centres": [list(row) for row in self.base_centres],
            "group_centres": {str(k): centres for k, centres in self.group_centres.items()},
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupState:
        """The inverse of :meth:`to_dict`; ``ValueError`` on a malformed dict."""
        try:
            state = cls(
                in_conversation=list(data["in_conversation"]),
                statement_ids=list(data["statement_ids"]),
                components=[[float(x) for x in row] for row in data["components"]],
                base_centres=[_point(row) for row in data["base_centres"]],
                group_centres={
                    int(k): [_point(row) for row in centres]
                    for k, centres in data["group_centres"].items()
                },
                last_k=None if data["last_k"] is None else int(data["last_k"]),
                last_k_count=int(data["last_k_count"]),
                smoothed_k=None if data["smoothed_k"] is None else int(data["smoothed_k"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"not a saved group state: {error}") from None
        if state.components and any(
            len(row) != len(state.statement_ids) for row in state.components
        ):
            raise ValueError("not a saved group state: components do not match statement ids")
        return state


@dataclass(frozen=True, eq=False)
class GroupResult:
    """Opinion map and groups of one update.

    Arrays indexed by participant follow ``participant_ids`` (the rows of the
    vote matrix); arrays indexed by statement follow ``statement_ids``. A
    participant outside the clustering has ``-1`` as base and group label.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    projection: np.ndarray
    """(participants, 2) position of every participant on the opinion map."""
    in_conversation: np.ndarray
    """(participants,) True for participants who are clustered."""
    base_labels: np.ndarray
    base_centres: np.ndarray
    group_labels: np.ndarray
    group_centres: np.ndarray
    silhouettes: dict[int, float]
    """Silhouette of each candidate group count, on the base centres."""
    best_k: int
    """Group count with the best silhouette in this update (before smoothing)."""
    components: np.ndarray
    """(2, statements) principal components."""
    centre: np.ndarray
    """(statements,) mean vote of each statement (0 for moderated-out ones)."""
    statement_projection: np.ndarray
    """(statements, 2) where a participant who only agreed with the statement would be."""
    state: GroupState

    @property
    def k(self) -> int:
        """Number of opinion groups (0 when nobody is clustered)."""
        return len(self.group_centres)

    @property
    def extremity(self) -> np.ndarray:
        """(statements,) distance of each statement's projection from the centre."""
        return np.linalg.norm(self.statement_projection, axis=1)

    def members(self) -> dict[int, list[Any]]:
        """Participant ids of each group, in id order."""
        return {
            group: self.participant_ids[self.group_labels == group].tolist()
            for group in range(self.k)
        }

    def group_of(self, participant_id: Any) -> int | None:
        """The participant's group, or None when they are not clustered."""
        position = np.searchsorted(self.participant_ids, participant_id)
        if position < len(self.participant_ids) and (
            self.participant_ids[position] == participant_id
        ):
            label = int(self.group_labels[position])
            return None if label < 0 else label
        return None


def compute_groups(
    matrix: VoteMatrix,
    *,
    moderated_out: Iterable[Any] = (),
    previous: GroupState | None = None,
    seed: int = 0,
) -> GroupResult:
    """The opinion map and groups of a conversation (see the module docstring).

    ``moderated_out`` names statements whose columns are zeroed (their votes
    still count toward who is clustered); ids with no column are ignored.
    ``previous`` is the state of the last update, if any: it keeps clustered
    participants clustered, warm-starts the projection and the clusterings, and
    carries the group-count smoothing. The result's ``state`` is the one to
    pass next time. Deterministic for a given ``seed``.
    """
    rng = np.random.default_rng(seed)
    moderated = matrix.statement_mask(moderated_out)
    in_conversation = _in_conversation(matrix, previous)

    centred, centre = _centred_votes(matrix, moderated)
    start = _previous_components(previous, matrix)
    components = _principal_components(centred, start, rng)
    # Exactly zero, not rounding noise from the orthogonalisation.
    components[:, moderated] = 0.0
    # Pol.is zeroes moderated-out columns rather than dropping them: every
    # participant then "voted" 0 on each of them, which enters the sparsity
    # scaling (and matches Pol.is's groups far better than leaving them out).
    cell_rows = np.repeat(np.arange(matrix.n_participants), np.diff(centred.indptr))
    voted_moderated = np.bincount(
        cell_rows[moderated[centred.indices]], minlength=matrix.n_participants
    )
    n_votes = np.diff(centred.indptr) - voted_moderated + int(moderated.sum())
    scale = np.sqrt(matrix.n_statements / np.maximum(n_votes, 1))
    projection = (centred @ components.T) * scale[:, None]
    # A virtual participant who agrees with one statement only (Pol.is's
    # comment projection, used for the statement's extremity).
    lever = math.sqrt(matrix.n_statements) * (1.0 - centre)
    statement_projection = lever[:, None] * components.T
    statement_projection[moderated] = 0.0

    rows = np.flatnonzero(in_conversation)
    base_labels = np.full(matrix.n_participants, -1, dtype=np.int64)
    group_labels = np.full(matrix.n_participants, -1, dtype=np.int64)
    previous_state = previous or GroupState()
    state = GroupState(
        in_conversation=matrix.participant_ids[rows].tolist(),
        statement_ids=matrix.statement_ids.tolist(),
        components=components.tolist(),
        last_k=previous_state.last_k,
        last_k_count=previous_state.last_k_count,
        smoothed_k=previous_state.smoothed_k,
    )
    empty = np.zeros((0, N_COMPONENTS))
    if len(rows) == 0:
        return GroupResult(
            matrix.participant_ids, matrix.statement_ids, projection, in_conversation,
            base_labels, empty, group_labels, empty, {}, 0, components, centre,
            statement_projection, state,
        )  # fmt: skip

    base_labels[rows], base_centres = _base_clusters(
        projection[rows], _points(previous_state.base_centres), rng
    )
    weights = np.bincount(base_labels[rows], minlength=len(base_centres)).astype(float)
    clusterings, silhouettes = _group_clusterings(
        base_centres, weights, previous_state.group_centres, seed
    )
    best_k = max(silhouettes, key=lambda k: (silhouettes[k], -k)) if silhouettes else 1
    k = _smoothed_k(state, best_k, clusterings)
    base_groups, group_centres = clusterings[k]
    group_labels[rows] = base_groups[base_labels[rows]]

    state.base_centres = base_centres.tolist()
    state.group_centres = {n: centres.tolist() for n, (_, centres) in clusterings.items()}
    return GroupResult(
        matrix.participant_ids, matrix.statement_ids, projection, in_conversation,
        base_labels, base_centres, group_labels, group_centres, silhouettes, best_k,
        components, centre, statement_projection, state,
    )  # fmt: skip


# Who is clustered ------------------------------------------------------------


def _in_conversation(matrix: VoteMatrix, previous: GroupState | None) -> np.ndarray:
    counts = matrix.votes_per_participant()
    threshold = min(MIN_VOTES, matrix.n_statements)
    member = (counts >= threshold) & (counts > 0)
    if previous is not None and previous.in_conversation:
        kept = _ids_like(previous.in_conversation, matrix.participant_ids, "participant")
        member |= np.isin(matrix.participant_ids, kept)
    missing = GREEDY_PARTICIPANTS - int(member.sum())
    if missing > 0:
        # The most active of the others; ties go to the earlier id, so the
        # choice does not depend on input order.
        candidates = np.flatnonzero(~member & (counts > 0))
        order = np.lexsort((candidates, -counts[candidates]))
        member[candidates[order[:missing]]] = True
    return member


# Opinion map -----------------------------------------------------------------


def _centred_votes(
    matrix: VoteMatrix, moderated: np.ndarray
) -> tuple[sparse.csr_array, np.ndarray]:
    """The imputed and centred matrix (zero on unseen cells) and the column means."""
    votes = matrix.votes
    columns = votes.indices
    values = votes.data.astype(float)
    values[moderated[columns]] = 0.0
    seen = np.bincount(columns, minlength=matrix.n_statements)
    total = np.bincount(columns, weights=values, minlength=matrix.n_statements)
    centre = np.divide(total, seen, out=np.zeros(matrix.n_statements), where=seen > 0)
    centred = sparse.csr_array(
        (values - centre[columns], columns, votes.indptr), shape=votes.shape
    )
    return centred, centre


def _previous_components(previous: GroupState | None, matrix: VoteMatrix) -> np.ndarray | None:
    """The last update's components on this update's statements (0 for new ones)."""
    if previous is None or not previous.components or not previous.statement_ids:
        return None
    old_ids = _ids_like(previous.statement_ids, matrix.statement_ids, "statement")
    old = np.asarray(previous.components, dtype=float)
    if old.ndim != 2 or old.shape[1] != len(old_ids):
        raise ValueError("the previous state's components do not match its statement ids")
    order = np.argsort(old_ids, kind="stable")
    position = np.searchsorted(old_ids[order], matrix.statement_ids)
    position = np.minimum(position, len(old_ids) - 1)
    found = old_ids[order][position] == matrix.statement_ids
    start = np.zeros((len(old), matrix.n_statements))
    start[:, found] = old[:, order[position[found]]]
    return start


def _principal_components(
    centred: sparse.csr_array, start: np.ndarray | None, rng: np.random.Generator
) -> np.ndarray:
    """The first two principal components of a centred sparse matrix, (2, columns).

    Block power (subspace) iteration with Rayleigh-Ritz on ``XᵀX``, computed
    as two sparse products per step; starts from ``start`` when given (the
    previous components) completed with random vectors. Components that do
    not exist (fewer than two columns or rows, or no variance) are zero. Signs
    follow ``start`` when given, else the largest loading is made positive.
    """
    n_rows, n_columns = centred.shape
    components = np.zeros((N_COMPONENTS, n_columns))
    block = min(_BLOCK, n_columns, n_rows)
    if block == 0:
        return components
    transposed = centred.T.tocsr()
    basis = rng.standard_normal((n_columns, block))
    if start is not None:
        usable = [row for row in start[:N_COMPONENTS] if np.linalg.norm(row) > 0]
        for i, row in enumerate(usable[:block]):
            basis[:, i] = row
    basis, _ = np.linalg.qr(basis)
    values = np.zeros(block)
    vectors = basis
    for _ in range(_PCA_MAX_ITERATIONS):
        image = centred @ basis
        product = transposed @ image
        gram = image.T @ image
        values, rotation = np.linalg.eigh((gram + gram.T) / 2)
        rotation = rotation[:, ::-1]
        values = values[::-1]
        vectors = basis @ rotation
        wanted = min(N_COMPONENTS, block)
        residual = product @ rotation[:, :wanted] - vectors[:, :wanted] * values[:wanted]
        largest = max(values[0], 0.0)
        if largest == 0.0 or np.linalg.norm(residual, axis=0).max() <= _PCA_TOLERANCE * largest:
            break
        basis, _ = np.linalg.qr(product)
    if values[0] <= 0.0:
        return components
    wanted = min(N_COMPONENTS, block)
    for i in range(wanted):
        if values[i] <= values[0] * 1e-12:
            break
        vector = vectors[:, i]
        if start is not None and i < len(start) and np.dot(vector, start[i]) != 0.0:
            sign = np.sign(np.dot(vector, start[i]))
        else:
            sign = np.sign(vector[np.argmax(np.abs(vector))]) or 1.0
        components[i] = sign * vector
    return components


# Clustering ------------------------------------------------------------------


def _position_order(points: np.ndarray) -> np.ndarray:
    """Points sorted by position (rounded), so k-means never sees input order."""
    rounded = np.round(points, _POSITION_DECIMALS)
    return np.lexsort(rounded.T[::-1])


def _distinct(points: np.ndarray) -> int:
    return len(np.unique(np.round(points, _POSITION_DECIMALS), axis=0))


def _base_clusters(
    points: np.ndarray, previous: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Labels of ``points`` and centres of at most 100 base clusters."""
    k = min(BASE_CLUSTERS, _distinct(points))
    order = _position_order(points)
    ordered = points[order]
    if len(previous) and len(previous) <= k:
        init = _add_distal(ordered, previous, k)
    else:
        init, _ = kmeans_plusplus(ordered, k, random_state=int(rng.integers(2**31)))
    labels, centres = _kmeans(ordered, init)
    result = np.empty_like(labels)
    result[order] = labels
    return result, centres


def _add_distal(points: np.ndarray, centres: np.ndarray, k: int) -> np.ndarray:
    """Complete ``centres`` to ``k`` with the point farthest from any centre, one at a time.

    Pol.is grows a previous clustering the same way when new participants
    arrive: each new centre is the most distal point. The distance to the
    nearest centre is kept as a running minimum, one centre at a time: a
    (points x centres) array would take a hundred times the memory of the
    points, far more than the rest of an update.
    """
    chosen = [np.asarray(centre, dtype=float) for centre in centres]
    nearest = np.full(len(points), np.inf)
    for centre in chosen:
        np.minimum(nearest, np.linalg.norm(points - centre, axis=1), out=nearest)
    while len(chosen) < k:
        far = points[int(np.argmax(nearest))]
        chosen.append(far)
        np.minimum(nearest, np.linalg.norm(points - far, axis=1), out=nearest)
    return np.asarray(chosen).reshape(-1, points.shape[1])


def _kmeans(points: np.ndarray, init: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means from the given centres (the base level: up to 100 centres)."""
    model = KMeans(
        n_clusters=len(init), init=init, n_init=1, max_iter=_KMEANS_MAX_ITERATIONS,
        algorithm="lloyd",
    )  # fmt: skip
    with warnings.catch_warnings():
        # Centres carried over from the last update may coincide once points
        # move; k-means then reports fewer distinct clusters, which is harmless.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(points)
    return model.labels_.astype(np.int64), model.cluster_centers_


def _group_clusterings(
    base_centres: np.ndarray,
    weights: np.ndarray,
    previous: dict[int, list[list[float]]],
    seed: int,
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, float]]:
    """Weighted k-means of the base centres for each candidate k, with silhouettes."""
    n_base = len(base_centres)
    # k-means cannot make more groups than there are distinct centres; with
    # a single position there is a single group.
    max_k = min(MAX_GROUPS, 2 + n_base // 12, _distinct(base_centres))
    if max_k < 2:
        return {1: (np.zeros(n_base, dtype=np.int64), _weighted_mean(base_centres, weights))}, {}
    order = _position_order(base_centres)
    ordered, ordered_weights = base_centres[order], weights[order]
    clusterings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, max_k + 1):
        warm = _points(previous.get(k, []))
        labels, centres = (None, None)
        if len(warm) == k:
            labels, centres = _weighted_kmeans(ordered, ordered_weights, warm[None])
        if labels is None or len(np.unique(labels)) < k:
            # No previous clustering for this k, or it no longer fits (a group
            # emptied): start afresh, with group ids in a canonical order.
            rng = np.random.default_rng([seed, k])
            starts = _kmeans_plusplus(ordered, ordered_weights, k, _GROUP_RESTARTS, rng)
            labels, centres = _weighted_kmeans(ordered, ordered_weights, starts)
            labels, centres = _canonical_groups(labels, centres, ordered_weights)
        base_groups = np.empty_like(labels)
        base_groups[order] = labels
        clusterings[k] = (base_groups, centres)
        # Pol.is scores every base centre alike (unweighted); a clustering of
        # singletons, or one that collapsed to one group, scores 0.
        distinct = len(np.unique(labels))
        silhouettes[k] = (
            float(silhouette_score(base_centres, base_groups)) if 2 <= distinct < n_base else 0.0
        )
    return clusterings, silhouettes


def _kmeans_plusplus(
    points: np.ndarray, weights: np.ndarray, k: int, restarts: int, rng: np.random.Generator
) -> np.ndarray:
    """``restarts`` independent weighted k-means++ seedings, shape (restarts, k, 2).

    Each next centre is drawn with probability proportional to weight times
    squared distance to the nearest centre so far. Needs k distinct points.
    """
    n = len(points)
    starts = np.empty((restarts, k, points.shape[1]))
    chosen = rng.choice(n, size=restarts, p=weights / weights.sum())
    starts[:, 0] = points[chosen]
    nearest = ((points[None, :, :] - starts[:, 0:1, :]) ** 2).sum(axis=2)
    for j in range(1, k):
        mass = nearest * weights[None, :]
        cumulative = np.cumsum(mass, axis=1)
        draw = rng.random(restarts) * cumulative[:, -1]
        chosen = np.minimum((cumulative < draw[:, None]).sum(axis=1), n - 1)
        starts[:, j] = points[chosen]
        distance = ((points[None, :, :] - starts[:, j : j + 1, :]) ** 2).sum(axis=2)
        nearest = np.minimum(nearest, distance)
    return starts


def _weighted_kmeans(
    points: np.ndarray, weights: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd iterations from each start in ``starts`` (restarts, k, 2), all at once.

    Returns the labels and centres of the run with the lowest weighted
    inertia (the earliest such run on ties). A centre left without points
    stays where it was. The group level has at most 100 points and 5 groups,
    so running every restart together in numpy is far cheaper than one
    library call per restart.
    """
    centres = starts.astype(float).copy()
    k = centres.shape[1]
    for _ in range(_KMEANS_MAX_ITERATIONS):
        distances = ((points[None, :, None, :] - centres[:, None, :, :]) ** 2).sum(axis=3)
        labels = distances.argmin(axis=2)
        membership = (labels[:, :, None] == np.arange(k)) * weights[None, :, None]
        mass = membership.sum(axis=1)
        sums = np.einsum("rnk,nd->rkd", membership, points)
        moved = np.where(
            mass[:, :, None] > 0, sums / np.maximum(mass, 1e-300)[:, :, None], centres
        )
        converged = np.array_equal(moved, centres)
        centres = moved
        if converged:
            break
    distances = ((points[None, :, None, :] - centres[:, None, :, :]) ** 2).sum(axis=3)
    labels = distances.argmin(axis=2)
    inertia = (distances.min(axis=2) * weights[None, :]).sum(axis=1)
    best = int(np.argmin(inertia))
    return labels[best].astype(np.int64), centres[best]


def _canonical_groups(
    labels: np.ndarray, centres: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Number new groups by size (largest first), then position, for stable ids."""
    sizes = np.bincount(labels, weights=weights, minlength=len(centres))
    rounded = np.round(centres, _POSITION_DECIMALS)
    order = np.lexsort((rounded[:, 1], rounded[:, 0], -sizes))
    relabel = np.empty(len(centres), dtype=np.int64)
    relabel[order] = np.arange(len(centres))
    return relabel[labels], centres[order]


def _weighted_mean(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    if len(points) == 0:
        return np.zeros((0, N_COMPONENTS))
    return (np.average(points, axis=0, weights=weights))[None, :]


def _smoothed_k(
    state: GroupState, best_k: int, clusterings: dict[int, tuple[np.ndarray, np.ndarray]]
) -> int:
    """Pol.is's group-k smoother: switch only after K_BUFFER wins in a row."""
    count = state.last_k_count + 1 if state.last_k == best_k else 1
    smoothed = state.smoothed_k
    if count >= K_BUFFER or smoothed is None or smoothed not in clusterings:
        smoothed = best_k
    state.last_k, state.last_k_count, state.smoothed_k = best_k, count, smoothed
    return smoothed


def _ids_like(values: list[Any], ids: np.ndarray, kind: str) -> np.ndarray:
    """Ids from a saved state, as an array comparable with this matrix's ids."""
    try:
        return np.asarray(values, dtype=ids.dtype)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            f"the previous state's {kind} ids are not of the same kind as this conversation's"
        ) from None


def _point(row: Any) -> list[float]:
    point = [float(x) for x in row]
    if len(point) != N_COMPONENTS:
        raise ValueError(f"a centre has {len(point)} coordinates, not {N_COMPONENTS}")
    return point


def _points(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=float).reshape(-1, N_COMPONENTS)

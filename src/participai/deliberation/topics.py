"""Topics and near-duplicates among free-text contributions.

Input: the texts (comments, ideas, survey answers) and their sentence
embeddings, one row per text (for instance from
:func:`participai.deliberation.encoder.default_encoder`).

Method for topics, and why: average-linkage agglomerative clustering on
cosine similarity, over leaves. Rows are scaled to unit length, so the mean
cosine similarity between two groups of texts is the dot product of their
vector sums divided by both sizes: merging needs each group's sum and size,
never the n-by-n distance matrix (800 MB at n = 10,000). Up to
``MAX_LEAVES`` texts, every text is a leaf and the clustering is exact; above,
k-means first groups the texts into ``MAX_LEAVES`` small, tight leaves
(O(n·leaves·d) per iteration), which average linkage then merges. Groups merge
while their texts are on average at least ``min_similarity`` alike, a
threshold that reads the same whatever the number of comments; k-means alone
would need k chosen in advance, and the silhouette, tried for that, preferred
two topics over three on hand-made sets with three clear themes. Texts unlike
any other stay in groups too small to be topics and are pooled into "Other",
instead of being forced into the nearest topic. Everything is seeded: the same
input and seed give the same topics.

Each topic is labelled with the words most distinctive of it (class-based
TF-IDF: a word's share of the topic's texts, weighted down when it is common
across all topics), after removing a short English, Spanish and Catalan
stop-word list. Its quotes are the members closest to the topic's centroid.
Clusters smaller than ``min_topic_size`` are pooled into one "Other" topic, so
every text belongs to exactly one topic.

Pure computation: imports no Django.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

OTHER_LABEL = "Other"

# Above this many texts, k-means makes this many leaves for the linkage; the
# linkage itself then costs O(MAX_LEAVES²) per merge whatever n.
MAX_LEAVES = 200

# Mean cosine similarity (all-MiniLM-L6-v2) at which two groups stop merging.
# On hand-made sets, texts on one theme average 0.4 to 0.45 and different
# themes of one consultation 0.1 to 0.22; calibrated between the two.
DEFAULT_MIN_SIMILARITY = 0.25

# Kept short on purpose: the TF-IDF weighting already pushes down words that
# are common everywhere; this list only removes function words that would
# otherwise fill the labels of small topics. Words under three letters are
# dropped by the tokeniser and need no entry.
_ENGLISH_STOP_WORDS = """
    able about above after again against all also and any are aren because been before being
    below between both but can cannot could did didn does doesn doing don down during
    each even ever every few for from further get gets got had has have having her here
    hers herself him himself his how however into isn its itself just let like made make
    many may more most much must myself need needs nor not now off once one only other
    our ours ourselves out over own per really same she should shouldn since some still
    such than that the their theirs them themselves then there these they this those
    though through too under until upon very was wasn way well were weren what when
    where whether which while who whom whose why will with within without won would
    wouldn yet you your yours yourself yourselves
"""

_SPANISH_STOP_WORDS = """
    algo algunas algunos ante antes aquel aquella aquellas aquellos aqui aquí así aun
    aún cada como cómo con contra cual cuál cuando cuándo del desde donde dónde durante
    ella ellas ello ellos entre era eran eres esa esas ese eso esos esta está estaba
    estado están estar este esto estos fue fueron hace hacen hacer hasta hay las les los
    mas más mis mucho muchos muy nada nos nosotras nosotros nuestra nuestras nuestro
    nuestros otra otras otro otros para pero poco por porque pueda puede pueden que qué
    quien quién quienes sea sean ser será sido sin sobre son soy sus también tan tanto
    tener tengo tiene tienen todas todo todos una unas uno unos usted ustedes vosotros
"""

_CATALAN_STOP_WORDS = """
    això aquell aquella aquelles aquells aquest aquesta aquestes aquests així als amb
    cada com contra dels des després doncs durant ell ella elles ells els entre era eren
    estan estar està fer fins han hem heu les mes més molt molts nosaltres per
    perquè però poc potser quan que què qui quin quina quines quins sense ser seu seus
    seva seves sobre som són també tant tenen tenir tinc totes tots una unes uns
    vosaltres
"""

STOP_WORDS = frozenset((_ENGLISH_STOP_WORDS + _SPANISH_STOP_WORDS + _CATALAN_STOP_WORDS).split())

# Letters, with Catalan's middle dot kept inside words (col·lectiu); digits,
# apostrophes and hyphens split words, so "l'atenció" gives "atenció".
_WORD = re.compile(r"[^\W\d_]+(?:·[^\W\d_]+)*")
_MIN_WORD_LENGTH = 3
# Longer "words" are pasted codes or keyboard mashing, not labels.
_MAX_WORD_LENGTH = 30
# Slack for float32 rounding when picking candidate near-duplicate pairs.
_ROUNDING_MARGIN = 1e-5

# A label made from a quote (when a topic has no keywords) is cut to this.
_LABEL_WIDTH = 60


@dataclass(frozen=True)
class Topic:
    """A group of texts about the same thing.

    ``members`` are indices into the input texts, ascending; ``count`` is
    their number. ``quote_indices`` are the members closest to the topic's
    centroid, most central first, and ``quotes`` their texts. ``is_other``
    marks the pool of texts whose clusters were too small to be topics; its
    ``label`` is :data:`OTHER_LABEL` (translate it by ``is_other``).
    """

    label: str
    keywords: tuple[str, ...]
    count: int
    members: tuple[int, ...]
    quotes: tuple[str, ...]
    quote_indices: tuple[int, ...]
    is_other: bool = False


def _unit_rows(embeddings: object, *, rows: int | None = None) -> np.ndarray:
    """Validate an embeddings matrix and return it as float32 unit rows."""
    if not isinstance(embeddings, np.ndarray) or embeddings.ndim != 2:
        raise ValueError("embeddings must be a 2-D numpy array (one row per text).")
    if rows is not None and embeddings.shape[0] != rows:
        raise ValueError(
            f"embeddings has {embeddings.shape[0]} rows but there are {rows} texts; "
            "they must match one to one."
        )
    if embeddings.shape[0] and embeddings.shape[1] == 0:
        raise ValueError("embeddings has no columns.")
    real = np.issubdtype(embeddings.dtype, np.floating) or np.issubdtype(
        embeddings.dtype, np.integer
    )
    if not real or not np.all(np.isfinite(embeddings)):
        raise ValueError("embeddings must be finite real numbers.")
    matrix = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A zero row (no content) stays zero rather than dividing by zero.
    return matrix / np.where(norms > 0, norms, 1.0)


def _words(text: str) -> set[str]:
    return {
        word
        for word in _WORD.findall(text.lower())
        if _MIN_WORD_LENGTH <= len(word) <= _MAX_WORD_LENGTH and word not in STOP_WORDS
    }


def _keywords(texts: Sequence[str], groups: list[np.ndarray], limit: int) -> list[list[str]]:
    """Rank each group's words by class-based TF-IDF.

    A word counts once per text (document frequency), so one long comment
    repeating a word does not name the topic. Score of word w in group g:
    ``(texts of g containing w / words in g) · log(1 + mean words per group /
    texts of all groups containing w)``. Ties break alphabetically.
    """
    per_group = []
    for members in groups:
        counts: Counter[str] = Counter()
        for index in members:
            counts.update(_words(texts[index]))
        per_group.append(counts)
    overall: Counter[str] = Counter()
    for counts in per_group:
        overall.update(counts)
    mean_words = sum(overall.values()) / max(len(per_group), 1)
    ranked = []
    for counts in per_group:
        total = sum(counts.values())
        scores = {
            word: (count / total) * math.log(1.0 + mean_words / overall[word])
            for word, count in counts.items()
        }
        ranked.append(sorted(scores, key=lambda word: (-scores[word], word))[:limit])
    return ranked


def _shorten(text: str, width: int = _LABEL_WIDTH) -> str:
    """Collapse whitespace and cut ``text`` at a word boundary within ``width``."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] or text[: width - 1]
    return cut + "…"


def _quotes(texts: Sequence[str], unit: np.ndarray, members: np.ndarray, limit: int) -> list[int]:
    """Members nearest the group's mean direction, skipping repeated texts."""
    centroid = unit[members].mean(axis=0)
    similarity = unit[members] @ centroid
    # Most similar first; equal similarities in index order.
    order = members[np.lexsort((members, -similarity))]
    chosen: list[int] = []
    seen: set[str] = set()
    for index in order:
        key = " ".join(texts[index].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(index))
        if len(chosen) == limit:
            break
    return chosen


def _leaves(unit: np.ndarray, seed: int) -> np.ndarray:
    """Number each row's leaf: itself when few, else its k-means micro-cluster."""
    n = unit.shape[0]
    if n <= MAX_LEAVES:
        return np.arange(n)
    # k-means cannot make more clusters than there are distinct rows.
    leaves = min(MAX_LEAVES, len(np.unique(unit, axis=0)))
    # Random initial centres: k-means++ seeding costs more here than all the
    # iterations, and leaves only need to be small and tight, not optimal.
    model = KMeans(n_clusters=leaves, init="random", n_init=1, random_state=seed)
    labels = model.fit_predict(unit)
    # Renumber 0..count-1 so that every leaf number is used.
    return np.unique(labels, return_inverse=True)[1]


def _cluster(
    unit: np.ndarray,
    *,
    n_topics: int | None,
    max_topics: int,
    min_similarity: float,
    min_topic_size: int,
    seed: int,
) -> np.ndarray:
    """Return a cluster number for each row: average linkage over leaves.

    The mean cosine similarity between the texts of groups g and h equals
    ``sum_g · sum_h / (n_g · n_h)`` for unit rows, so average linkage needs
    only each group's vector sum and size, and merging two groups updates one
    row of the similarity matrix. The loop merges the most similar pair until
    ``n_topics`` groups remain, or, by default, until no pair reaches
    ``min_similarity`` and at most ``max_topics`` groups are topic-sized.
    """
    leaf_of = _leaves(unit, seed)
    count = int(leaf_of.max()) + 1
    # Per-leaf vector sums: rows sorted by leaf, then summed run by run.
    order = np.argsort(leaf_of, kind="stable")
    sizes = np.bincount(leaf_of, minlength=count).astype(np.float64)
    starts = np.concatenate(([0], np.cumsum(sizes[:-1], dtype=np.int64)))
    sums = np.add.reduceat(unit[order].astype(np.float64), starts, axis=0)
    similarity = (sums @ sums.T) / np.outer(sizes, sizes)
    np.fill_diagonal(similarity, -np.inf)
    parent = np.arange(count)
    groups = count
    while groups > 1:
        flat = int(np.argmax(similarity))
        keep, gone = sorted(divmod(flat, count))
        if n_topics is not None:
            if groups <= n_topics:
                break
        elif (
            similarity[keep, gone] < min_similarity
            and np.count_nonzero(sizes >= min_topic_size) <= max_topics
        ):
            break
        sums[keep] += sums[gone]
        sizes[keep] += sizes[gone]
        sizes[gone] = 0.0
        parent[parent == gone] = keep
        similarity[gone, :] = -np.inf
        similarity[:, gone] = -np.inf
        alive = sizes > 0
        row = np.full(count, -np.inf)
        row[alive] = (sums[alive] @ sums[keep]) / (sizes[alive] * sizes[keep])
        row[keep] = -np.inf
        similarity[keep, :] = row
        similarity[:, keep] = row
        groups -= 1
    return parent[leaf_of]


def find_topics(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    n_topics: int | None = None,
    max_topics: int = 20,
    min_topic_size: int = 3,
    n_quotes: int = 3,
    n_keywords: int = 5,
    label_words: int = 3,
    seed: int = 0,
) -> list[Topic]:
    """Group ``texts`` into topics by their ``embeddings``.

    ``embeddings`` has one row per text (any length; rows are normalised
    here). Groups of texts merge while the mean cosine similarity between
    their texts is at least ``min_similarity``, and beyond it until at most
    ``max_topics`` groups have ``min_topic_size`` members (see the module
    docstring). ``n_topics``, if given, instead merges until exactly that
    many clusters remain (fewer if there are fewer texts), before the small
    ones are pooled. Clusters with fewer than ``min_topic_size`` members are
    pooled into one topic with ``is_other=True``. Each topic gets up to
    ``n_keywords`` keywords, a label joining the first ``label_words`` of them
    (or, if its texts have no words beyond stop words, the start of its first
    quote), and up to ``n_quotes`` quotes (distinct texts closest to the
    centroid).

    Returns topics largest first (ties: the one whose first member comes
    first), with the "Other" pool last; every text is a member of exactly one
    topic. No texts give an empty list. Deterministic for a given ``seed``.

    Raises ``ValueError`` if ``texts`` is a single string or holds a
    non-string, if ``embeddings`` is not a finite 2-D array with one row per
    text, if ``min_similarity`` is not in [-1, 1], or if a count parameter
    is out of range.
    """
    if isinstance(texts, str | bytes):
        raise ValueError("texts must be a sequence of texts, not a single string.")
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"texts[{position}] is {type(text).__name__}, expected str.")
    unit = _unit_rows(embeddings, rows=len(texts))
    if not -1 <= min_similarity <= 1:
        raise ValueError(f"min_similarity must be in [-1, 1], got {min_similarity}.")
    if n_topics is not None and n_topics < 1:
        raise ValueError(f"n_topics must be at least 1, got {n_topics}.")
    for name, value in (
        ("max_topics", max_topics),
        ("min_topic_size", min_topic_size),
        ("n_quotes", n_quotes),
        ("n_keywords", n_keywords),
        ("label_words", label_words),
    ):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    if not texts:
        return []

    labels = _cluster(
        unit,
        n_topics=n_topics,
        max_topics=max_topics,
        min_similarity=min_similarity,
        min_topic_size=min_topic_size,
        seed=seed,
    )
    groups: list[np.ndarray] = []
    small: list[np.ndarray] = []
    for cluster in np.unique(labels):
        members = np.flatnonzero(labels == cluster)
        (groups if len(members) >= min_topic_size else small).append(members)
    groups.sort(key=lambda members: (-len(members), members[0]))
    other = np.sort(np.concatenate(small)) if small else None

    all_groups = groups + ([other] if other is not None else [])
    keywords = _keywords(texts, all_groups, n_keywords)
    topics = []
    for position, members in enumerate(all_groups):
        is_other = members is other
        quote_indices = _quotes(texts, unit, members, n_quotes)
        if is_other:
            label = OTHER_LABEL
        elif keywords[position]:
            label = ", ".join(keywords[position][:label_words])
        else:
            label = _shorten(texts[quote_indices[0]])
        topics.append(
            Topic(
                label=label,
                keywords=tuple(keywords[position]),
                count=len(members),
                members=tuple(int(index) for index in members),
                quotes=tuple(texts[index] for index in quote_indices),
                quote_indices=tuple(quote_indices),
                is_other=is_other,
            )
        )
    return topics


def near_duplicates(
    embeddings: np.ndarray, *, threshold: float = 0.9, block_size: int = 1024
) -> list[tuple[int, int, float]]:
    """Find pairs of rows whose cosine similarity is at least ``threshold``.

    Returns ``(i, j, similarity)`` with ``i < j``, most similar first (ties in
    ``(i, j)`` order). Similarities are computed ``block_size`` rows at a time
    against the rows after them, so memory stays at ``block_size * n`` floats
    whatever n; each pair found is then scored again on its own, so the
    answer does not depend on ``block_size``. Note that the list itself grows
    with the number of pairs found.

    Raises ``ValueError`` unless ``embeddings`` is a finite 2-D array,
    ``0 < threshold <= 1`` and ``block_size >= 1``.
    """
    unit = _unit_rows(embeddings)
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}.")
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}.")
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    n = unit.shape[0]
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        # Columns begin at `start`, so column c is row start + c; keeping
        # c > r leaves exactly the pairs i < j. The margin lets through pairs
        # that float32 rounding in this block's product puts just under the
        # threshold; the exact test follows.
        similarity = unit[start:stop] @ unit[start:].T
        rows, cols = np.nonzero(similarity >= threshold - _ROUNDING_MARGIN)
        keep = cols > rows
        first.append(start + rows[keep])
        second.append(start + cols[keep])
    if not first:
        return []
    i = np.concatenate(first)
    j = np.concatenate(second)
    # Each pair's similarity again, row by row in float64: the same value
    # whatever the block size or BLAS blocking.
    exact = np.einsum("kd,kd->k", unit[i].astype(np.float64), unit[j].astype(np.float64))
    found = exact >= threshold
    pairs = [
        (int(a), int(b), min(1.0, float(value)))
        for a, b, value in zip(i[found], j[found], exact[found], strict=True)
    ]
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs

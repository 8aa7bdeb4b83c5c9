"""What the pages and the report read of a module's topics, as plain JSON
(pure: no Django import).

Texts are embedded on this machine (``deliberation.encoder``), grouped into
topics (``deliberation.topics``) and checked for near-duplicates. Quotes and
duplicates are stored as references to the rows (``"c<id>"``, ``"a<id>"``),
never as copies of the text, so that a text hidden or deleted afterwards is
not quoted from the summary.

Format (version 1)::

    {"version": 1, "texts": int,
     "topics": [{"label", "keywords", "count", "quotes": [ref, ...], "other": bool}],
     "duplicates": [[ref, ref, similarity], ...],    # the most similar, at most 50
     "duplicate_pairs": int}                          # how many pairs in all
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from participai.deliberation.topics import find_topics, near_duplicates

VERSION = 1
DUPLICATE_SIMILARITY = 0.9
DUPLICATES_MAX = 50


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def summarise(
    refs: Sequence[str], texts: Sequence[str], *, encoder: Encoder | None = None
) -> dict[str, Any]:
    """Topics and near-duplicates of ``texts`` (one reference each in
    ``refs``). ``encoder`` defaults to the local all-MiniLM-L6-v2 model."""
    if len(refs) != len(texts):
        raise ValueError("one reference per text")
    summary: dict[str, Any] = {
        "version": VERSION,
        "texts": len(texts),
        "topics": [],
        "duplicates": [],
        "duplicate_pairs": 0,
    }
    if not texts:
        return summary
    if encoder is None:
        from participai.deliberation.encoder import default_encoder

        encoder = default_encoder()
    embeddings = encoder.encode(list(texts))
    summary["topics"] = [
        {
            "label": topic.label,
            "keywords": list(topic.keywords),
            "count": topic.count,
            "quotes": [refs[i] for i in topic.quote_indices],
            "other": topic.is_other,
        }
        for topic in find_topics(list(texts), embeddings)
    ]
    pairs = near_duplicates(embeddings, threshold=DUPLICATE_SIMILARITY)
    summary["duplicate_pairs"] = len(pairs)
    summary["duplicates"] = [
        [refs[i], refs[j], round(float(similarity), 4)]
        for i, j, similarity in pairs[:DUPLICATES_MAX]
    ]
    return summary

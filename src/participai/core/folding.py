"""Text folding for search. Pure: no Django, no third-party imports, so pure
modules (the toolbox, the scanner) can share it."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-folded text: 'Ávila', 'AVILA' and 'avila' all become
    'avila', so search behaves the same on SQLite and PostgreSQL and in every
    language."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()

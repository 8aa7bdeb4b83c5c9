"""Characters no stored text can hold, wherever user input arrives as data.

JSON may escape a null character (``\\u0000``) or half a surrogate pair, but
PostgreSQL refuses both in text and jsonb columns, and neither encodes as
UTF-8: such input must be refused with a reason before it reaches the
database (HTML forms already refuse null characters). Pure: no Django import.
"""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def holds_unstorable(data: Any) -> bool:
    """Whether a string anywhere in ``data`` (dict keys included) holds an
    :data:`UNSTORABLE` character. Walked with a stack, not recursion: parsed
    JSON may nest close to the recursion limit."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False

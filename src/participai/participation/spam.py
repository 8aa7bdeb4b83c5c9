"""A simple spam check for guest contributions. Pure: no Django import.

Not a classifier: a few signs that a text is advertising or noise rather
than someone's view, each with the reason shown to the author, so a real
person can rephrase. Account holders and assisted entries are not checked.
"""

from __future__ import annotations

import re

from participai.core.marks import gettext_noop

MAX_LINKS = 2
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)
_REPEAT = re.compile(r"(.)\1{14,}", re.DOTALL)
_SHOUT_MIN_LETTERS = 40


def spam_reasons(text: str) -> list[str]:
    """The reasons ``text`` looks like spam; empty when it does not.

    Reasons are English sentences marked for translation by the caller.
    """
    reasons: list[str] = []
    if len(_LINK.findall(text)) > MAX_LINKS:
        reasons.append(gettext_noop("Guest contributions may hold at most two links."))
    if _REPEAT.search(text):
        reasons.append(gettext_noop("The text repeats one character many times."))
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= _SHOUT_MIN_LETTERS and all(ch.isupper() for ch in letters):
        reasons.append(gettext_noop("Please do not write in capitals only."))
    return reasons

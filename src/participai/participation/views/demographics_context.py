"""What the pages that show demographics need in their context: whether a
process asks about who takes part, and the representativeness panel
(aggregates only, in groups of at least five). Shared by the public process
page, the pages with the "you take part as…" line, and the staff page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Process
from ..representativeness import MIN_ANSWERS_TO_JUDGE, MIN_GROUP
from ..selectors import demographics as selectors


def panel_context(panel: selectors.Representativeness, *, staff: bool) -> dict[str, Any]:
    """What ``_representativeness.html`` needs: shown to the public while the
    process is open, to staff always."""
    return {
        "panel": panel,
        "show": bool(panel.panels) and (staff or panel.is_open),
        "staff": staff,
        "min_group": MIN_GROUP,
        "min_answers": MIN_ANSWERS_TO_JUDGE,
    }


def public_demographics(process: Process) -> dict[str, Any]:
    """The process page's panel and, while it is read anyway, whether the
    process asks about you.

    While the process is open the panel is read (two queries) and tells
    whether there are questions. Once closed the public sees no panel, and
    nothing is read here (``you_links`` reads whether there are questions
    only for someone taking part)."""
    if not selectors.is_open(process):
        return {"show": False}
    panel = selectors.representativeness(process)
    return {**panel_context(panel, staff=False), "asks_about_you": bool(panel.panels)}


def asks_about_you_later(process: Process) -> Callable[[], bool]:
    """Whether ``process`` asks about who takes part, read only if the page
    asks (the template calls it, and only for someone taking part)."""
    return lambda: selectors.asks_about_you(process)

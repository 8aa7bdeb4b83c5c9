"""Template tags of demographics, for pages whose views do not know them:
whether a process asks about who takes part, and the representativeness
panel (aggregates only, groups of at least five)."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Process
from ..representativeness import MIN_ANSWERS_TO_JUDGE, MIN_GROUP
from ..selectors import demographics as selectors

register = template.Library()


@register.simple_tag
def asks_about_you(process: Process) -> bool:
    """Does ``process`` ask optional questions about who takes part? (one query)"""
    return selectors.asks_about_you(process)


@register.inclusion_tag("participation/public/_representativeness.html")
def representativeness_panel(process: Process, *, staff: bool = False) -> dict[str, Any]:
    """Who answered ``process``'s questions against the population: shown to
    the public while the process is open, to staff always (two queries)."""
    panel = selectors.representativeness(process)
    return {
        "panel": panel,
        "show": bool(panel.panels) and (staff or panel.is_open),
        "staff": staff,
        "min_group": MIN_GROUP,
        "min_answers": MIN_ANSWERS_TO_JUDGE,
    }

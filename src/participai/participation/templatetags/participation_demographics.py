"""Template tags of demographics, for public pages whose views belong to
other instruments: whether a process asks about who takes part, and the
representativeness panel (aggregates only, groups of at least five)."""

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


@register.inclusion_tag("participation/public/_representativeness.html")
def representativeness_panel(process: Process) -> dict[str, Any]:
    """Who answered ``process``'s questions against the population, for the
    public page: two queries while the process is open, none otherwise (the
    public sees the panel only then). Staff pages pass :func:`panel_context`
    from their view."""
    if not selectors.is_open(process):
        return {"show": False}
    return panel_context(selectors.representativeness(process), staff=False)

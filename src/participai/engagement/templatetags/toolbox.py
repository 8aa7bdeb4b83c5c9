"""Template helpers for the toolbox: a mechanism's text in the page's language,
and the label of a scale value."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(mechanism, field: str) -> str:
    """``{{ mechanism|localized:"summary" }}``: the text in the current language."""
    return mechanism.text(field, get_language())


@register.filter
def label(mapping, key: str) -> str:
    """``{{ labels.DEPTH_LABELS|label:mechanism.depth }}``."""
    return mapping.get(key, key)

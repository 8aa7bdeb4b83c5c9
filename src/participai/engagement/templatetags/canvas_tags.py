"""Template helpers for the governance canvas."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from participai.core.text import render_markdown

register = template.Library()


@register.filter
def user_markdown(text: str) -> SafeString:
    """``{{ fact.value|user_markdown }}``: the author's Markdown as sanitised HTML."""
    # nh3 has cleaned the HTML against an allow-list: it carries no script.
    return mark_safe(render_markdown(text))

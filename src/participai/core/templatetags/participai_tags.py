"""Template filters available on every page (registered as builtins)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import template

from participai.core import languages

register = template.Library()


@register.filter
def call(value: Callable[[str], str] | None, argument: str) -> str:
    """``{{ question.text|call:lang }}``: call a one-argument callable, such as
    a localised text, which templates cannot call with an argument."""
    return "" if value is None else value(argument)


@register.filter
def in_language(texts: Mapping[str, str] | None, lang: str | None = None) -> str:
    """Pick the active language's text from a ``{"en": …, "es": …}`` mapping
    (data files and stored results keep texts that way), falling back to English."""
    return languages.in_language(texts, lang)

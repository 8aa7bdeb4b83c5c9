"""Template filters available on every page (registered as builtins)."""

from __future__ import annotations

from collections.abc import Callable

from django import template

register = template.Library()


@register.filter
def call(value: Callable[[str], str] | None, argument: str) -> str:
    """``{{ question.text|call:lang }}``: call a one-argument callable, such as
    a localised text, which templates cannot call with an argument."""
    return "" if value is None else value(argument)

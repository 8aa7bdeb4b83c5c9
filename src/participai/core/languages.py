"""The active language as one of the shipped ones, for data kept as
``{"en": …, "es": …, "ca": …}`` (questionnaires, obligations, screening)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language

from .vocabulary import LANGUAGES


def active_language() -> str:
    """The active language's code if it is shipped (``es-ES`` counts as ``es``), else English."""
    code = (get_language() or "en")[:2]
    return code if code in LANGUAGES else "en"


def in_language(texts: Mapping[str, str] | None, lang: str | None = None) -> str:
    """``texts`` in ``lang`` (default: the active language), falling back to English."""
    if not texts:
        return ""
    return texts.get((lang or active_language())[:2]) or texts.get("en", "")

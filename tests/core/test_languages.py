"""The active language as one of the shipped ones (``core.languages``)."""

from __future__ import annotations

from django.utils import translation

from participai.core.languages import active_language, in_language

TEXTS = {"en": "Impact", "es": "Impacto", "ca": ""}


def test_the_active_language_is_a_shipped_one_or_english():
    with translation.override("es-es"):
        assert active_language() == "es"
    with translation.override("ca"):
        assert active_language() == "ca"
    with translation.override("fr"):
        assert active_language() == "en"
    with translation.override(None):  # no language active at all
        assert active_language() == "en"


def test_a_text_falls_back_to_english_when_missing_or_empty():
    assert in_language(TEXTS, "es") == "Impacto"
    assert in_language(TEXTS, "es-ES") == "Impacto"
    assert in_language(TEXTS, "ca") == "Impact"  # empty counts as missing
    assert in_language(TEXTS, "fr") == "Impact"
    assert in_language(None) == in_language({}) == ""
    with translation.override("es"):
        assert in_language(TEXTS) == "Impacto"

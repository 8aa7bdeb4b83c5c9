"""The shipped catalogues: complete, and faithful to their placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

import participai

LOCALE = Path(participai.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["es", "ca"])
def test_every_message_is_translated_and_keeps_its_placeholders(language):
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(string))) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Definición del problema"), ("ca", "Definició del problema")],
)
def test_stage_names_are_translated(language, expected):
    from participai.procurements import lifecycle

    with translation.override(language):
        assert str(lifecycle.stage("problem_definition").name) == expected

"""The spam check for guest contributions: each sign has its reason, and
ordinary texts in any language pass."""

from __future__ import annotations

import pytest

from participai.participation.spam import MAX_LINKS, spam_reasons

LINKS = "Guest contributions may hold at most two links."
REPEATS = "The text repeats one character many times."
CAPITALS = "Please do not write in capitals only."


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Keep a social worker on every urgent referral.",
        "La decisió final ha de ser d'una persona, no d'un algoritme.",
        "¿Quién revisa los casos que el sistema marca como no urgentes?",
        "See https://example.org/report and www.example.org/annex for the figures.",
        "NHS and GDPR matter here, as does the DPIA.",
        "Waiting times went from 19 to 7 days!!!!!!!!!!!!!!",  # 14 marks: still fine
        "A" * 14,
        "SHORT SHOUT IS FINE",
    ],
)
def test_fine_texts_pass(text):
    assert spam_reasons(text) == []


def test_links_at_most_two():
    assert MAX_LINKS == 2
    two = "http://a.example and https://b.example"
    assert spam_reasons(two) == []
    assert spam_reasons(two + " and www.c.example") == [LINKS]
    assert spam_reasons("HTTPS://A.EXAMPLE hTTp://b.example WWW.c.example x") == [LINKS]


def test_repeats():
    assert spam_reasons("Buy now" + "!" * 15) == [REPEATS]
    assert spam_reasons("a" * 14 + "b" * 14) == []
    assert spam_reasons("line\n" + "\n" * 15 + "end") == [REPEATS]


def test_capitals_need_forty_letters_all_upper():
    shout = "THIS PROCUREMENT IS A WASTE OF PUBLIC MONEY, STOP"  # 40 letters
    assert sum(ch.isalpha() for ch in shout) == 40
    assert spam_reasons(shout) == [CAPITALS]
    assert spam_reasons(shout[:-1]) == []  # 39 letters
    assert spam_reasons(shout + " 123 !?") == [CAPITALS]  # digits and marks are not letters
    assert spam_reasons(shout[:-1] + "p") == []  # one lower-case letter
    assert spam_reasons("ÀÉÍÒÚ ÇÑ " * 6) == [CAPITALS]


def test_several_reasons_at_once_in_a_fixed_order():
    text = "VISIT HTTP://A.EXAMPLE HTTP://B.EXAMPLE WWW.C.EXAMPLE NOWWWWWWWWWWWWWWWWWW"
    assert spam_reasons(text) == [LINKS, REPEATS, CAPITALS]

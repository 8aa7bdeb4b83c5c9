"""The pure text of a draft under review: splitting Markdown into
paragraphs, carrying keys from version to version, and the diff between
two versions (paragraph statuses and the word-level inline diff)."""

from __future__ import annotations

import ast
import inspect
from itertools import count, pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.participation import drafts
from participai.participation.drafts import (
    KEEP_KEY_RATIO,
    Paragraph,
    Segment,
    carry_keys,
    diff_summary,
    diff_versions,
    inline_diff,
    split_paragraphs,
)


def keys(prefix: str = "k"):
    numbers = count(1)
    return lambda: f"{prefix}{next(numbers)}"


def version(*texts: str, prefix: str = "o") -> list[Paragraph]:
    return [Paragraph(key=f"{prefix}{n}", text=t) for n, t in enumerate(texts, start=1)]


def test_the_module_imports_no_django():
    tree = ast.parse(inspect.getsource(drafts))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(name and name.startswith("django") for name in imported)


# --- splitting -----------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_lines_stay_together():
    text = "# Title\n\nFirst line\nsecond line.\n\n\n\nAnother.\n"
    assert split_paragraphs(text) == ["# Title", "First line\nsecond line.", "Another."]


def test_windows_and_old_mac_line_ends():
    assert split_paragraphs("One.\r\n\r\nTwo.\rstill two.") == ["One.", "Two.\nstill two."]


def test_a_list_is_one_paragraph_even_with_blank_lines_between_items():
    text = "Intro.\n\n- one\n\n- two\n  continued\n\n  more of two\n\n1. a\n2. b\n\nAfter."
    assert split_paragraphs(text) == [
        "Intro.",
        "- one\n\n- two\n  continued\n\n  more of two\n\n1. a\n2. b",
        "After.",
    ]


def test_a_list_ends_at_a_paragraph_that_is_not_part_of_it():
    assert split_paragraphs("* a\n* b\n\nNot a list.") == ["* a\n* b", "Not a list."]


def test_a_fenced_block_is_one_paragraph_with_its_blank_lines():
    text = (
        "Before.\n\n```python\nx = 1\n\n\ny = 2\n```\n\n"
        "~~~~\nkept\n\n~~~\nstill inside\n~~~~\n\nAfter."
    )
    assert split_paragraphs(text) == [
        "Before.",
        "```python\nx = 1\n\n\ny = 2\n```",
        "~~~~\nkept\n\n~~~\nstill inside\n~~~~",
        "After.",
    ]


def test_an_unclosed_fence_runs_to_the_end():
    assert split_paragraphs("A.\n\n```\ncode\n\nmore") == ["A.", "```\ncode\n\nmore"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \n", None])
def test_nothing_written_is_no_paragraph(text):
    assert split_paragraphs(text) == []


_LINES = st.lists(
    st.sampled_from(["", " ", "Words here.", "- item", "  indented", "```", "1. first", "# H"]),
    max_size=30,
)


@given(_LINES)
def test_splitting_is_stable_and_keeps_every_written_line(lines):
    text = "\n".join(lines)
    paragraphs = split_paragraphs(text)
    assert all(p.strip() for p in paragraphs)
    assert all(p == p.strip("\n") and p.split("\n")[0].strip() for p in paragraphs)
    # Publishing the joined paragraphs again gives the same paragraphs.
    assert split_paragraphs(drafts.join_paragraphs(paragraphs)) == paragraphs
    written = [line for line in lines if line.strip()]
    kept = [line for p in paragraphs for line in p.split("\n") if line.strip()]
    assert kept == written


# --- keys ----------------------------------------------------------------------------------


def test_the_first_version_gets_new_keys():
    result = carry_keys([], ["A.", "B."], make_key=keys())
    assert result == [Paragraph("k1", "A."), Paragraph("k2", "B.")]


def test_identical_paragraphs_keep_their_keys_in_order_and_when_moved():
    old = version("Alpha one two.", "Beta three four.", "Gamma five six.")
    result = carry_keys(old, ["Gamma five six.", "Alpha one two.", "Beta three four."])
    assert [p.key for p in result] == ["o3", "o1", "o2"]


def test_white_space_does_not_make_a_paragraph_different():
    old = version("Alpha  one\ntwo.")
    assert carry_keys(old, ["Alpha one two. "], make_key=keys())[0].key == "o1"


def test_repeated_identical_paragraphs_each_keep_one_key():
    old = version("Same.", "Other words entirely.", "Same.")
    result = carry_keys(old, ["Same.", "Same.", "Same."], make_key=keys())
    assert [p.key for p in result] == ["o1", "o3", "k1"]


def test_a_close_edit_keeps_its_key_and_a_rewrite_does_not():
    old = version(
        "Referrals wait nineteen days for a first contact from the service.",
        "Urgent referrals wait in the same queue as routine ones.",
        "The service has twelve social workers on duty.",
    )
    new = [
        "Referrals wait nineteen days on average for a first contact from the service.",
        "We want a system that answers every phone call within a minute.",
        "The service has twelve social workers on duty.",
    ]
    result = carry_keys(old, new, make_key=keys())
    assert [p.key for p in result] == ["o1", "k1", "o3"]
    assert drafts.similarity(old[0].text, new[0]) >= KEEP_KEY_RATIO
    assert drafts.similarity(old[1].text, new[1]) < KEEP_KEY_RATIO


def test_the_threshold_is_the_documented_ratio():
    # Six words kept of six and four: 2 * 6 / (6 + 10) = 0.75, kept;
    # three kept of six and eight: 2 * 3 / 14 = 0.43, not kept.
    base = "one two three four five six"
    assert drafts.similarity(base, base + " seven eight nine ten") == pytest.approx(0.75)
    assert carry_keys(version(base), [base + " seven eight nine ten"])[0].key == "o1"
    edited = "one two three x y z w v"
    assert drafts.similarity(base, edited) == pytest.approx(6 / 14)
    assert carry_keys(version(base), [edited], make_key=keys())[0].key == "k1"


def test_each_old_key_goes_to_the_closest_edit_only():
    old = version("The council will triage referrals by urgency and need.")
    new = [
        "The council will triage referrals by urgency.",
        "The council will triage all referrals by urgency and need.",
    ]
    result = carry_keys(old, new, make_key=keys())
    assert [p.key for p in result] == ["k1", "o1"]


def test_a_new_key_never_repeats_one_in_use():
    old = version("Kept paragraph here.")
    keys_given = iter(["o1", "o1", "fresh"])
    result = carry_keys(
        old, ["Kept paragraph here.", "New one."], make_key=lambda: next(keys_given)
    )
    assert [p.key for p in result] == ["o1", "fresh"]


def test_default_keys_are_unique_and_fit_the_column():
    result = carry_keys([], ["A.", "B.", "C."])
    assert len({p.key for p in result}) == 3
    assert all(0 < len(p.key) <= 40 for p in result)


@given(
    st.lists(st.sampled_from(["a b c d", "e f g h", "a b c x", "q r s t", "z"]), max_size=12),
    st.lists(st.sampled_from(["a b c d", "e f g h", "a b c y", "q r s t u", "w"]), max_size=12),
)
def test_keys_are_unique_and_identical_text_always_keeps_a_key(old_texts, new_texts):
    old = version(*old_texts)
    result = carry_keys(old, new_texts)
    assert [p.text for p in result] == new_texts
    assert len({p.key for p in result}) == len(result)
    old_keys = {p.key for p in old}
    # As many identical paragraphs keep a key as the old version had of each.
    for text in set(new_texts):
        kept = sum(1 for p in result if p.text == text and p.key in old_keys)
        assert kept >= min(old_texts.count(text), new_texts.count(text))


def test_a_long_draft_rewritten_throughout_gets_new_keys():
    old = version(*[f"old paragraph number {n} about parking" for n in range(600)])
    new = [f"entirely other text {n} on triage" for n in range(600)]
    result = carry_keys(old, new)
    assert not {p.key for p in result} & {p.key for p in old}


# --- the diff ------------------------------------------------------------------------------


def test_inline_diff_marks_words():
    segments = inline_diff("Urgent cases wait a week.", "Urgent cases wait a day.")
    assert segments == [
        Segment("equal", "Urgent cases wait a "),
        Segment("delete", "week"),
        Segment("insert", "day"),
        Segment("equal", "."),
    ]


def test_inline_diff_groups_a_changed_phrase():
    segments = inline_diff("call them back soon", "phone every person soon")
    assert segments == [
        Segment("delete", "call them back"),
        Segment("insert", "phone every person"),
        Segment("equal", " soon"),
    ]


_WORDS = st.lists(st.sampled_from(["a", "b", "c", " ", "  ", ".", ",", "\n", "é", "word"]))


@given(_WORDS, _WORDS)
def test_inline_diff_rebuilds_both_texts(a, b):
    old, new = "".join(a), "".join(b)
    segments = inline_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert all(s.text for s in segments)
    # No two neighbours of the same kind.
    assert all(x.op != y.op for x, y in pairwise(segments))


def test_diff_versions_statuses_and_order():
    old = version("Kept.", "Edited text here.", "Dropped.", "Also kept.")
    new = [
        Paragraph("o1", "Kept."),
        Paragraph("n1", "Brand new."),
        Paragraph("o2", "Edited text there."),
        Paragraph("o4", "Also kept."),
    ]
    changes = diff_versions(old, new)
    assert [(c.status, c.key, c.old_position, c.new_position) for c in changes] == [
        ("unchanged", "o1", 1, 1),
        ("added", "n1", None, 2),
        ("changed", "o2", 2, 3),
        ("removed", "o3", 3, None),
        ("unchanged", "o4", 4, 4),
    ]
    changed = changes[2]
    assert Segment("delete", "here") in changed.segments
    assert Segment("insert", "there") in changed.segments
    assert diff_summary(changes) == {"unchanged": 2, "changed": 1, "added": 1, "removed": 1}


def test_a_moved_paragraph_shows_once_at_its_new_place():
    old = version("First.", "Second.", "Third.")
    new = [Paragraph("o3", "Third."), Paragraph("o1", "First."), Paragraph("o2", "Second.")]
    changes = diff_versions(old, new)
    assert [(c.key, c.status, c.old_position) for c in changes] == [
        ("o3", "unchanged", 3),
        ("o1", "unchanged", 1),
        ("o2", "unchanged", 2),
    ]


def test_removed_paragraphs_at_the_end_and_an_empty_side():
    old = version("One.", "Two.")
    assert [c.status for c in diff_versions(old, [])] == ["removed", "removed"]
    assert [c.status for c in diff_versions([], old)] == ["added", "added"]
    assert diff_summary([]) == {"unchanged": 0, "changed": 0, "added": 0, "removed": 0}


@given(
    st.lists(st.sampled_from(["a b", "c d", "a c", "e"]), max_size=8),
    st.lists(st.sampled_from(["a b", "c d e", "a c", "f"]), max_size=8),
)
def test_every_paragraph_of_both_versions_appears_once(old_texts, new_texts):
    old = version(*old_texts)
    new = carry_keys(old, new_texts)
    changes = diff_versions(old, new)
    assert [c.new_position for c in changes if c.new_position] == list(range(1, len(new) + 1))
    assert sorted(c.old_position for c in changes if c.old_position) == list(
        range(1, len(old) + 1)
    )
    for change in changes:
        if change.status in ("unchanged", "changed"):
            assert (change.status == "unchanged") == (
                drafts.normalise(change.old_text) == drafts.normalise(change.new_text)
            )

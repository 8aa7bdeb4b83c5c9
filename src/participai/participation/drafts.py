"""A draft under review, as text: split into paragraphs, follow each
paragraph from one version to the next, and show what changed. Pure: no
Django import, so it is tested (and timed) alone.

**Paragraphs** are the blocks of the Markdown separated by blank lines, as
a reader sees them, except that a list stays one paragraph (a blank line
between its items does not end it) and so does a fenced code block (its
blank lines are part of it).

**Keys** follow a paragraph's text across versions, so comments on it and
the diff between versions can be carried over. When a new version is
published, each of its paragraphs takes the key of a paragraph of the
previous version:

1. identical text (white space aside) keeps its key — in order first, then
   a paragraph that moved;
2. a close edit keeps it too: between two paragraphs kept in place, an old
   and a new paragraph whose words match with a ``difflib`` ratio of at
   least :data:`KEEP_KEY_RATIO` (0.6: at least 60 % of the words of both,
   in order, are shared — a reworded sentence or an added clause, not a
   rewrite), best matches first, each old key used once;
3. anything else gets a new key.

**The diff** between two versions pairs paragraphs by key: ``unchanged``
(same key, same text), ``changed`` (same key, other text, with a word-level
inline diff), ``added`` (key only in the newer) and ``removed`` (key only in
the older), in reading order of the newer version with removed paragraphs
where they stood.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

# How alike (``difflib`` ratio of their words) an edited paragraph must be
# to the old one to keep its key and its comments: 0.6 keeps a paragraph
# with a sentence reworded or one added to two (a ratio about 0.67-0.8),
# and gives a new key to one rewritten or cut to less than half.
KEEP_KEY_RATIO = 0.6
# Between two paragraphs kept in place, an edited paragraph is compared with
# old ones at most this many places away from it, so a long draft rewritten
# from top to bottom costs a bounded number of comparisons.
MATCH_WINDOW = 25

STATUSES = ("unchanged", "changed", "added", "removed")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)")
_INDENTED = re.compile(r"^( {2,}|\t)\S")
_WORD = re.compile(r"\w+|[^\w\s]")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


# --------------------------------------------------------------------------- splitting


def _fence_closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and stripped.startswith(fence)
        and set(stripped) == {fence[0]}
    )


def split_paragraphs(markdown: str) -> list[str]:
    """The paragraphs of ``markdown``, in order, each without surrounding
    blank lines. A list, or a fenced code block, is one paragraph however
    many blank lines it holds (an unclosed fence runs to the end)."""
    lines = (markdown or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[str] = []
    block: list[str] = []
    fence = ""  # the opening fence while inside a fenced block

    def close() -> None:
        while block and not block[-1].strip():
            block.pop()
        if block:
            paragraphs.append("\n".join(block))
        block.clear()

    for index, line in enumerate(lines):
        if fence:
            block.append(line)
            if _fence_closes(line, fence):
                fence = ""
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            block.append(line)
            continue
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        if _LIST_ITEM.match(block[0]):
            # A blank line inside a list: the list goes on if the next
            # written line is another item or an item's indented continuation.
            following = next((later for later in lines[index + 1 :] if later.strip()), "")
            if _LIST_ITEM.match(following) or _INDENTED.match(following):
                block.append("")
                continue
        close()
    close()
    return paragraphs


def normalise(text: str) -> str:
    """``text`` with runs of white space made one space: what "identical" compares."""
    return " ".join(text.split())


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """The Markdown of a version from its paragraphs (a blank line between)."""
    return "\n\n".join(paragraphs)


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a version: the key that follows it, and its text."""

    key: str
    text: str


def new_key() -> str:
    """A fresh key: 32 hexadecimal characters, unique for any practical purpose."""
    return uuid.uuid4().hex


def similarity(old: str, new: str) -> float:
    """How alike two paragraphs are: the ``difflib`` ratio of their words
    (case and white space aside), from 0 (nothing shared) to 1 (same words)."""
    a = _WORD.findall(old.casefold())
    b = _WORD.findall(new.casefold())
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _close_edits(
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    old_free: list[int],
    new_free: list[int],
) -> list[tuple[int, int]]:
    """Pairs ``(old, new)`` among the free indices alike enough to keep a
    key, best first, each index used once."""
    candidates: list[tuple[float, int, int, int]] = []
    old_words = {i: _WORD.findall(old_texts[i].casefold()) for i in old_free}
    for jn, j in enumerate(new_free):
        b = _WORD.findall(new_texts[j].casefold())
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(b)
        low, high = max(0, jn - MATCH_WINDOW), min(len(old_free), jn + MATCH_WINDOW + 1)
        for io in range(low, high):
            i = old_free[io]
            matcher.set_seq1(old_words[i])
            if (
                matcher.real_quick_ratio() >= KEEP_KEY_RATIO
                and matcher.quick_ratio() >= KEEP_KEY_RATIO
            ):
                ratio = matcher.ratio()
                if ratio >= KEEP_KEY_RATIO:
                    candidates.append((-ratio, abs(io - jn), j, i))
    candidates.sort()
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = []
    for _ratio, _distance, j, i in candidates:
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        pairs.append((i, j))
    return pairs


def carry_keys(
    previous: Sequence[Paragraph],
    texts: Sequence[str],
    *,
    make_key: Callable[[], str] = new_key,
) -> list[Paragraph]:
    """The paragraphs ``texts`` of a new version, each with the key of the
    paragraph of ``previous`` (the version before) it continues, or a new
    key from ``make_key`` (see the module's docstring for the rule). Keys
    are unique within the result."""
    old_norm = [normalise(p.text) for p in previous]
    new_norm = [normalise(t) for t in texts]
    match: dict[int, int] = {}  # new index -> old index
    anchors: list[tuple[int, int]] = []
    matcher = SequenceMatcher(None, old_norm, new_norm, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            match[block.b + offset] = block.a + offset
            anchors.append((block.a + offset, block.b + offset))
    # Moved paragraphs: identical text elsewhere, first unused occurrence.
    used_old = set(match.values())
    unused_by_text: dict[str, list[int]] = {}
    for i, text in enumerate(old_norm):
        if i not in used_old:
            unused_by_text.setdefault(text, []).append(i)
    moved: set[int] = set()
    for j, text in enumerate(new_norm):
        if j not in match and unused_by_text.get(text):
            i = unused_by_text[text].pop(0)
            match[j] = i
            moved.add(i)
    # Close edits, gap by gap between paragraphs kept in place.
    bounds = [(-1, -1), *anchors, (len(previous), len(texts))]
    for (a0, b0), (a1, b1) in pairwise(bounds):
        old_free = [i for i in range(a0 + 1, a1) if i not in moved]
        new_free = [j for j in range(b0 + 1, b1) if j not in match]
        if old_free and new_free:
            for i, j in _close_edits([p.text for p in previous], list(texts), old_free, new_free):
                match[j] = i
    used = {previous[i].key for i in match.values()}
    result = []
    for j, text in enumerate(texts):
        if j in match:
            key = previous[match[j]].key
        else:
            key = make_key()
            while key in used:
                key = make_key()
            used.add(key)
        result.append(Paragraph(key=key, text=text))
    return result


# --------------------------------------------------------------------------- the diff


@dataclass(frozen=True)
class Segment:
    """A piece of an inline diff: ``equal``, ``delete`` (only in the older
    text) or ``insert`` (only in the newer)."""

    op: str
    text: str


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph in the diff between two versions. Positions count from
    1 and are ``None`` on the side the paragraph is absent from."""

    status: str
    key: str
    old_position: int | None
    new_position: int | None
    old_text: str
    new_text: str
    segments: tuple[Segment, ...] = ()


def inline_diff(old: str, new: str) -> list[Segment]:
    """A word-level diff of two texts. The ``equal`` and ``delete`` segments
    join into ``old``, the ``equal`` and ``insert`` ones into ``new``; within
    a run of changes, what was deleted comes before what was inserted, and
    single spaces between changed words go with the change, so it reads as
    "<del>old words</del><ins>new words</ins>"."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    raw: list[Segment] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            raw.append(Segment("equal", "".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            raw.append(Segment("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            raw.append(Segment("insert", "".join(b[j1:j2])))
    segments: list[Segment] = []
    index = 0
    while index < len(raw):
        segment = raw[index]
        if segment.op == "equal":
            segments.append(segment)
            index += 1
            continue
        deleted: list[str] = []
        inserted: list[str] = []
        while index < len(raw):
            segment = raw[index]
            if segment.op == "delete":
                deleted.append(segment.text)
            elif segment.op == "insert":
                inserted.append(segment.text)
            elif segment.text.isspace() and index + 1 < len(raw) and raw[index + 1].op != "equal":
                deleted.append(segment.text)
                inserted.append(segment.text)
            else:
                break
            index += 1
        if deleted:
            segments.append(Segment("delete", "".join(deleted)))
        if inserted:
            segments.append(Segment("insert", "".join(inserted)))
    return segments


def diff_versions(old: Sequence[Paragraph], new: Sequence[Paragraph]) -> list[ParagraphChange]:
    """The paragraphs of two versions paired by key, in the newer version's
    order, each removed paragraph placed after the older paragraph before it."""
    old_at = {p.key: i for i, p in enumerate(old)}
    new_keys = {p.key for p in new}
    changes: list[ParagraphChange] = []
    emitted_removed: set[int] = set()
    pointer = 0

    def removed_until(stop: int) -> None:
        for i in range(pointer, stop):
            if old[i].key not in new_keys and i not in emitted_removed:
                emitted_removed.add(i)
                changes.append(
                    ParagraphChange(
                        status="removed",
                        key=old[i].key,
                        old_position=i + 1,
                        new_position=None,
                        old_text=old[i].text,
                        new_text="",
                        segments=(Segment("delete", old[i].text),),
                    )
                )

    for j, paragraph in enumerate(new):
        i = old_at.get(paragraph.key)
        if i is None:
            changes.append(
                ParagraphChange(
                    status="added",
                    key=paragraph.key,
                    old_position=None,
                    new_position=j + 1,
                    old_text="",
                    new_text=paragraph.text,
                    segments=(Segment("insert", paragraph.text),),
                )
            )
            continue
        removed_until(i)
        pointer = max(pointer, i + 1)
        before = old[i].text
        if normalise(before) == normalise(paragraph.text):
            status, segments = "unchanged", (Segment("equal", paragraph.text),)
        else:
            status, segments = "changed", tuple(inline_diff(before, paragraph.text))
        changes.append(
            ParagraphChange(
                status=status,
                key=paragraph.key,
                old_position=i + 1,
                new_position=j + 1,
                old_text=before,
                new_text=paragraph.text,
                segments=segments,
            )
        )
    removed_until(len(old))
    return changes


def diff_summary(changes: Iterable[ParagraphChange]) -> dict[str, int]:
    """How many paragraphs of each status (every status present, maybe 0)."""
    counts = dict.fromkeys(STATUSES, 0)
    for change in changes:
        counts[change.status] += 1
    return counts

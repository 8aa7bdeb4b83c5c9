"""The governance canvas of a procurement, as plain data, and its Markdown form.

A canvas is built from the live records by
``participai.engagement.selectors.canvas.canvas_of``; this module only holds
the shape: a :class:`Header` and an ordered tuple of :class:`Block` (mission,
public value, affected people, stakes, actors, engagement per phase,
decisions, data and infrastructure, delivery, KPIs, transparency and redress,
consequences, obligations, documents). A block holds labelled
:class:`Fact` values, :class:`Table` rows and :class:`Pending` notes, which
say plainly what is not defined yet and at which stage it will be.

Every text in a canvas is already in the reader's language (the selector
translates); values are plain user text, never HTML or Markdown to trust:
:func:`to_markdown` escapes them, templates autoescape them.

Pure: no Django import. ``Canvas.as_dict()`` is the JSON export.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "participai.canvas/1"
EDITIONS = ("public", "staff")

FactValue = str | tuple[str, ...]
Code = str | int | bool | None


@dataclass(frozen=True)
class Pending:
    """Something the canvas cannot show yet: ``text`` says what, and ``stage``
    (a lifecycle stage key) where it will be defined."""

    text: str
    stage: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "stage": self.stage}


@dataclass(frozen=True)
class Fact:
    """A labelled value. ``value`` is a text (possibly several lines) or a tuple
    of items; ``code`` is the machine value behind it, when there is one (a
    choice key, a level number, a flag). ``format`` is ``"markdown"`` for a
    text its author wrote in Markdown (pages render it sanitised; the Markdown
    export still shows it literally), else ``"text"``."""

    key: str
    label: str
    value: FactValue
    code: Code = None
    format: str = "text"

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, tuple)

    def as_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"label": self.label, "value": value, "code": self.code, "format": self.format}


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Table:
    """Rows of texts under named columns. ``empty`` is what to say when there
    are no rows. Raises ``ValueError`` if a row does not match the columns."""

    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    empty: str = ""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(
                    f"table {self.key!r}: row {number} has {len(row)} cells, not {width}"
                )

    def records(self) -> list[dict[str, str]]:
        """The rows as dicts keyed by column key."""
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]

    def as_dict(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": self.records(),
        }


@dataclass(frozen=True)
class Block:
    """One box of the canvas. ``note`` qualifies the whole block (for example
    "counts only in the public edition"); ``wide`` asks layouts for more room."""

    key: str
    title: str
    facts: tuple[Fact, ...] = ()
    tables: tuple[Table, ...] = ()
    pending: tuple[Pending, ...] = ()
    note: str = ""
    wide: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.facts or any(t.rows for t in self.tables))

    def fact(self, key: str) -> Fact:
        """The fact called ``key``; ``KeyError`` if there is none."""
        for fact in self.facts:
            if fact.key == key:
                return fact
        raise KeyError(key)

    def table(self, key: str) -> Table:
        """The table called ``key``; ``KeyError`` if there is none."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "note": self.note,
            "facts": {fact.key: fact.as_dict() for fact in self.facts},
            "tables": {table.key: table.as_dict() for table in self.tables},
            "pending": [p.as_dict() for p in self.pending],
        }


@dataclass(frozen=True)
class Header:
    """Who and what the canvas is about, and which edition it is."""

    slug: str
    title: str
    organisation: str
    stage: str
    stage_name: str
    phase: str
    phase_name: str
    status: str
    status_name: str
    impact_level: int | None
    published: bool
    published_on: datetime.date | None
    version: int
    edition: str
    language: str
    generated_at: datetime.datetime

    def __post_init__(self) -> None:
        if self.edition not in EDITIONS:
            raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {self.edition!r}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "organisation": self.organisation,
            "stage": self.stage,
            "stage_name": self.stage_name,
            "phase": self.phase,
            "phase_name": self.phase_name,
            "status": self.status,
            "status_name": self.status_name,
            "impact_level": self.impact_level,
            "published": self.published,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }


@dataclass(frozen=True)
class Words:
    """The canvas's own words (not the data's), already translated, so the
    Markdown export reads in the reader's language without this module
    importing Django."""

    canvas: str = "Governance canvas"
    organisation: str = "Organisation"
    stage: str = "Stage"
    status: str = "Status"
    published: str = "Published"
    draft: str = "Draft, not published"
    version: str = "Version"
    generated: str = "Generated"
    fingerprint: str = "Fingerprint"
    edition: str = "Edition"
    edition_name: str = "public"
    not_defined: str = "Not defined yet"
    none: str = "None"


@dataclass(frozen=True)
class Canvas:
    header: Header
    blocks: tuple[Block, ...]
    words: Words = field(default_factory=Words)

    def block(self, key: str) -> Block:
        """The block called ``key``; ``KeyError`` if there is none."""
        for block in self.blocks:
            if block.key == key:
                return block
        raise KeyError(key)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of the content (not of when it was generated): two
        canvases with the same fingerprint say the same thing. Computed once per
        canvas (a canvas does not change), however often pages and exports ask."""
        content = {
            "procurement": self.header.as_dict(),
            "version": self.header.version,
            "edition": self.header.edition,
            "language": self.header.language,
            "blocks": {block.key: block.as_dict() for block in self.blocks},
        }
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()[:12]

    def as_dict(self) -> dict[str, Any]:
        """The JSON export: plain types only, blocks in canvas order."""
        return {
            "schema": SCHEMA,
            "procurement": self.header.as_dict(),
            "edition": self.header.edition,
            "language": self.header.language,
            "version": self.header.version,
            "fingerprint": self.fingerprint,
            "generated_at": self.header.generated_at.isoformat(),
            "blocks": {block.key: block.as_dict() for block in self.blocks},
        }


def print_rows(blocks: tuple[Block, ...], columns: int = 4) -> list[list[tuple[Block, int]]]:
    """The blocks laid out in rows of ``columns`` units, in order, for print.

    A block takes one unit, a ``wide`` one two; a block that does not fit
    starts the next row, and the last block of a row takes what is left, so
    every row spans the full width. Returns ``[[(block, units), ...], ...]``.
    """
    rows: list[list[tuple[Block, int]]] = []
    row: list[tuple[Block, int]] = []
    used = 0
    for block in blocks:
        units = min(2 if block.wide else 1, columns)
        if used + units > columns:
            rows.append(row)
            row, used = [], 0
        row.append((block, units))
        used += units
    if row:
        rows.append(row)
    for row in rows:
        last, units = row[-1]
        row[-1] = (last, units + columns - sum(u for _, u in row))
    return rows


# --- Markdown -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters that start inline Markdown (emphasis, code, links, images, raw
# HTML, entities, tables, strikethrough) wherever they appear.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
# What starts a block at the beginning of a line: headings, quotes, list items,
# setext underlines and thematic breaks.
_LINE_START = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly that text.

    Every character that could open inline markup is backslash-escaped, lines
    lose their leading blanks (no indented code block), and what would start a
    heading, quote, list or rule at the start of a line is escaped too. Line
    breaks are kept; control characters are dropped.
    """
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.split("\n"):
        line = _INLINE.sub(r"\\\1", line.strip())
        line = _LINE_START.sub(r"\\\1", line)
        line = _ORDERED.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escaped and on one line: for headings, list items and table cells."""
    return " ".join(escape_markdown(text).split())


def _fact_markdown(fact: Fact) -> list[str]:
    if isinstance(fact.value, tuple):
        lines = [f"**{_inline(fact.label)}**", ""]
        lines += [f"- {_inline(item)}" for item in fact.value]
        return [*lines, ""]
    body = escape_markdown(fact.value)
    # Paragraphs of the value stay paragraphs; single line breaks become hard ones.
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    lines = [f"**{_inline(fact.label)}**", ""]
    for paragraph in paragraphs:
        lines += ["\\\n".join(line for line in paragraph.split("\n") if line), ""]
    return lines


def _table_markdown(table: Table, words: Words) -> list[str]:
    lines = [f"*{_inline(table.caption)}*", ""]
    if not table.rows:
        return [*lines, _inline(table.empty or words.none), ""]
    lines.append("| " + " | ".join(_inline(c.label) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_inline(cell) or " " for cell in row) + " |")
    return [*lines, ""]


def to_markdown(canvas: Canvas) -> str:
    """The canvas as a Markdown document (CommonMark with GFM tables)."""
    header, words = canvas.header, canvas.words
    lines = [f"# {_inline(words.canvas)}: {_inline(header.title)}", ""]
    state = words.draft
    if header.published:
        state = words.published
        if header.published_on:
            state = f"{state} {header.published_on.isoformat()}"
    lines += [
        f"- **{_inline(words.organisation)}:** {_inline(header.organisation)}",
        f"- **{_inline(words.stage)}:** {_inline(header.stage_name)} "
        f"({_inline(header.phase_name)})",
        f"- **{_inline(words.status)}:** {_inline(header.status_name)}; {_inline(state)}",
        f"- **{_inline(words.version)}:** {header.version}; "
        f"**{_inline(words.fingerprint)}:** {canvas.fingerprint}",
        f"- **{_inline(words.generated)}:** "
        f"{header.generated_at.isoformat(timespec='minutes')}; "
        f"**{_inline(words.edition)}:** {_inline(words.edition_name)}",
        "",
    ]
    for block in canvas.blocks:
        lines += [f"## {_inline(block.title)}", ""]
        if block.note:
            lines += [f"*{_inline(block.note)}*", ""]
        for fact in block.facts:
            lines += _fact_markdown(fact)
        for table in block.tables:
            lines += _table_markdown(table, words)
        for pending in block.pending:
            lines += [f"> **{_inline(words.not_defined)}:** {_inline(pending.text)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"

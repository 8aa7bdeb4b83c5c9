"""Shared machinery for the assessment's data files (``data/*.json``).

Each data-driven module (the AI Act screening, the proportionality rules)
reads one JSON file, checks every part of it and reports *all* the problems at
once, each prefixed with the JSON path where it was found. This module holds
what they share: the languages every text must be given in, the error type
that names the file, reading JSON with readable errors, and :class:`Checker`,
which collects problems while validating.

Pure: no Django import, so it can be tested and benchmarked alone.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from participai.core.vocabulary import LANGUAGES

DATA_DIR = Path(__file__).resolve().parent / "data"

Text = Mapping[str, str]


class DataFileError(ValueError):
    """A data file is malformed; ``problems`` lists each one with its JSON path."""

    #: What kind of file this is, as in "<path> is not a valid <description> file".
    description: ClassVar[str] = "data"

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{self.path} is not a valid {self.description} file:\n{listing}")


def read_json(path: Path, error: type[DataFileError]) -> Any:
    """Decode the JSON file at ``path``; raise ``error`` naming the file if that fails."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(path, [f"cannot be read: {exc.strerror or exc}"]) from exc
    except json.JSONDecodeError as exc:
        raise error(
            path, [f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"]
        ) from exc


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields a format string uses; ``ValueError`` if it is malformed."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


class Checker:
    """Collects problems, each prefixed with the JSON path where it was found."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(
        self,
        node: Any,
        where: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> bool:
        """Whether ``node`` is an object with every ``required`` field.

        Fields neither required nor optional are reported but do not make it fail.
        """
        if not isinstance(node, dict):
            self.fail(where, f"expected an object, got {type(node).__name__}")
            return False
        required = tuple(required)
        allowed = set(required) | set(optional)
        ok = True
        for key in required:
            if key not in node:
                self.fail(where, f"missing field '{key}'")
                ok = False
        for key in node:
            if key not in allowed:
                self.fail(f"{where}.{key}", "unknown field")
        return ok

    def text(self, node: Any, where: str) -> dict[str, str]:
        """A text in every language of ``LANGUAGES``; returns the strings found."""
        if not isinstance(node, dict):
            self.fail(where, "expected an object of texts keyed by language (en, es, ca)")
            return {}
        for lang in LANGUAGES:
            if lang not in node:
                self.fail(where, f"missing language '{lang}'")
            elif not isinstance(node[lang], str) or not node[lang].strip():
                self.fail(f"{where}.{lang}", "expected a non-empty string")
        for lang in node:
            if lang not in LANGUAGES:
                self.fail(f"{where}.{lang}", f"unknown language; expected {', '.join(LANGUAGES)}")
        return {lang: node[lang] for lang in LANGUAGES if isinstance(node.get(lang), str)}

    def key(self, node: Any, where: str) -> str:
        """A non-empty string; returns it, or ``""`` when it is not one."""
        if not isinstance(node, str) or not node.strip():
            self.fail(where, "expected a non-empty string")
            return ""
        return node

    def items(self, node: Any, where: str, *, non_empty: bool = True) -> list[Any]:
        """A list (non-empty unless told); returns it, or ``[]`` when it is not one."""
        if not isinstance(node, list):
            self.fail(where, "expected a list")
            return []
        if non_empty and not node:
            self.fail(where, "expected at least one item")
        return node

    def unique(self, keys: Iterable[tuple[str, str]], what: str) -> None:
        """Report every ``(where, key)`` whose key was seen before."""
        seen: set[str] = set()
        for where, key in keys:
            if key in seen:
                self.fail(where, f"duplicate {what} '{key}'")
            seen.add(key)

    def one_of(self, value: Any, allowed: tuple, where: str, what: str) -> None:
        if value not in allowed:
            self.fail(where, f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")

    def some_of(self, value: Any, allowed: tuple, where: str, what: str) -> None:
        """A non-empty list of distinct values from ``allowed``."""
        if not isinstance(value, list) or not value:
            self.fail(where, f"expected a non-empty list of {what}s")
            return
        for i, item in enumerate(value):
            self.one_of(item, allowed, f"{where}[{i}]", what)
        if len(set(map(str, value))) != len(value):
            self.fail(where, f"a {what} is listed twice")

    def count(self, value: Any, where: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(where, "expected a whole number of at least 1")

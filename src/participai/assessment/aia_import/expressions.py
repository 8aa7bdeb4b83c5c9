"""SurveyJS ``visibleIf`` expressions: a tokenizer, a parser, and JavaScript's view of values.

``_Parser`` reads the subset of the SurveyJS expression language the AIA uses:
``{question} op operand`` comparisons (``=``, ``contains``, ``anyof``,
``notempty``, ...) joined by ``and`` / ``or`` and brackets. It builds plain
tuples: ``("or"|"and", [nodes])`` or ``("cmp", name, op, operand)``. What the
tuples mean for a questionnaire is decided in ``conditions``.

This module imports nothing from Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _js_str(value: Any) -> str:
    """A value as JavaScript's ``String()`` writes it (``1.0`` → ``"1"``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _ParseError(Exception):
    pass


_TOKEN = re.compile(
    r"""\s*(?:(?P<var>\{[^{}]+\})|(?P<str>"[^"]*"|'[^']*')|(?P<num>-?\d+(?:\.\d+)?)
    |(?P<punct>[\[\](),])|(?P<op>==|!=|<>|>=|<=|=|<|>|&&|\|\||!)|(?P<word>[A-Za-z_]+))""",
    re.VERBOSE,
)
_WORD_OPS = {"contains", "notcontains", "anyof", "allof", "notempty", "empty"}
# Brackets nested deeper than this are refused rather than recursed into: the
# definition is user input, and the AIA nests two levels at most.
_MAX_DEPTH = 32


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _ParseError(f"cannot read {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "word":
            value = value.lower()
        yield kind, value
        position = match.end()


class _Parser:
    """A SurveyJS expression as ``("or"|"and", [nodes])`` or ``("cmp", name, op, operand)``."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.position = 0
        self.depth = 0

    def parse(self) -> tuple:
        node = self.disjunction()
        if self.position != len(self.tokens):
            raise _ParseError(f"unexpected {self.tokens[self.position][1]!r}")
        return node

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("", "")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _ParseError(f"brackets nest more than {_MAX_DEPTH} deep")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if not token[0]:
            raise _ParseError("the expression ends too early")
        self.position += 1
        return token

    def disjunction(self) -> tuple:
        nodes = [self.conjunction()]
        while self.peek()[1] in ("or", "||"):
            self.take()
            nodes.append(self.conjunction())
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def conjunction(self) -> tuple:
        nodes = [self.primary()]
        while self.peek()[1] in ("and", "&&"):
            self.take()
            nodes.append(self.primary())
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def primary(self) -> tuple:
        kind, value = self.take()
        if value == "(":
            self.enter()
            node = self.disjunction()
            if self.take()[1] != ")":
                raise _ParseError("a bracket is not closed")
            self.depth -= 1
            return node
        if kind != "var":
            raise _ParseError(f"expected {{question}}, found {value!r}")
        op_kind, op = self.take()
        if op_kind not in ("op", "word") or (op_kind == "word" and op not in _WORD_OPS):
            raise _ParseError(f"unknown operator {op!r}")
        op = "=" if op == "==" else op
        operand = None if op in ("notempty", "empty") else self.operand()
        return ("cmp", value[1:-1].strip(), op, operand)

    def operand(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return value[1:-1]
        if kind == "num":
            return float(value) if "." in value else int(value)
        if value == "[":
            self.enter()
            items = []
            while self.peek()[1] != "]":
                items.append(self.operand())
                if self.peek()[1] == ",":
                    self.take()
            self.take()
            self.depth -= 1
            return items
        raise _ParseError(f"expected a value, found {value!r}")


def _parse_or_none(text: Any) -> tuple | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return _Parser(text).parse()
    except _ParseError:
        return None

"""The importer's records of sections and questions, and their ``visibleIf`` conditions.

``_Section`` and ``_Item`` are what the walk in ``surveyjs`` records. A
question's conditions (its page's, its panels' and its own, joined by
``and``) become one ``visible_if`` on an earlier choice question when the
module docstring of ``participai.assessment.aia_import`` says they can;
otherwise the question is always shown and a warning says why.

This module imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from participai.assessment.aia_import.expressions import _js_str, _ParseError, _Parser, _scalar
from participai.assessment.questionnaire import PHASES


@dataclass
class _Section:
    key: str
    container: str
    kind: str
    phase: str
    title: dict[str, str]
    intro: dict[str, str] | None
    questions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Item:
    name: str
    key: str
    type: str
    values: list[str]
    section: _Section
    conditions: list[str]
    data: dict[str, Any]
    visible_if: tuple[str, frozenset[str]] | None = None


class _Unexpressible(Exception):
    pass


class _Conditions:
    """Converts the conditions of the walked questions, in order, into ``visible_if``.

    Warnings are appended to ``warnings``, the importer's own list.
    """

    def __init__(
        self,
        items: dict[str, _Item],
        fork: str | None,
        phase_values: dict[str, str],
        warnings: list[str],
    ) -> None:
        self.items = items
        self.fork = fork
        self.phase_values = phase_values
        self.warnings = warnings
        self.order = {name: i for i, name in enumerate(items)}

    def convert(self, item: _Item) -> None:
        if not item.conditions:
            return
        expression = " and ".join(f"({c})" for c in item.conditions)
        try:
            nodes = [_Parser(str(c)).parse() for c in item.conditions]
            condition = self.condition(("and", nodes), item)
        except (_Unexpressible, _ParseError) as exc:
            self.warnings.append(
                f"{item.name}: visibleIf {expression!r} cannot be expressed ({exc}); "
                "the question is always shown."
            )
            return
        if condition is None:
            return
        item.visible_if = condition
        ref, values = condition
        referenced = self.items[ref]
        any_of = [v for v in referenced.values if v in values]
        if ref == self.fork:
            any_of = [self.phase_values[v] for v in any_of]
        item.data["visible_if"] = {"question": referenced.key, "any_of": any_of}

    def condition(self, node: tuple, item: _Item) -> tuple[str, frozenset[str]] | None:
        """Reduce a parsed expression to one condition on an earlier question, or raise."""
        if node[0] == "cmp":
            result: tuple[str, frozenset[str]] | None = self.comparison(node, item)
        elif node[0] == "or":
            parts = [self.condition(child, item) for child in node[1]]
            if any(p is None for p in parts):
                return None  # one branch always true
            if len({p[0] for p in parts if p}) != 1:
                raise _Unexpressible("'or' over several questions")
            result = (parts[0][0], frozenset().union(*(p[1] for p in parts if p)))
        else:
            merged: dict[str, frozenset[str]] = {}
            for child in node[1]:
                part = self.condition(child, item)
                if part is not None:
                    ref, values = part
                    merged[ref] = merged[ref] & values if ref in merged else values
            kept = [
                (ref, values)
                for ref, values in merged.items()
                if not any(self.implies(other, ref, values) for other in merged if other != ref)
            ]
            if len(kept) > 1:
                raise _Unexpressible("'and' over several independent questions")
            result = kept[0] if kept else None
        if result is None:
            return None
        if not result[1]:
            raise _Unexpressible("it can never be true")
        if result[0] == self.fork and self.phase_implied(item.section.phase, result[1]):
            return None
        return result

    def implies(self, name: str, ref: str, values: frozenset[str]) -> bool:
        """Whether question ``name`` being shown implies that ``ref``'s answer is in ``values``."""
        item: _Item | None = self.items[name]
        while item is not None:
            if ref == self.fork and self.phase_implied(item.section.phase, values):
                return True
            if item.visible_if is None:
                return False
            parent, parent_values = item.visible_if
            if parent == ref and parent_values <= values:
                return True
            item = self.items.get(parent)
        return False

    def phase_implied(self, phase: str, values: frozenset[str]) -> bool:
        chosen = {self.phase_values[v] for v in values if v in self.phase_values}
        return chosen >= set(PHASES) or phase in chosen

    def comparison(self, node: tuple, item: _Item) -> tuple[str, frozenset[str]]:
        _, ref, op, operand = node
        target = self.items.get(ref)
        if target is None or target.type == "text" or self.order[ref] >= self.order[item.name]:
            raise _Unexpressible(f"{{{ref}}} is not an earlier choice question")
        values = target.values
        many = target.type == "multiple"
        if op == "notempty":
            return ref, frozenset(values)
        if op == "=" and _scalar(operand) and not many:
            return ref, frozenset(v for v in values if v == _js_str(operand))
        if op == "contains" and not many and operand not in ("", []):
            needle = ",".join(map(_js_str, operand)) if isinstance(operand, list) else operand
            return ref, frozenset(v for v in values if _js_str(needle) in v)
        if op == "contains" and many:
            wanted = operand if isinstance(operand, list) else [operand]
            if len(wanted) == 1:
                return ref, frozenset(v for v in values if v == _js_str(wanted[0]))
        if op == "anyof" and isinstance(operand, list):
            return ref, frozenset(v for v in values if v in {_js_str(o) for o in operand})
        raise _Unexpressible(f"operator {op!r} on a {target.type} question")

"""Validating the ``questions`` of the screening data file, their options and effects.

Used by :mod:`.loader`, which checks the rest of the file and supplies the
codes each effect may cite.

Pure: no Django import.
"""

from __future__ import annotations

from typing import Any

from participai.assessment.datafiles import Checker

from .model import EFFECT_KEYS, OPTION_SOURCES, QUESTION_KINDS, Effects, Option, Question


def _effects(check: Checker, node: Any, where: str, refs: dict[str, set[str]]) -> Effects:
    if not check.mapping(node, where, optional=EFFECT_KEYS):
        return Effects()
    values: dict[str, tuple[str, ...]] = {}
    for name in EFFECT_KEYS:
        if name not in node:
            continue
        codes = check.items(node[name], f"{where}.{name}")
        for i, code in enumerate(codes):
            if code not in refs[name]:
                check.fail(f"{where}.{name}[{i}]", f"unknown {name} code {code!r}")
        values[name] = tuple(code for code in codes if isinstance(code, str))
    return Effects(**values)


def parse_questions(
    check: Checker, node: Any, sections: set[str], refs: dict[str, set[str]]
) -> tuple[Question, ...]:
    """Check the ``questions`` list against the known ``sections`` and the codes in ``refs``.

    ``refs`` maps each effect name (``prohibited``, ``annex_iii``, …) to the codes
    it may cite. A multi-choice question with ``options_from`` comes back without
    options: the caller fills them in from Annex III.
    """
    questions: list[Question] = []
    items = check.items(node, "questions")
    check.unique(
        (
            (f"questions[{i}].key", q["key"])
            for i, q in enumerate(items)
            if isinstance(q, dict) and isinstance(q.get("key"), str)
        ),
        "question key",
    )
    for i, item in enumerate(items):
        here = f"questions[{i}]"
        if not check.mapping(
            item,
            here,
            required=("key", "section", "kind", "text"),
            optional=("help", "options", "options_from", "if_yes"),
        ):
            continue
        key = check.key(item["key"], f"{here}.key")
        if item["section"] not in sections:
            check.fail(f"{here}.section", f"unknown section {item['section']!r}")
        kind = item["kind"]
        if kind not in QUESTION_KINDS:
            check.fail(
                f"{here}.kind", f"unknown kind {kind!r}; expected {', '.join(QUESTION_KINDS)}"
            )
            continue
        text = check.text(item["text"], f"{here}.text")
        help_text = check.text(item["help"], f"{here}.help") if "help" in item else None
        options: tuple[Option, ...] = ()
        if_yes = Effects()
        if kind == "yes_no":
            for extra in ("options", "options_from"):
                if extra in item:
                    check.fail(f"{here}.{extra}", "a yes/no question has no options")
            if "if_yes" in item:
                if_yes = _effects(check, item["if_yes"], f"{here}.if_yes", refs)
        else:
            if "if_yes" in item:
                check.fail(f"{here}.if_yes", "only yes/no questions have 'if_yes'")
            options = _options(check, item, here, refs)
        questions.append(Question(key, item["section"], kind, text, help_text, options, if_yes))
    return tuple(questions)


def _options(
    check: Checker, item: dict[str, Any], here: str, refs: dict[str, set[str]]
) -> tuple[Option, ...]:
    if ("options" in item) == ("options_from" in item):
        check.fail(here, "give exactly one of 'options' or 'options_from'")
        return ()
    if "options_from" in item:
        if item["options_from"] not in OPTION_SOURCES:
            check.fail(f"{here}.options_from", f"unknown source {item['options_from']!r}")
        if item["kind"] != "multi_choice":
            check.fail(f"{here}.options_from", "only multi-choice questions take options_from")
        return ()  # filled in from Annex III once the areas are known
    options: list[Option] = []
    raw = check.items(item["options"], f"{here}.options")
    if item["kind"] == "choice" and len(raw) < 2:
        check.fail(f"{here}.options", "a choice needs at least two options")
    seen: set[str] = set()
    for j, option in enumerate(raw):
        there = f"{here}.options[{j}]"
        if not check.mapping(option, there, required=("key", "text"), optional=("effects",)):
            continue
        key = check.key(option["key"], f"{there}.key")
        if key in seen:
            check.fail(f"{there}.key", f"duplicate option '{key}'")
        seen.add(key)
        effects = (
            _effects(check, option["effects"], f"{there}.effects", refs)
            if "effects" in option
            else Effects()
        )
        options.append(Option(key, check.text(option["text"], f"{there}.text"), effects))
    return tuple(options)

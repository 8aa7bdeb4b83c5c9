"""Reading and validating ``data/ai_act_screening.json``.

:func:`load_screening` reads the file (the shipped one by default, cached) and
:func:`parse_screening` checks already-decoded JSON, building a
:class:`~.model.Screening`. Both report every problem found at once, each with
its JSON path, in a :class:`~.model.ScreeningDataError`.

Pure: no Django import.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

from participai.assessment.datafiles import DATA_DIR, Checker, Text, placeholders, read_json

from .model import (
    ENGINE_REASONS,
    FLAGS,
    MESSAGE_FIELDS,
    AnnexIIIArea,
    AnnexIIIPoint,
    Effects,
    Option,
    Question,
    Screening,
    ScreeningDataError,
    Section,
)
from .questions import parse_questions

DATA_PATH = DATA_DIR / "ai_act_screening.json"


def _coded_texts(check: Checker, node: Any, where: str) -> dict[str, Text]:
    items: dict[str, Text] = {}
    for i, item in enumerate(check.items(node, where)):
        here = f"{where}[{i}]"
        if not check.mapping(item, here, required=("code", "text")):
            continue
        code = check.key(item["code"], f"{here}.code")
        if code in items:
            check.fail(f"{here}.code", f"duplicate code '{code}'")
        items[code] = check.text(item["text"], f"{here}.text")
    return items


def _areas(check: Checker, node: Any) -> tuple[AnnexIIIArea, ...]:
    areas: list[AnnexIIIArea] = []
    seen_numbers: set[int] = set()
    seen_codes: set[str] = set()
    for i, item in enumerate(check.items(node, "annex_iii")):
        here = f"annex_iii[{i}]"
        if not check.mapping(item, here, required=("area", "name", "points")):
            continue
        number = item["area"]
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            check.fail(f"{here}.area", "expected a positive whole number")
            continue
        if number in seen_numbers:
            check.fail(f"{here}.area", f"duplicate area {number}")
        seen_numbers.add(number)
        points: list[AnnexIIIPoint] = []
        for j, point in enumerate(check.items(item["points"], f"{here}.points")):
            there = f"{here}.points[{j}]"
            if not check.mapping(point, there, required=("code", "text")):
                continue
            code = check.key(point["code"], f"{there}.code")
            if code and not _is_point_code(code, number):
                check.fail(
                    f"{there}.code", f"'{code}' is not a point of area {number} like '{number}(a)'"
                )
            if code in seen_codes:
                check.fail(f"{there}.code", f"duplicate point '{code}'")
            seen_codes.add(code)
            points.append(AnnexIIIPoint(code, number, check.text(point["text"], f"{there}.text")))
        areas.append(AnnexIIIArea(number, check.text(item["name"], f"{here}.name"), tuple(points)))
    return tuple(areas)


def _is_point_code(code: str, area: int) -> bool:
    prefix = f"{area}("
    letter = code[len(prefix) : -1]
    return (
        code.startswith(prefix)
        and code.endswith(")")
        and len(letter) == 1
        and letter in string.ascii_lowercase
    )


def _area_numbers(check: Checker, node: Any, where: str, known: set[int]) -> frozenset[int]:
    numbers: set[int] = set()
    for i, number in enumerate(check.items(node, where, non_empty=False)):
        if number not in known:
            check.fail(f"{where}[{i}]", f"unknown Annex III area {number!r}")
        else:
            numbers.add(number)
    return frozenset(numbers)


def _messages(check: Checker, node: Any) -> dict[str, Text]:
    messages: dict[str, Text] = {}
    if not check.mapping(node, "messages", required=MESSAGE_FIELDS):
        return messages
    for name, fields in MESSAGE_FIELDS.items():
        text = check.text(node[name], f"messages.{name}")
        for lang, template in text.items():
            used = placeholders(template)
            unknown = used - fields
            if unknown:
                check.fail(
                    f"messages.{name}.{lang}",
                    f"unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(fields)}",
                )
        messages[name] = text
    return messages


def parse_screening(raw: Any, path: Path | str = "<data>") -> Screening:
    """Validate already-decoded JSON and build a :class:`Screening`.

    Raises :class:`ScreeningDataError` listing every problem found, each with its
    JSON path (``questions[3].options[1].effects.prohibited[0]: unknown …``).
    """
    check = Checker()
    top = (
        "version",
        "sections",
        "annex_iii",
        "fria_excluded_areas",
        "registration_excluded_areas",
        "registration_restricted_areas",
        "prohibited_practices",
        "transparency_duties",
        "reasons",
        "messages",
        "questions",
    )
    if not check.mapping(raw, "(top level)", required=top):
        raise ScreeningDataError(path, check.problems)
    if raw["version"] != 1:
        check.fail("version", f"unsupported version {raw['version']!r}; expected 1")
    sections: list[Section] = []
    for i, item in enumerate(check.items(raw["sections"], "sections")):
        if check.mapping(item, f"sections[{i}]", required=("key", "title")):
            sections.append(
                Section(
                    check.key(item["key"], f"sections[{i}].key"),
                    check.text(item["title"], f"sections[{i}].title"),
                )
            )
    check.unique(((f"sections[{i}].key", s.key) for i, s in enumerate(sections)), "section")
    areas = _areas(check, raw["annex_iii"])
    numbers = {area.number for area in areas}
    prohibited = _coded_texts(check, raw["prohibited_practices"], "prohibited_practices")
    duties = _coded_texts(check, raw["transparency_duties"], "transparency_duties")
    reasons = _coded_texts(check, raw["reasons"], "reasons")
    for code in ENGINE_REASONS:
        if code not in reasons:
            check.fail("reasons", f"missing reason '{code}', which the engine gives")
    refs = {
        "prohibited": set(prohibited),
        "annex_iii": {point.code for area in areas for point in area.points},
        "transparency": set(duties),
        "reasons": set(reasons),
        "flags": set(FLAGS),
    }
    questions = parse_questions(check, raw["questions"], {s.key for s in sections}, refs)
    point_options = tuple(
        Option(point.code, point.text, Effects(annex_iii=(point.code,)))
        for area in areas
        for point in area.points
    )
    questions = tuple(
        Question(q.key, q.section, q.kind, q.text, q.help, point_options, q.if_yes)
        if q.kind == "multi_choice" and not q.options
        else q
        for q in questions
    )
    screening = Screening(
        sections=tuple(sections),
        questions=questions,
        areas=areas,
        prohibited_practices=prohibited,
        transparency_duties=duties,
        reasons=reasons,
        messages=_messages(check, raw["messages"]),
        fria_excluded_areas=_area_numbers(
            check, raw["fria_excluded_areas"], "fria_excluded_areas", numbers
        ),
        registration_excluded_areas=_area_numbers(
            check, raw["registration_excluded_areas"], "registration_excluded_areas", numbers
        ),
        registration_restricted_areas=_area_numbers(
            check, raw["registration_restricted_areas"], "registration_restricted_areas", numbers
        ),
    )
    _check_flags_reachable(check, screening)
    if check.problems:
        raise ScreeningDataError(path, check.problems)
    return screening


def _check_flags_reachable(check: Checker, screening: Screening) -> None:
    """Every flag the engine reads must be set by some answer, or it could never apply."""
    set_somewhere: set[str] = set()
    for question in screening.questions:
        set_somewhere.update(question.if_yes.flags)
        for option in question.options:
            set_somewhere.update(option.effects.flags)
    for flag in FLAGS:
        if flag not in set_somewhere:
            check.fail("questions", f"no answer sets the flag '{flag}'")


def load_screening(path: Path | str | None = None) -> Screening:
    """Read and validate the screening file (the shipped one by default, cached).

    Raises :class:`ScreeningDataError` naming the file for unreadable JSON or
    any malformed content.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Screening:
    return _load(DATA_PATH)


def _load(path: Path) -> Screening:
    return parse_screening(read_json(path, ScreeningDataError), path)

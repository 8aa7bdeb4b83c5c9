"""An independent reading of Canada's AIA tool, for tests of the import.

The real definition is read from ``../shared/data/standards/canada-aia/`` (or
``$PARTICIPAI_STANDARDS_DIR/canada-aia/``), never copied here. ``tool_score``
re-implements the tool's rule (``calculateFinalScore`` in ``store.ts``) on the
raw JSON, and ``tool_answers`` builds what a user of the tool could save, so
the importer and the scorer are checked against something they do not share.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STANDARDS = Path(
    os.environ.get("PARTICIPAI_STANDARDS_DIR", ROOT.parent / "shared" / "data" / "standards")
)
SURVEY = STANDARDS / "canada-aia" / "survey-enfr.json"


SELECT = {"radiogroup", "checkbox", "dropdown"}


def read_survey() -> dict[str, Any]:
    """The real definition; fails (never skips) when the shared data is missing."""
    assert SURVEY.exists(), f"{SURVEY} is missing; set PARTICIPAI_STANDARDS_DIR"
    return json.loads(SURVEY.read_text(encoding="utf-8"))


def elements(container: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(parent, element) for every element, panels included, in document order."""
    for element in container.get("elements", []):
        yield container, element
        if element["type"] == "panel":
            yield from elements(element)


def tool_score_type(question: dict[str, Any], parent: dict[str, Any]) -> int:
    """store.ts getScoreType: 1 not scored, 2 raw (risk) score, 3 mitigation score."""
    for name in (question["name"], parent["name"]):
        for suffix, kind in (("-RS", 2), ("-MS", 3), ("-NS", 1)):
            if name.endswith(suffix):
                return kind
    return 1


def tool_value(value: Any) -> float:
    """store.ts getValue: the number after the last '-', NaN counted as 0."""
    if value is None:
        return 0
    if isinstance(value, list):
        return sum(tool_value(v) for v in value)
    if "-" not in value:
        return 0
    try:
        return float(value.rsplit("-", 1)[1] or 0)
    except ValueError:
        return 0


def tool_max(question: dict[str, Any]) -> float:
    """store.ts getMaxScoreForQuestion."""
    values = [tool_value(choice["value"]) for choice in question["choices"]]
    return sum(values) if question["type"] == "checkbox" else max(values)


def tool_scored(raw: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """store.ts hasScore, over getAllQuestions() (hidden questions included)."""
    return [
        (tool_score_type(q, parent), q)
        for page in raw["pages"]
        for parent, q in elements(page)
        if q["type"] in SELECT and tool_score_type(q, parent) > 1
    ]


def tool_score(raw: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """store.ts calculateFinalScore, floating point and Math.round included."""
    risk = max_risk = mitigation = max_mitigation = 0.0
    for kind, q in tool_scored(raw):
        if kind == 2:
            risk += tool_value(data.get(q["name"]))
            max_risk += tool_max(q)
        else:
            mitigation += tool_value(data.get(q["name"]))
            max_mitigation += tool_max(q)
    if mitigation >= 0.8 * (max_mitigation / 2):
        total = math.floor((1 - 0.15) * risk + 0.5)  # Math.round
    else:
        total = risk
    if total <= max_risk * 0.25:
        level = 1
    elif total <= max_risk * 0.5:
        level = 2
    elif total <= max_risk * 0.75:
        level = 3
    else:
        level = 4
    return {
        "raw": risk,
        "raw_max": max_risk,
        "mitigation": mitigation,
        "mitigation_max": max_mitigation / 2,
        "total": total,
        "level": level,
    }


def surveyjs_shown(expression: str | None, data: dict[str, Any]) -> bool:
    """Evaluate the few visibleIf forms the file uses, with SurveyJS's meanings.

    ``{q} = "v"``; ``{q} contains "v"`` or ``["v"]`` (a substring test on a
    text value, membership on a list); ``and``, ``or`` and brackets.
    """
    if not expression:
        return True

    def contains(left: Any, right: Any) -> bool:
        if left is None:
            return False
        if isinstance(left, str):
            return (",".join(right) if isinstance(right, list) else right) in left
        return all(r in left for r in (right if isinstance(right, list) else [right]))

    python = re.sub(r"\{([^}]+)\}", r"data.get('\1')", expression)
    python = re.sub(
        r"(data\.get\('[^']+'\)) contains (\[[^\]]*\]|\"[^\"]*\")", r"C(\1, \2)", python
    )
    python = re.sub(r"(?<![=!<>])=(?!=)", "==", python)
    # The expression comes from the reference file read above, not from a user.
    return bool(eval(python, {"__builtins__": {}}, {"data": data, "C": contains}))


Pick = Callable[[dict[str, Any]], Any]


def tool_answers(raw: dict[str, Any], phase_value: str, pick: Pick) -> dict[str, Any]:
    """What a user of the tool could save: answers to the scored questions they were shown."""
    data: dict[str, Any] = {"projectDetailsPhase": phase_value}
    for page in raw["pages"]:
        if not surveyjs_shown(page.get("visibleIf"), data):
            continue
        for parent, q in elements(page):
            if q["type"] not in SELECT or tool_score_type(q, parent) == 1:
                continue
            if not surveyjs_shown(parent.get("visibleIf"), data):
                continue
            if not surveyjs_shown(q.get("visibleIf"), data):
                continue
            value = pick(q)
            if value not in (None, []):
                data[q["name"]] = value
    return data


def values(q: dict[str, Any]) -> list[str]:
    return [choice["value"] for choice in q["choices"]]


def pick_min(q: dict[str, Any]) -> Any:
    if q["type"] == "checkbox":
        return []
    return min(values(q), key=tool_value)  # the first of the lowest


def pick_max(q: dict[str, Any]) -> Any:
    if q["type"] == "checkbox":
        return values(q)
    return max(values(q), key=tool_value)  # the first of the highest


# A plausible project: personal data, some impacts, a careful team.
REALISTIC = {
    "businessDrivers5": "item2-1",
    "riskProfile1": "item1-3",
    "riskProfile4": "item3-4",
    "aboutSystem5": "item3-2",
    "aboutSystem5B": "item2-0",
    "aboutAlgorithm8": "item1-3",
    "aboutAlgorithm8A": "item2-1",
    "decisionSector1": ["item1-1", "item6-1"],
    "impact6": "item2-2",
    "impact7": "item3-3",
    "impact18": "item5-1",
    "impact26": "item2-0",
    "impact27": "item1-1",
    "aboutDataSource1": "item1-2",
    "aboutDataSource14": ["item2-1", "item4-3"],
    "aboutDataSource2": "item5-4",
    "aboutDataSourceType1": "item2-0",
}


def pick_realistic(q: dict[str, Any]) -> Any:
    """The answers above; elsewhere the impact is the lowest and the mitigation the highest."""
    if q["name"] in REALISTIC:
        return REALISTIC[q["name"]]
    if q["name"].startswith(("consultation", "dataQuality", "fairness", "privacy")):
        return pick_max(q)
    return pick_min(q)

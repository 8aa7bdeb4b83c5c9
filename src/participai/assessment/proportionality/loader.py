"""Reading and validating ``data/obligations.json``.

:func:`load_rules` reads the file (the shipped one by default, cached) and
:func:`parse_rules` checks already-decoded JSON, building :class:`~.model.Rules`.
Both report every problem found at once, each with its JSON path, in an
:class:`~.model.ObligationsDataError`.

Pure: no Django import.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from participai.assessment.datafiles import DATA_DIR, Checker, Text, placeholders, read_json

from .model import Alternative, ObligationsDataError, Rule, Rules
from .vocabulary import (
    ACTOR_KINDS,
    AI_ACT_CLASSES,
    AUDIENCES,
    CONDITION_KEYS,
    DECISION_STAGES,
    DEMOCRATIC_FUNCTIONS,
    DEPTHS,
    INSTITUTIONALISATION,
    KINDS,
    LEVELS,
    NEXT_GATE,
    REASON_PLACEHOLDERS,
    STAGE_KEYS,
)

DATA_PATH = DATA_DIR / "obligations.json"


def _check_requirement(check: Checker, kind: str, node: Any, where: str) -> None:
    """Each kind's requirement details: which fields, and their vocabularies."""
    if kind == "role":
        if check.mapping(node, where, required=("actor", "min_count", "responsibility")):
            check.one_of(node["actor"], ACTOR_KINDS, f"{where}.actor", "actor kind")
            check.count(node["min_count"], f"{where}.min_count")
            check.key(node["responsibility"], f"{where}.responsibility")
    elif kind == "mechanism":
        optional = ("actors", "decision_stage", "institutionalisation")
        if check.mapping(node, where, required=("functions", "min_depth"), optional=optional):
            check.some_of(
                node["functions"], DEMOCRATIC_FUNCTIONS, f"{where}.functions", "function"
            )
            check.one_of(node["min_depth"], DEPTHS, f"{where}.min_depth", "depth")
            if "actors" in node:
                check.some_of(node["actors"], ACTOR_KINDS, f"{where}.actors", "actor kind")
            if "decision_stage" in node:
                check.one_of(
                    node["decision_stage"],
                    DECISION_STAGES,
                    f"{where}.decision_stage",
                    "decision stage",
                )
            if "institutionalisation" in node:
                check.one_of(
                    node["institutionalisation"],
                    INSTITUTIONALISATION,
                    f"{where}.institutionalisation",
                    "degree of institutionalisation",
                )
    elif kind == "review":
        if check.mapping(node, where, required=("subject",), optional=("independent_experts",)):
            check.key(node["subject"], f"{where}.subject")
            if "independent_experts" in node:
                check.count(node["independent_experts"], f"{where}.independent_experts")
    elif kind == "publication":
        if check.mapping(node, where, required=("document", "audience")):
            check.key(node["document"], f"{where}.document")
            check.one_of(node["audience"], AUDIENCES, f"{where}.audience", "audience")
    elif kind == "human_oversight" and check.mapping(node, where, required=("measure",)):
        check.key(node["measure"], f"{where}.measure")


def _check_condition(check: Checker, node: Any, where: str) -> None:
    if not check.mapping(node, where, optional=CONDITION_KEYS):
        return
    for key in ("level_known", "ai_act_class_known", "fria_required", "eu_registration_required"):
        if key in node and not isinstance(node[key], bool):
            check.fail(f"{where}.{key}", "expected true or false")
    if "min_level" in node:
        level = node["min_level"]
        if not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS:
            check.fail(f"{where}.min_level", "expected a level from 1 to 4")
        if node.get("level_known") is False:
            check.fail(where, "min_level with level_known false can never hold")
    if "ai_act_class" in node:
        check.some_of(node["ai_act_class"], AI_ACT_CLASSES, f"{where}.ai_act_class", "class")
        if node.get("ai_act_class_known") is False:
            check.fail(where, "ai_act_class with ai_act_class_known false can never hold")


def _check_reason(check: Checker, reason: dict[str, str], condition: Any, where: str) -> None:
    """A reason may cite ``{level}`` or ``{ai_act_class}`` only when its condition fixes them."""
    condition = condition if isinstance(condition, dict) else {}
    for lang, template in reason.items():
        try:
            used = placeholders(template)
        except ValueError as exc:
            check.fail(f"{where}.{lang}", f"malformed placeholder ({exc})")
            continue
        for placeholder in sorted(used):
            needs = REASON_PLACEHOLDERS.get(placeholder)
            if needs is None:
                check.fail(
                    f"{where}.{lang}",
                    f"unknown placeholder {{{placeholder}}}; allowed: "
                    + ", ".join(f"{{{p}}}" for p in REASON_PLACEHOLDERS),
                )
            elif needs not in condition:
                check.fail(
                    f"{where}.{lang}",
                    f"{{{placeholder}}} needs '{needs}' in this alternative's condition",
                )


def _check_stages(check: Checker, item: dict[str, Any], where: str) -> None:
    stage, gate = item["stage"], item["gate"]
    if (stage == NEXT_GATE) != (gate == NEXT_GATE):
        check.fail(where, f"stage and gate must both be '{NEXT_GATE}' or both be stage keys")
        return
    if stage == NEXT_GATE:
        return
    known = True
    for name in ("stage", "gate"):
        if item[name] not in STAGE_KEYS:
            known = False
            check.fail(
                f"{where}.{name}",
                f"unknown stage {item[name]!r}; expected one of {', '.join(STAGE_KEYS)} "
                f"or '{NEXT_GATE}'",
            )
    if known and STAGE_KEYS.index(gate) < STAGE_KEYS.index(stage):
        check.fail(f"{where}.gate", f"gate '{gate}' comes before the stage '{stage}'")


def parse_rules(raw: Any, path: Path | str = "<data>") -> Rules:
    """Validate already-decoded JSON and build :class:`Rules`.

    Raises :class:`ObligationsDataError` listing every problem, each with its JSON
    path: unknown stage keys, kinds, conditions or vocabulary, missing languages,
    duplicate keys, placeholders a condition does not support.
    """
    check = Checker()
    if not check.mapping(raw, "(top level)", required=("version", "class_labels", "obligations")):
        raise ObligationsDataError(path, check.problems)
    if raw["version"] != 1:
        check.fail("version", f"unsupported version {raw['version']!r}; expected 1")
    labels: dict[str, Text] = {}
    if check.mapping(raw["class_labels"], "class_labels", required=AI_ACT_CLASSES):
        labels = {
            name: check.text(raw["class_labels"][name], f"class_labels.{name}")
            for name in AI_ACT_CLASSES
        }
    items = raw["obligations"]
    if not isinstance(items, list) or not items:
        check.fail("obligations", "expected a non-empty list")
        items = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"obligations[{i}]"
        required = ("key", "kind", "stage", "gate", "text", "requirement", "when")
        if not check.mapping(item, where, required=required, optional=("blocking",)):
            continue
        key = item["key"]
        check.key(key, f"{where}.key")
        if key in seen:
            check.fail(f"{where}.key", f"duplicate obligation key {key!r}")
        seen.add(key)
        where = f"obligations[{i}] ({key})"
        check.one_of(item["kind"], KINDS, f"{where}.kind", "kind")
        _check_stages(check, item, where)
        blocking = item.get("blocking", False)
        if not isinstance(blocking, bool):
            check.fail(f"{where}.blocking", "expected true or false")
        text = check.text(item["text"], f"{where}.text")
        if item["kind"] in KINDS:
            _check_requirement(check, item["kind"], item["requirement"], f"{where}.requirement")
        when = item["when"]
        if not isinstance(when, list) or not when:
            check.fail(f"{where}.when", "expected a non-empty list of alternatives")
            when = []
        alternatives: list[Alternative] = []
        for j, alternative in enumerate(when):
            here = f"{where}.when[{j}]"
            if not check.mapping(alternative, here, required=("if", "reason")):
                continue
            _check_condition(check, alternative["if"], f"{here}.if")
            reason = check.text(alternative["reason"], f"{here}.reason")
            _check_reason(check, reason, alternative["if"], f"{here}.reason")
            condition = alternative["if"] if isinstance(alternative["if"], dict) else {}
            alternatives.append(Alternative(dict(condition), reason))
        rules.append(
            Rule(
                key=key,
                kind=item["kind"],
                stage=item["stage"],
                gate=item["gate"],
                text=text,
                requirement=item["requirement"],
                when=tuple(alternatives),
                blocking=blocking is True,
            )
        )
    if check.problems:
        raise ObligationsDataError(path, check.problems)
    return Rules(tuple(rules), labels)


def load_rules(path: Path | str | None = None) -> Rules:
    """Read and validate the obligations file (the shipped one by default, cached).

    Raises :class:`ObligationsDataError` naming the file for unreadable JSON or any
    malformed content.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Rules:
    return _load(DATA_PATH)


def _load(path: Path) -> Rules:
    return parse_rules(read_json(path, ObligationsDataError), path)

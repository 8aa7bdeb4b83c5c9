"""The engine: which obligations given stakes impose, and at which gate.

A rule applies when any of its ``when`` alternatives holds; the first that
holds gives the reason, rendered with the level and the class label. The
engine never branches on an obligation's key.

Pure: no Django import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from participai.assessment.datafiles import LANGUAGES, Text

from .loader import load_rules
from .model import Obligation, Rules, Stakes
from .vocabulary import DEFAULT_NEXT_GATE, LEVEL_NAMES, NEXT_GATE, STAGE_KEYS


def _holds(condition: Mapping[str, Any], stakes: Stakes) -> bool:
    level, ai_class = stakes.impact_level, stakes.ai_act_class
    if "min_level" in condition and (level is None or level < condition["min_level"]):
        return False
    if "level_known" in condition and (level is not None) != condition["level_known"]:
        return False
    if "ai_act_class" in condition and ai_class not in condition["ai_act_class"]:
        return False
    if "ai_act_class_known" in condition and (
        (ai_class is not None) != condition["ai_act_class_known"]
    ):
        return False
    return all(
        name not in condition or getattr(stakes, name) == condition[name]
        for name in ("fria_required", "eu_registration_required")
    )


def _render(reason: Text, stakes: Stakes, labels: Mapping[str, Text]) -> dict[str, str]:
    level = LEVEL_NAMES.get(stakes.impact_level or 0, "")
    out = {}
    for lang in LANGUAGES:
        ai_class = labels.get(stakes.ai_act_class or "", {}).get(lang, "")
        out[lang] = reason[lang].format(level=level, ai_act_class=ai_class)
    return out


def obligations_for(
    stakes: Stakes, *, current_stage: str | None = None, rules: Rules | None = None
) -> list[Obligation]:
    """Every obligation the stakes impose, ordered by the gate that checks them.

    An obligation due at the *next* gate (``do_not_proceed``) is placed at
    ``current_stage``, or at the impact assessment gate when no stage is given.
    Raises ``ValueError`` for an unknown ``current_stage``.
    """
    rules = rules or load_rules()
    if current_stage is not None and current_stage not in STAGE_KEYS:
        raise ValueError(f"unknown stage {current_stage!r}; expected one of {STAGE_KEYS}")
    next_gate = current_stage or DEFAULT_NEXT_GATE
    found: list[Obligation] = []
    for rule in rules.rules:
        alternative = next((a for a in rule.when if _holds(a.condition, stakes)), None)
        if alternative is None:
            continue
        found.append(
            Obligation(
                key=rule.key,
                stage=next_gate if rule.stage == NEXT_GATE else rule.stage,
                kind=rule.kind,
                text=dict(rule.text),
                reason=_render(alternative.reason, stakes, rules.class_labels),
                requirement=json.loads(json.dumps(rule.requirement)),
                gate=next_gate if rule.gate == NEXT_GATE else rule.gate,
                blocking=rule.blocking,
            )
        )
    found.sort(key=lambda obligation: STAGE_KEYS.index(obligation.gate))
    return found


def obligations_at_gate(
    stakes: Stakes, stage_key: str, *, rules: Rules | None = None
) -> list[Obligation]:
    """The obligations the gate closing ``stage_key`` must check.

    Includes every *next-gate* obligation, since whichever gate comes next must
    check it. Raises ``ValueError`` for an unknown stage key.
    """
    if stage_key not in STAGE_KEYS:
        raise ValueError(f"unknown stage {stage_key!r}; expected one of {STAGE_KEYS}")
    return [
        obligation
        for obligation in obligations_for(stakes, current_stage=stage_key, rules=rules)
        if obligation.gate == stage_key
    ]


def is_blocked(stakes: Stakes, *, rules: Rules | None = None) -> bool:
    """Whether the stakes carry an obligation that can never be met (so: revise or stop)."""
    return any(obligation.blocking for obligation in obligations_for(stakes, rules=rules))

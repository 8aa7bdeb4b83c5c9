"""Proportionality: the one place that turns assessment results into obligations.

The stakes of a procurement (the impact level from the impact questionnaire,
the AI Act class from the screening, and whether a fundamental rights impact
assessment and EU database registration are due) decide which engagement,
roles, reviews and publications it owes, at which stage, and which gate checks
each one (DOMAIN.md section 6). The rules are data, in ``data/obligations.json``:
each rule names its kind, stage, gate, what it requires and one or more
alternative conditions, each with the plain-language reason shown when it
applies. This package validates that file and evaluates it; it never branches on
an obligation's key.

Conditions are objects whose keys must all hold; a rule applies when any of its
``when`` alternatives holds (the first one that holds gives the reason):

- ``{"min_level": n}``: the impact level is known and at least ``n`` (1 to 4);
- ``{"level_known": bool}``: whether the impact level is known;
- ``{"ai_act_class": [classes]}``: the AI Act class is one of these;
- ``{"ai_act_class_known": bool}``: whether the AI Act class is known;
- ``{"fria_required": bool}``, ``{"eu_registration_required": bool}``: the flags;
- ``{}``: always.

A rule whose stage and gate are ``"next"`` is checked at whatever gate comes
next: it is returned for every gate (a blocking obligation such as "do not
proceed" can never be met, so no gate may close with "proceed").

The package is laid out as: :mod:`.vocabulary` (stage keys, levels, classes,
kinds and the words requirements use), :mod:`.model` (data types and errors),
:mod:`.loader` (reading and validating the file) and :mod:`.engine`
(:func:`obligations_for` and friends). Import from the package itself:
``from participai.assessment.proportionality import obligations_for``.

Pure: no Django import. ``STAGE_KEYS`` mirrors ``participai.procurements.lifecycle``
(a test keeps them equal).
"""

from participai.assessment.datafiles import LANGUAGES, Text

from .engine import is_blocked, obligations_at_gate, obligations_for
from .loader import DATA_PATH, load_rules, parse_rules
from .model import Alternative, Obligation, ObligationsDataError, Rule, Rules, Stakes
from .vocabulary import (
    ACTOR_KINDS,
    AI_ACT_CLASSES,
    AUDIENCES,
    CONDITION_KEYS,
    DECISION_STAGES,
    DEFAULT_NEXT_GATE,
    DEMOCRATIC_FUNCTIONS,
    DEPTHS,
    INSTITUTIONALISATION,
    KINDS,
    LEVEL_NAMES,
    LEVELS,
    NEXT_GATE,
    REASON_PLACEHOLDERS,
    STAGE_KEYS,
)

__all__ = [
    "ACTOR_KINDS",
    "AI_ACT_CLASSES",
    "AUDIENCES",
    "CONDITION_KEYS",
    "DATA_PATH",
    "DECISION_STAGES",
    "DEFAULT_NEXT_GATE",
    "DEMOCRATIC_FUNCTIONS",
    "DEPTHS",
    "INSTITUTIONALISATION",
    "KINDS",
    "LANGUAGES",
    "LEVELS",
    "LEVEL_NAMES",
    "NEXT_GATE",
    "REASON_PLACEHOLDERS",
    "STAGE_KEYS",
    "Alternative",
    "Obligation",
    "ObligationsDataError",
    "Rule",
    "Rules",
    "Stakes",
    "Text",
    "is_blocked",
    "load_rules",
    "obligations_at_gate",
    "obligations_for",
    "parse_rules",
]

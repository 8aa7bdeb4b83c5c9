"""The vocabularies the obligations file and the engine share.

The lifecycle stages and participation words come from
``participai.core.vocabulary``; here are the impact levels and AI Act classes a rule can test,
the kinds of obligation, and the words a requirement may use (DOMAIN.md
sections 3, 4 and 7).

Pure: no Django import.
"""

from __future__ import annotations

# Re-exported for the loader and engine (the ``as`` marks them as such).
from participai.core.vocabulary import ACTOR_KINDS as ACTOR_KINDS
from participai.core.vocabulary import DECISION_STAGES as DECISION_STAGES
from participai.core.vocabulary import DEMOCRATIC_FUNCTIONS as DEMOCRATIC_FUNCTIONS
from participai.core.vocabulary import DEPTHS as DEPTHS
from participai.core.vocabulary import INSTITUTIONALISATION as INSTITUTIONALISATION
from participai.core.vocabulary import STAGE_KEYS as STAGE_KEYS

NEXT_GATE = "next"
# The gate a "next" obligation is reported at when no current stage is given:
# the screening that can find a banned practice is done there.
DEFAULT_NEXT_GATE = "impact_assessment"

LEVELS: tuple[int, ...] = (1, 2, 3, 4)
LEVEL_NAMES: dict[int, str] = {1: "I", 2: "II", 3: "III", 4: "IV"}
AI_ACT_CLASSES: tuple[str, ...] = ("prohibited", "high_risk", "limited", "minimal")
KINDS: tuple[str, ...] = ("role", "mechanism", "review", "publication", "human_oversight")

# Vocabularies used in requirement details (DOMAIN.md sections 3, 4 and 7).
AUDIENCES: tuple[str, ...] = ("public", "affected_people", "eu_database")

CONDITION_KEYS: tuple[str, ...] = (
    "min_level",
    "level_known",
    "ai_act_class",
    "ai_act_class_known",
    "fria_required",
    "eu_registration_required",
)
# Placeholders a reason may use, and the condition that makes each meaningful.
REASON_PLACEHOLDERS: dict[str, str] = {"level": "min_level", "ai_act_class": "ai_act_class"}

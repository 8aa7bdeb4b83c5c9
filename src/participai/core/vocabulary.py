"""The words the domain's data files and pure engines share (DOMAIN.md §2 to §7).

One place for the lifecycle's stage keys, the shipped languages and the
participation vocabulary (democratic functions, institutionalisation, decision
stages, the involvement ladder), so the toolbox, the proportionality rules and
the lifecycle cannot drift apart. Pure: no Django import, so the pure engines
can use it; ``procurements.lifecycle`` checks its stages against it on import.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "es", "ca")

# The ten lifecycle stages, in order.
STAGE_KEYS: tuple[str, ...] = (
    "problem_definition",
    "impact_assessment",
    "engagement_planning",
    "market_engagement",
    "solicitation_preparation",
    "vendor_evaluation",
    "solution_evaluation",
    "contract_negotiation",
    "contract_monitoring",
    "review",
)

# Peña-López's three layers and five stages of a decision (DOMAIN.md §3).
DEMOCRATIC_FUNCTIONS: tuple[str, ...] = ("transparency", "participation", "collaboration")
DECISION_STAGES: tuple[str, ...] = (
    "diagnosis",
    "deliberation",
    "negotiation",
    "vote",
    "assessment",
)
INSTITUTIONALISATION: tuple[str, ...] = ("ad_hoc", "recurring", "standing_body", "binding")
# The actor map's involvement ladder, lowest first (DOMAIN.md §4).
DEPTHS: tuple[str, ...] = ("inform", "consult", "involve", "collaborate", "empower")

# The kinds of actor an actor map holds and obligations name (DOMAIN.md §4).
ACTOR_KINDS: tuple[str, ...] = (
    "procurement_officer",
    "project_lead",
    "it_data_expert",
    "legal_officer",
    "senior_leadership",
    "end_user_representative",
    "affected_community",
    "frontline_worker",
    "independent_expert",
    "civil_society",
    "academia",
    "oversight_body",
    "supplier",
)
# The sector an actor belongs to.
SECTORS: tuple[str, ...] = (
    "public_administration",
    "civil_society",
    "academia",
    "private_sector",
    "general_public",
)

# The kinds of module a participation process can hold (issue: public participation).
MODULE_KINDS: tuple[str, ...] = (
    "comments",
    "survey",
    "statements",
    "prioritisation",
    "document_review",
    "event",
)
# How a contribution reached the platform: typed by its author online, or
# entered by a facilitator on someone's behalf (assisted participation).
CHANNELS: tuple[str, ...] = ("online", "in_person", "phone", "paper", "assisted_online")

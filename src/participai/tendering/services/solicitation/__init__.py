"""Every write while the tender is prepared: its settings, requirements and their
sources, weighted criteria, contract clauses, publication, and the public review
of the draft.

Keyword-only, one transaction each. The procurement row is locked first, then
the tender (the order ``tendering.access.access_tender`` uses), then the
actor's right is checked (``Action.PREPARE_TENDER``: the procurement team,
while the stage enables the tender and the procurement is active;
``Action.PUBLISH_TENDER`` to publish), then the input is validated
(``ValidationError`` keyed by field, nothing saved), then the write and its
audit event.

Everything but the public review changes only a draft: publication freezes
the tender, so that suppliers bid on exactly what the public page shows.

The modules, all re-exported here (import from this package, not from them):

- ``_common``: what the others share: locking the procurement then the tender,
  the draft check (``PUBLISHED``), the audit event, text cleaning and length
  checks (``TITLE_MAX``), and the positions of ordered rows (``UP``, ``DOWN``).
- ``tender``: :func:`tender_start`, :func:`tender_update`, :func:`tender_publish`,
  and the check of the criteria's weights in words (:func:`weight_problems`,
  :func:`weight_problem_text`, :func:`criterion_specs`, :func:`minimum_for`,
  ``WEIGHT_MESSAGES``).
- ``requirements``: requirements (``requirement_*``) and the sources they are
  traced to (``requirement_source_*``, :func:`fria_risk_lines`).
- ``criteria``: the weighted evaluation criteria (``criterion_*``).
- ``clauses``: the contract clauses (``clause_*``, :func:`is_high_risk`).
- ``review``: the public review of the draft (:func:`tender_send_to_review`,
  :func:`review_stage_takes_documents`).
"""

from __future__ import annotations

from ._common import DOWN, PUBLISHED, TITLE_MAX, UP
from .clauses import (
    CLAUSE_MAX,
    THEME_MAX,
    clause_add_custom,
    clause_add_from_library,
    clause_move,
    clause_propose,
    clause_remove,
    clause_update,
    is_high_risk,
)
from .criteria import (
    CENT,
    DESCRIPTION_MAX,
    DESCRIPTOR_MAX,
    SCALE_RANGE,
    WEIGHT_RANGE,
    criterion_add,
    criterion_move,
    criterion_remove,
    criterion_update,
)
from .requirements import (
    LABEL_MAX,
    TEXT_MAX,
    fria_risk_lines,
    requirement_add,
    requirement_move,
    requirement_remove,
    requirement_source_add,
    requirement_source_remove,
    requirement_update,
)
from .review import review_stage_takes_documents, tender_send_to_review
from .tender import (
    OUTCOMES_MAX,
    RESPONSIBLE_AI_MINIMUM_UNASSESSED,
    WEIGHT_MESSAGES,
    criterion_specs,
    minimum_for,
    tender_publish,
    tender_start,
    tender_update,
    weight_problem_text,
    weight_problems,
)

__all__ = [
    "CENT",
    "CLAUSE_MAX",
    "DESCRIPTION_MAX",
    "DESCRIPTOR_MAX",
    "DOWN",
    "LABEL_MAX",
    "OUTCOMES_MAX",
    "PUBLISHED",
    "RESPONSIBLE_AI_MINIMUM_UNASSESSED",
    "SCALE_RANGE",
    "TEXT_MAX",
    "THEME_MAX",
    "TITLE_MAX",
    "UP",
    "WEIGHT_MESSAGES",
    "WEIGHT_RANGE",
    "clause_add_custom",
    "clause_add_from_library",
    "clause_move",
    "clause_propose",
    "clause_remove",
    "clause_update",
    "criterion_add",
    "criterion_move",
    "criterion_remove",
    "criterion_specs",
    "criterion_update",
    "fria_risk_lines",
    "is_high_risk",
    "minimum_for",
    "requirement_add",
    "requirement_move",
    "requirement_remove",
    "requirement_source_add",
    "requirement_source_remove",
    "requirement_update",
    "review_stage_takes_documents",
    "tender_publish",
    "tender_send_to_review",
    "tender_start",
    "tender_update",
    "weight_problem_text",
    "weight_problems",
]

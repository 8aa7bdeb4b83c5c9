"""Every write of the vendor evaluation: bids, the panel, declarations, scores,
moderation, the award and the publication of individual scores.

Keyword-only, one transaction each. Each service locks the procurement row,
then the tender row (the order every tendering service follows), checks the
actor's right (``procurements.access.require`` for role and stage, and
``tendering.access.require_bids_readable`` wherever bids are read: sealed
bids, conflicts and undeclared seats raise ``PermissionDenied``), validates
the input (``ValidationError`` keyed by field, nothing saved), then writes and
records its audit event.

The audit trail is readable by auditors and the organisation's admin, who may
sit on the panel. So events never carry what they must not learn early: a
bid's supplier, price or documents before the opening (only its number), a
member's score or justification before moderation (only which cell was
scored), or the words of a declaration of interests.

The modules, all re-exported here (import from this package, not from them):

- ``_common``: what the others share: locking the procurement, the tender and
  a seat, the checks that the procurement is active, the tender under
  evaluation and the seat the actor's own, reading numbers, a valid bid of the
  tender, and the length of free text (``TEXT_MAX``).
- ``bids``: bids and their documents (:func:`bid_record`,
  :func:`bid_document_add`, :func:`bid_exclude`, :func:`bid_withdraw`; the
  limits ``SUPPLIER_MAX``, ``IDENTIFIER_MAX``, ``DOCUMENT_TITLE_MAX``,
  ``PRICE_LIMIT``).
- ``panel``: the panel's seats and declarations of interests
  (:func:`panel_member_add`, :func:`panel_member_remove`,
  :func:`interests_declare`).
- ``scores``: each member's scores, their submission and the moderation
  (:func:`score_save`, :func:`scores_submit`, :func:`score_moderate`,
  :func:`reason_needed_message`).
- ``award``: the award and the publication of each evaluator's scores
  (:func:`award_record`, :func:`scores_publish`; ``RATIONALE_MIN``).
"""

from __future__ import annotations

from ._common import TEXT_MAX
from .award import RATIONALE_MIN, award_record, scores_publish
from .bids import (
    DOCUMENT_TITLE_MAX,
    IDENTIFIER_MAX,
    PRICE_LIMIT,
    SUPPLIER_MAX,
    bid_document_add,
    bid_exclude,
    bid_record,
    bid_withdraw,
)
from .panel import interests_declare, panel_member_add, panel_member_remove
from .scores import reason_needed_message, score_moderate, score_save, scores_submit

__all__ = [
    "DOCUMENT_TITLE_MAX",
    "IDENTIFIER_MAX",
    "PRICE_LIMIT",
    "RATIONALE_MIN",
    "SUPPLIER_MAX",
    "TEXT_MAX",
    "award_record",
    "bid_document_add",
    "bid_exclude",
    "bid_record",
    "bid_withdraw",
    "interests_declare",
    "panel_member_add",
    "panel_member_remove",
    "reason_needed_message",
    "score_moderate",
    "score_save",
    "scores_publish",
    "scores_submit",
]

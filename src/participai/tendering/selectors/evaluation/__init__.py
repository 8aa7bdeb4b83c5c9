"""Reads of the vendor evaluation: the staff overview, the moderation table, the
results (ranking, sensitivity, the community panel's part) and an evaluator's seat.

Every function here runs a fixed number of queries whatever the number of bids,
criteria, members and scores. Who may read what is decided by
``tendering.access``: these selectors take its answers (whether bids are
readable, whose scores the viewer may see) and leave out what is refused, so a
template cannot show a sealed bid or another member's scores by mistake.

The modules, all re-exported here (import from this package, not from them):

- ``_common``: which criteria the panel scores (:func:`judged`), and what is
  handed to the pure ``scoring`` module: the keys of bids and criteria
  (:func:`scoring_key`), the criteria (:func:`criterion_specs`) and the
  formula-scored criteria's scores (:func:`formula_scores`).
- ``page``: where the panel stands and whether moderation may start
  (:class:`Progress`, :func:`panel_progress`, :func:`panel_of`,
  :func:`moderation_progress`), and the staff overview with its moderation
  table (:func:`evaluation_page`, :class:`EvaluationPage`, :class:`PanelRow`,
  :class:`ModerationRow`, :class:`ModerationCell`).
- ``ranking``: the results: the ranking, its sensitivity to the weights and
  the community panel's part (:func:`results`, :class:`Results`,
  :class:`RankedBid`, :class:`SensitivityRow`, ``SENSITIVITY_DELTA``). Not
  named ``results``, so that the module does not share its name with the
  function re-exported here.
- ``seat``: what an evaluator sees in their seat (:func:`seat_page`,
  :class:`SeatPage`, :class:`BidSheet`, :class:`SheetRow`).
"""

from __future__ import annotations

from ._common import criterion_specs, formula_scores, judged, member_scores, scoring_key
from .page import (
    EvaluationPage,
    ModerationCell,
    ModerationRow,
    PanelRow,
    Progress,
    evaluation_page,
    moderation_progress,
    panel_of,
    panel_progress,
)
from .ranking import SENSITIVITY_DELTA, RankedBid, Results, SensitivityRow, results
from .seat import BidSheet, SeatPage, SheetRow, seat_page

__all__ = [
    "SENSITIVITY_DELTA",
    "BidSheet",
    "EvaluationPage",
    "ModerationCell",
    "ModerationRow",
    "PanelRow",
    "Progress",
    "RankedBid",
    "Results",
    "SeatPage",
    "SensitivityRow",
    "SheetRow",
    "criterion_specs",
    "evaluation_page",
    "formula_scores",
    "judged",
    "member_scores",
    "moderation_progress",
    "panel_of",
    "panel_progress",
    "results",
    "scoring_key",
    "seat_page",
]

"""The actor map of a procurement, computed: grid, coverage, gaps and suggestions.

Input is a sequence of :class:`MapActor` (who, in which role and sector,
whether affected, influence and interest from 1 to 5, and how deeply they take
part at each lifecycle stage). From it this package:

- places every actor on a **power-interest grid** (:func:`grid_layout`):
  influence up, interest to the right, four quadrants; actors with the same
  two scores share a cell and are spread over it so no two points coincide;
- draws the grid (:func:`render_grid_svg`) and the **stage x actor coverage
  matrix** (:func:`render_coverage_svg`) as SVG: ``role="img"`` with a
  ``<title>`` and a ``<desc>`` that says in words what the picture shows,
  every cell of the matrix shaded by depth *and* marked with the depth's rung
  on the ladder (1 inform ... 5 empower), so it reads in black and white;
  all text XML-escaped, output byte-for-byte deterministic;
- finds **gaps** (:func:`find_gaps`, DOMAIN.md section 4);
- **suggests** actors not yet on the map (:func:`suggestions`): the roles of
  DOMAIN.md section 4, the affected groups of the fundamental rights
  assessment, and the people the procurement names as affected.

Thresholds (constants of :mod:`.model`, used by the gaps):

- A *voice* is an involvement at :data:`VOICE_MIN_DEPTH` ("consult") or
  deeper: being informed is one-way, so it fills no gap.
- A score of :data:`HIGH_FROM` (3) or more is *high* on the grid: the middle
  of the scale errs towards engaging more, not less.
- *The same few voices*: when at least :data:`FEW_VOICES_MIN_STAGES` (4)
  stages have someone involved (any depth) and at most
  :data:`FEW_VOICES_MAX_ACTORS` (2) actors hold strictly more than
  :data:`FEW_VOICES_SHARE` (60 %) of all involvements. *Only the team*: some
  actor is involved and every involved actor is of a procurement-team kind
  (:data:`TEAM_KINDS`); this one is reported instead of the first.
- An independent expert is expected from impact level
  :data:`EXPERT_FROM_LEVEL` (III) up.

The package is laid out as :mod:`.model` (vocabulary, thresholds, the
input), :mod:`.svg` (hand-written SVG helpers), :mod:`.grid`,
:mod:`.coverage`, :mod:`.gaps` and :mod:`.suggest`. Import from the package
itself: ``from participai.engagement import actormap``.

Pure: no Django import. Wording is passed in by the caller (the defaults are
English), so pages can translate it.
"""

from __future__ import annotations

from participai.core.svg import (
    xml_text,
)

from .coverage import (
    DEPTH_FILL,
    DEPTH_INK,
    DEPTH_MARKS,
    CoverageRow,
    CoverageText,
    coverage_description,
    coverage_rows,
    render_coverage_svg,
    stage_counts,
)
from .gaps import (
    Gap,
    find_gaps,
)
from .grid import (
    GridLayout,
    GridPoint,
    GridText,
    grid_description,
    grid_layout,
    quadrant,
    render_grid_svg,
)
from .model import (
    AFFECTED_GROUP_DEFAULT,
    AFFECTED_GROUP_KIND,
    AFTER_AWARD_STAGES,
    DEPTH_RANK,
    END_USER_KINDS,
    EVALUATION_STAGES,
    EXPERT_FROM_LEVEL,
    FEW_VOICES_MAX_ACTORS,
    FEW_VOICES_MIN_STAGES,
    FEW_VOICES_SHARE,
    GAP_KEYS,
    GAP_NO_AFFECTED_AT_PROBLEM,
    GAP_NO_END_USER_IN_EVALUATION,
    GAP_NO_INDEPENDENT_EXPERT,
    GAP_NO_OVERSIGHT_AFTER_AWARD,
    GAP_ONLY_TEAM_VOICES,
    GAP_SAME_FEW_VOICES,
    HIGH_FROM,
    KEEP_INFORMED,
    KEEP_SATISFIED,
    MANAGE_CLOSELY,
    MONITOR,
    NAME_MAX,
    PROBLEM_STAGE,
    QUADRANTS,
    ROLE_DEFAULTS,
    SCALE,
    SOURCE_AFFECTED_PEOPLE,
    SOURCE_FRIA,
    SOURCE_ROLE,
    SOURCES,
    TEAM_KINDS,
    VOICE_MIN_DEPTH,
    MapActor,
    RoleDefault,
)
from .suggest import (
    Suggestion,
    affected_people_groups,
    suggestions,
)

__all__ = [
    "AFFECTED_GROUP_DEFAULT",
    "AFFECTED_GROUP_KIND",
    "AFTER_AWARD_STAGES",
    "DEPTH_FILL",
    "DEPTH_INK",
    "DEPTH_MARKS",
    "DEPTH_RANK",
    "END_USER_KINDS",
    "EVALUATION_STAGES",
    "EXPERT_FROM_LEVEL",
    "FEW_VOICES_MAX_ACTORS",
    "FEW_VOICES_MIN_STAGES",
    "FEW_VOICES_SHARE",
    "GAP_KEYS",
    "GAP_NO_AFFECTED_AT_PROBLEM",
    "GAP_NO_END_USER_IN_EVALUATION",
    "GAP_NO_INDEPENDENT_EXPERT",
    "GAP_NO_OVERSIGHT_AFTER_AWARD",
    "GAP_ONLY_TEAM_VOICES",
    "GAP_SAME_FEW_VOICES",
    "HIGH_FROM",
    "KEEP_INFORMED",
    "KEEP_SATISFIED",
    "MANAGE_CLOSELY",
    "MONITOR",
    "NAME_MAX",
    "PROBLEM_STAGE",
    "QUADRANTS",
    "ROLE_DEFAULTS",
    "SCALE",
    "SOURCES",
    "SOURCE_AFFECTED_PEOPLE",
    "SOURCE_FRIA",
    "SOURCE_ROLE",
    "TEAM_KINDS",
    "VOICE_MIN_DEPTH",
    "CoverageRow",
    "CoverageText",
    "Gap",
    "GridLayout",
    "GridPoint",
    "GridText",
    "MapActor",
    "RoleDefault",
    "Suggestion",
    "affected_people_groups",
    "coverage_description",
    "coverage_rows",
    "find_gaps",
    "grid_description",
    "grid_layout",
    "quadrant",
    "render_coverage_svg",
    "render_grid_svg",
    "stage_counts",
    "suggestions",
    "xml_text",
]

"""Workspace pages of the tender while it is prepared (under
``/workspace/procurements/<slug>/tender/``): the overview with requirements,
criteria and clauses, their forms, the clause library, publication and the
public review of the draft.

Every member of the organisation reads (others get a 404). Writing needs
``Action.PREPARE_TENDER`` (publishing ``Action.PUBLISH_TENDER``) at a stage
that enables the tender, on an active procurement: 403 otherwise. Writes are
POST only; a refused form comes back with its errors (status 400), a refused
button with a message on the overview. Once published the pages only read.

The modules, all re-exported here for ``urls.solicitation``:

- ``_common``: what the others share: ``FORM_METHODS``, the redirect to the
  overview, reaching the tender, refusals as messages, the check that the
  tender is still a draft, and the page of a form handed to a service.
- ``tender``: the overview, starting the tender, its settings, publication
  and the public review (:func:`overview`, :func:`start`, :func:`settings`,
  :func:`publish`, :func:`review`).
- ``requirements``: requirements and their sources (:func:`requirement_add`,
  :func:`requirement_edit`, :func:`requirement_remove`,
  :func:`requirement_move`, :func:`source_add`, :func:`source_remove`).
- ``criteria``: evaluation criteria (:func:`criterion_add`,
  :func:`criterion_edit`, :func:`criterion_remove`, :func:`criterion_move`).
- ``contract_clauses``: the clause library and the tender's clauses
  (:func:`clauses`, :func:`clause_propose`, :func:`clause_add`,
  :func:`clause_custom`, :func:`clause_edit`, :func:`clause_remove`,
  :func:`clause_move`).

No module is named ``overview`` or ``clauses``: re-exported here, the view of
that name would shadow its own module.
"""

from __future__ import annotations

from .contract_clauses import (
    clause_add,
    clause_custom,
    clause_edit,
    clause_move,
    clause_propose,
    clause_remove,
    clauses,
)
from .criteria import criterion_add, criterion_edit, criterion_move, criterion_remove
from .requirements import (
    requirement_add,
    requirement_edit,
    requirement_move,
    requirement_remove,
    source_add,
    source_remove,
)
from .tender import overview, publish, review, settings, start

__all__ = [
    "clause_add",
    "clause_custom",
    "clause_edit",
    "clause_move",
    "clause_propose",
    "clause_remove",
    "clauses",
    "criterion_add",
    "criterion_edit",
    "criterion_move",
    "criterion_remove",
    "overview",
    "publish",
    "requirement_add",
    "requirement_edit",
    "requirement_move",
    "requirement_remove",
    "review",
    "settings",
    "source_add",
    "source_remove",
    "start",
]

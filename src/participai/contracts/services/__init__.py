"""Every write to the contract record: start, update, sign; KPIs; payment milestones.

Keyword-only, one transaction each: the procurement row is locked first, then
the contract, then the actor's right is checked (``Action.EDIT_CONTRACT``: the
organisation's admin, procurement officers and legal officers, while the
stage enables the contract and the procurement is active), then the input
(``ValidationError`` keyed by field, nothing saved), then the write and its
audit event (``contracts.<thing>_<verb>``).

A signed contract is not edited by these services: a change after signature
is an amendment, with its own record.

The modules, all re-exported here (import from this package, not from them):

- ``_common``: what the others share: the limits ``SHORT_MAX``, ``UNIT_MAX``,
  ``TEXT_MAX`` and the ``CURRENCY`` pattern; locking the procurement and the
  contract (refused once signed) after the right is checked; the audit event;
  the checks of a line, a text, a number and a currency code.
- ``contract``: the contract itself (:func:`contract_start`,
  :func:`contract_update`, :func:`contract_sign`).
- ``kpis``: its KPIs (:func:`kpi_add`, :func:`kpi_update`, :func:`kpi_remove`).
- ``milestones``: its payment milestones (:func:`milestone_add`,
  :func:`milestone_update`, :func:`milestone_remove`).
"""

from __future__ import annotations

from ._common import CURRENCY, SHORT_MAX, TEXT_MAX, UNIT_MAX
from .contract import contract_sign, contract_start, contract_update
from .kpis import kpi_add, kpi_remove, kpi_update
from .milestones import milestone_add, milestone_remove, milestone_update

__all__ = [
    "CURRENCY",
    "SHORT_MAX",
    "TEXT_MAX",
    "UNIT_MAX",
    "contract_sign",
    "contract_start",
    "contract_update",
    "kpi_add",
    "kpi_remove",
    "kpi_update",
    "milestone_add",
    "milestone_remove",
    "milestone_update",
]

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
- ``measurements``, ``suppliers``, ``alerts``: KPI measurements (one at a
  time or from a CSV file, all or nothing), the supplier's access to its own
  contract, and alerts on breaches and late measurements.
- ``payments``: the payment ledger (:func:`payment_release`,
  :func:`payment_withhold`).
- ``audits``: audits and their findings' follow-up.
- ``incidents``: reports from anyone, triage, the authority's notification.
- ``review``: the review, the exit checklist and lessons learned.
"""

from __future__ import annotations

from ._common import CURRENCY, SHORT_MAX, TEXT_MAX, UNIT_MAX
from .alerts import alert_breach, alert_notify, alert_resolve, alerts_check
from .audits import audit_record, audit_update, finding_add, finding_update
from .contract import contract_sign, contract_start, contract_update
from .incidents import (
    incident_notify_authority,
    incident_report,
    incident_resolve,
    incident_triage,
    incident_update,
)
from .kpis import kpi_add, kpi_remove, kpi_update
from .measurements import csv_problem_message, measurement_record, measurements_import_csv
from .milestones import milestone_add, milestone_remove, milestone_update
from .payments import payment_release, payment_withhold
from .review import (
    exit_step_add,
    exit_step_done,
    exit_step_update,
    lesson_update,
    lesson_write,
    review_record,
)
from .suppliers import (
    has_supplier_access,
    supplier_access_grant,
    supplier_access_revoke,
    supplier_may_record,
)

__all__ = [
    "CURRENCY",
    "SHORT_MAX",
    "TEXT_MAX",
    "UNIT_MAX",
    "alert_breach",
    "alert_notify",
    "alert_resolve",
    "alerts_check",
    "audit_record",
    "audit_update",
    "contract_sign",
    "contract_start",
    "contract_update",
    "csv_problem_message",
    "exit_step_add",
    "exit_step_done",
    "exit_step_update",
    "finding_add",
    "finding_update",
    "has_supplier_access",
    "incident_notify_authority",
    "incident_report",
    "incident_resolve",
    "incident_triage",
    "incident_update",
    "kpi_add",
    "kpi_remove",
    "kpi_update",
    "lesson_update",
    "lesson_write",
    "measurement_record",
    "measurements_import_csv",
    "milestone_add",
    "milestone_remove",
    "milestone_update",
    "payment_release",
    "payment_withhold",
    "review_record",
    "supplier_access_grant",
    "supplier_access_revoke",
    "supplier_may_record",
]

"""KPI measurements: entered one at a time (by staff or the supplier, with
evidence attached) or imported from a CSV file, all or nothing.

Who: staff with ``Action.RECORD_MEASUREMENT``, or a supplier with access to
that contract while it is monitored (see ``suppliers``); the measurement
records which (``source``). What: a signed contract; a period end
(``measured_on``) not in the future and within the contract's dates; a
value that fits the column; a group of the KPI's groups for a fairness KPI
(none for a KPI measured as a whole); one measurement per KPI, period and
group. A value beyond the threshold raises a breach alert in the same
transaction (``alerts.alert_breach``); its owner is emailed after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.text import clean_plain
from participai.procurements import uploads
from participai.procurements.access import Action
from participai.procurements.services import hash_and_head
from participai.procurements.uploads import UploadRejected, check_upload

from .. import csv_measurements
from ..models import Contract, Kpi, Measurement, MeasurementSource
from ._common import _audit, _number, _raise, _text
from .alerts import alert_breach
from .suppliers import _locked_monitored

NOTE_MAX = csv_measurements.NOTE_MAX
CSV_MAX_BYTES = 2 * 1024 * 1024


def _upload_message(rejected: UploadRejected) -> str:
    # As procurements.services.document_add: marked params are translated.
    params = {name: value and _(value) for name, value in rejected.params.items()}
    return _(uploads.MESSAGES[rejected.code]) % params


def _check(
    *,
    contract: Contract,
    kpi: Kpi,
    measured_on: Any,
    value: Any,
    group: str,
    cases: Any,
    note: str,
    errors: dict[str, str],
) -> dict[str, Any]:
    """The measurement's fields, checked (messages added to ``errors`` by field)."""
    today = timezone.localdate()
    if not isinstance(measured_on, datetime.date):
        errors["measured_on"] = _("Give the date the period ended.")
    elif measured_on > today:
        errors["measured_on"] = _("The period cannot end in the future.")
    elif not contract.start_date <= measured_on <= contract.end_date:
        errors["measured_on"] = _(
            "Give a date within the contract, from %(start)s to %(end)s."
        ) % {"start": contract.start_date.isoformat(), "end": contract.end_date.isoformat()}
    number = _number(value, "value", errors, places=4, negative=True)
    group = " ".join(clean_plain(group or "").split())
    groups = kpi.groups
    if groups and group not in groups:
        errors["group"] = _("Choose one of the groups of this KPI: %(groups)s.") % {
            "groups": ", ".join(groups)
        }
    elif not groups and group:
        errors["group"] = _("This KPI is not reported by group: leave the group empty.")
    if cases in ("", None):
        cases = None
    else:
        try:
            cases = int(cases)
        except (TypeError, ValueError):
            cases = None
            errors["cases"] = _("Give a whole number of cases.")
        else:
            if cases < 0:
                errors["cases"] = _("It cannot be negative.")
    note = _text(note, "note", errors)
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX}
    return {
        "measured_on": measured_on,
        "value": number,
        "group": group,
        "cases": cases,
        "note": note,
    }


def _duplicate_message(kpi: Kpi, measured_on: datetime.date, group: str) -> str:
    if group:
        return _(
            "A measurement of “%(kpi)s” for %(group)s for the period ending %(date)s is "
            "already recorded."
        ) % {"kpi": kpi.name, "group": group, "date": measured_on.isoformat()}
    return _("A measurement of “%(kpi)s” for the period ending %(date)s is already recorded.") % {
        "kpi": kpi.name,
        "date": measured_on.isoformat(),
    }


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    kpi: Kpi,
    measured_on: datetime.date,
    value: Decimal,
    group: str = "",
    cases: int | None = None,
    note: str = "",
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
    notify: bool = True,
) -> Measurement:
    """Record one value of ``kpi`` for the period ending ``measured_on``.

    ``evidence`` is an optional uploaded file (its name from ``evidence_name``
    or the upload's own), accepted as procurement documents are
    (``procurements.uploads.check_upload``) and stored under its SHA-256.
    ``ValidationError`` keyed by field on bad input (nothing saved). Audited
    as ``contracts.measurement_record``, naming the breach alert it raised.
    """
    contract, source = _locked_monitored(
        actor, kpi.contract_id, Action.RECORD_MEASUREMENT, supplier_ok=True
    )
    kpi = Kpi.objects.get(pk=kpi.pk)
    kpi.contract = contract
    errors: dict[str, str] = {}
    values = _check(
        contract=contract,
        kpi=kpi,
        measured_on=measured_on,
        value=value,
        group=group,
        cases=cases,
        note=note,
        errors=errors,
    )
    duplicate = (
        "measured_on" not in errors
        and "group" not in errors
        and Measurement.objects.filter(
            kpi=kpi, measured_on=values["measured_on"], group=values["group"]
        ).exists()
    )
    if duplicate:
        errors["measured_on"] = _duplicate_message(kpi, values["measured_on"], values["group"])
    evidence_fields: dict[str, Any] = {}
    if evidence is not None:
        filename = clean_plain(
            (evidence_name or getattr(evidence, "name", "") or "").rsplit("/", 1)[-1]
        )
        sha256, head, size = hash_and_head(evidence)
        try:
            kind = check_upload(
                filename=filename, size=size, head=head, max_bytes=settings.DOCUMENT_MAX_BYTES
            )
        except UploadRejected as rejected:
            errors["evidence"] = _upload_message(rejected)
        else:
            evidence_fields = {
                "evidence_name": filename[:255],
                "evidence_extension": kind.extension,
                "evidence_content_type": kind.content_type,
                "evidence_sha256": sha256,
            }
    _raise(errors)
    measurement = Measurement(
        kpi=kpi, source=source, recorded_by=actor, **values, **evidence_fields
    )
    if evidence_fields:
        measurement.evidence.save("upload", File(evidence), save=False)
    measurement.save()
    alert = alert_breach(measurement, notify=notify)
    _audit(
        actor,
        "contracts.measurement_record",
        measurement,
        contract,
        kpi=kpi.pk,
        measurement=measurement.pk,
        measured_on=measurement.measured_on.isoformat(),
        group=measurement.group,
        value=str(measurement.value),
        cases=measurement.cases,
        source=source,
        evidence_sha256=measurement.evidence_sha256,
        alert=alert.pk if alert else None,
    )
    return measurement


def csv_problem_message(problem: csv_measurements.Problem) -> str:
    """One problem of a CSV file, in the reader's language, naming its line and column."""
    text = _(csv_measurements.MESSAGES[problem.code]) % problem.params
    if problem.column:
        return _("Line %(line)d, column “%(column)s”: %(message)s") % {
            "line": problem.line,
            "column": problem.column,
            "message": text,
        }
    return _("Line %(line)d: %(message)s") % {"line": problem.line, "message": text}


@transaction.atomic
def measurements_import_csv(
    *, actor: User, contract: Contract, file: IO[bytes], filename: str = "", notify: bool = True
) -> int:
    """Import the measurements of a CSV file (see ``contracts.csv_measurements``
    for its columns) into the contract's KPIs, all or nothing; returns how
    many. Who may: as :func:`measurement_record` (the rows' source is
    ``csv``).

    Every row gets the checks of :func:`measurement_record` too (dates within
    the contract and not in the future; not already recorded). On any
    problem: ``ValidationError`` on ``file`` listing every problem by line
    and column, and nothing is saved.
    """
    contract, _source = _locked_monitored(
        actor, contract.pk, Action.RECORD_MEASUREMENT, supplier_ok=True
    )
    name = clean_plain((filename or getattr(file, "name", "") or "").rsplit("/", 1)[-1])
    sha256, _head, size = hash_and_head(file)
    if name and not name.lower().endswith(".csv"):
        raise ValidationError({"file": _("Choose a CSV file (.csv).")})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > CSV_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": uploads.human_size(size), "limit": uploads.human_size(CSV_MAX_BYTES)}
            }
        )
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.filter(contract=contract)}
    refs = [
        csv_measurements.KpiRef(id=kpi.pk, name=kpi.name, groups=tuple(kpi.groups))
        for kpi in kpis.values()
    ]
    try:
        rows = csv_measurements.parse(file.read(), kpis=refs)
    except csv_measurements.CsvError as error:
        raise ValidationError(
            {"file": [csv_problem_message(problem) for problem in error.problems]}
        ) from None
    existing = set(
        Measurement.objects.filter(kpi__in=list(kpis)).values_list(
            "kpi_id", "measured_on", "group"
        )
    )
    problems: list[str] = []
    prepared = []
    for row in rows:
        kpi = kpis[row.kpi_id]
        kpi.contract = contract
        errors: dict[str, str] = {}
        values = _check(
            contract=contract,
            kpi=kpi,
            measured_on=row.measured_on,
            value=row.value,
            group=row.group,
            cases=row.cases,
            note=row.note,
            errors=errors,
        )
        if (kpi.pk, row.measured_on, row.group) in existing:
            errors.setdefault("measured_on", _duplicate_message(kpi, row.measured_on, row.group))
        for field, message in errors.items():
            problems.append(
                _("Line %(line)d, column “%(column)s”: %(message)s")
                % {"line": row.line, "column": field, "message": message}
            )
        prepared.append((kpi, values))
    if problems:
        raise ValidationError({"file": problems})
    measurements = Measurement.objects.bulk_create(
        [
            Measurement(kpi=kpi, source=MeasurementSource.CSV, recorded_by=actor, **values)
            for kpi, values in prepared
        ]
    )
    alerts = []
    for measurement in measurements:
        alert = alert_breach(measurement, notify=notify)
        if alert is not None:
            alerts.append(alert.pk)
    _audit(
        actor,
        "contracts.measurements_import_csv",
        contract,
        contract,
        filename=name,
        sha256=sha256,
        count=len(measurements),
        measurements=[m.pk for m in measurements],
        alerts=alerts,
    )
    return len(measurements)

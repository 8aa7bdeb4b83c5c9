"""Reads of KPI monitoring: the page of a contract's KPIs (charts, data
tables, latest status, alerts, supplier access), and the supplier's way in.

The supplier pages reach their contract through
``contracts.access.access_supplier_contract``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from . import kpi_status
from .charts import ChartText, TableRow, chart_table, kpi_chart
from .models import Contract, Kpi, KpiAlert, Measurement, SupplierAccess

# Worst first: the status a KPI shows when its groups differ.
_SEVERITY = {kpi_status.BREACH: 0, kpi_status.BELOW_TARGET: 1, kpi_status.MET: 2}


@dataclass
class KpiPanel:
    kpi: Kpi
    chart: SafeString
    table: list[TableRow]
    status: str | None  # of the latest measurement(s); None before any
    status_label: str
    measurements: list[Measurement]
    alerts: list[KpiAlert] = field(default_factory=list)
    form: Any = None  # the measurement form the page shows, when the reader may record

    @property
    def open_alerts(self) -> list[KpiAlert]:
        return [alert for alert in self.alerts if alert.resolved_at is None]


@dataclass
class MonitoringPage:
    contract: Contract
    panels: list[KpiPanel]
    alerts: list[KpiAlert]
    accesses: list[SupplierAccess]

    @property
    def open_alerts(self) -> list[KpiAlert]:
        return [alert for alert in self.alerts if alert.resolved_at is None]


def monitoring_page(
    contract: Contract, *, text: ChartText | None = None, with_accesses: bool = True
) -> MonitoringPage:
    """Every KPI of ``contract`` with its chart, data table, latest status and
    alerts, plus the alerts and (``with_accesses``) the supplier accesses, in
    a fixed number of queries whatever the number of KPIs and measurements."""
    text = text or ChartText()
    kpis = list(Kpi.objects.filter(contract=contract).select_related("alert_to"))
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(kpi__in=kpis).select_related("recorded_by"):
        by_kpi[measurement.kpi_id].append(measurement)
    alerts = list(KpiAlert.objects.filter(kpi__in=kpis).select_related("kpi"))
    alerts_by_kpi: dict[int, list[KpiAlert]] = defaultdict(list)
    for alert in alerts:
        alerts_by_kpi[alert.kpi_id].append(alert)
    panels = []
    for kpi in kpis:
        measurements = by_kpi[kpi.pk]
        groups = kpi.groups
        if groups:
            series: dict[str, list] | list = {
                group: [(m.measured_on, m.value) for m in measurements if m.group == group]
                for group in groups
            }
            latest = [values[-1][1] for values in series.values() if values]
        else:
            series = [(m.measured_on, m.value) for m in measurements if not m.group]
            latest = [series[-1][1]] if series else []
        states = [
            kpi_status.status(
                v, target=kpi.target, threshold=kpi.threshold, direction=kpi.direction
            )
            for v in latest
        ]
        state = min(states, key=_SEVERITY.__getitem__) if states else None
        common = {"target": kpi.target, "threshold": kpi.threshold, "direction": kpi.direction}
        panels.append(
            KpiPanel(
                kpi=kpi,
                # kpi_chart escapes every text it writes (core.svg.xml_text).
                chart=mark_safe(
                    kpi_chart(
                        series,
                        unit=kpi.unit,
                        title=kpi.name,
                        ident=f"kpi-{kpi.pk}-chart",
                        text=text,
                        **common,
                    )
                ),
                table=chart_table(series, text=text, **common),
                status=state,
                status_label=text.statuses[state] if state else "",
                measurements=measurements,
                alerts=alerts_by_kpi[kpi.pk],
            )
        )
    accesses = (
        list(SupplierAccess.objects.filter(contract=contract).select_related("user", "granted_by"))
        if with_accesses
        else []
    )
    return MonitoringPage(contract=contract, panels=panels, alerts=alerts, accesses=accesses)

"""Recording KPI measurements and importing them from CSV, through the services."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import KpiAlert, Measurement, MeasurementSource
from participai.procurements.models import Procurement

from . import events

JAN = datetime.date(2026, 1, 31)


def record(actor, kpi, **overrides):
    values = {"measured_on": JAN, "value": Decimal("92"), "cases": 140, "note": "From the CMS"}
    values.update(overrides)
    return services.measurement_record(actor=actor, kpi=kpi, **values)


def test_staff_record_a_measurement_with_evidence_and_an_audit_event(officer, monitored_kpi):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.7 monthly report", "application/pdf")
    m = record(officer, monitored_kpi, evidence=pdf)
    assert (m.value, m.source, m.recorded_by, m.cases) == (
        Decimal("92.0000"),
        MeasurementSource.STAFF,
        officer,
        140,
    )
    assert m.evidence_extension == ".pdf" and len(m.evidence_sha256) == 64
    assert m.evidence.read().startswith(b"%PDF")
    event = events("contracts.measurement_record").get()
    assert event.data["value"] == "92.0000" and event.data["alert"] is None


def test_team_roles_may_record_others_may_not(org, make_member, monitored_kpi):
    lead = make_member(org, Role.DATA_EXPERT)
    record(lead, monitored_kpi)
    for role in (Role.AUDITOR, Role.MODERATOR):
        with pytest.raises(PermissionDenied):
            record(make_member(org, role), monitored_kpi, measured_on=datetime.date(2026, 2, 28))
    assert Measurement.objects.count() == 1


def test_not_while_the_stage_does_not_monitor(officer, monitored, monitored_kpi):
    Procurement.objects.filter(pk=monitored.procurement_id).update(stage="contract_negotiation")
    with pytest.raises(PermissionDenied):
        record(officer, monitored_kpi)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measured_on": datetime.date(2025, 12, 31)}, "measured_on"),  # before the contract
        ({"measured_on": datetime.date(2099, 1, 1)}, "measured_on"),  # future
        ({"measured_on": None}, "measured_on"),
        ({"value": "lots"}, "value"),
        ({"value": Decimal("1.23456")}, "value"),
        ({"group": "Women"}, "group"),  # the KPI has no groups
        ({"cases": -1}, "cases"),
        ({"evidence": SimpleUploadedFile("x.exe", b"MZ\x90")}, "evidence"),
        ({"evidence": SimpleUploadedFile("fake.pdf", b"<html>")}, "evidence"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(officer, monitored_kpi, overrides, field):
    with pytest.raises(ValidationError) as caught:
        record(officer, monitored_kpi, **overrides)
    assert field in caught.value.message_dict
    assert not Measurement.objects.exists() and not events("contracts.measurement_record")


def test_one_measurement_per_period_and_group(officer, monitored_kpi):
    record(officer, monitored_kpi)
    with pytest.raises(ValidationError) as caught:
        record(officer, monitored_kpi, value=Decimal("50"))
    assert "already recorded" in caught.value.message_dict["measured_on"][0]
    assert Measurement.objects.get().value == Decimal("92")


def test_groups_of_a_fairness_kpi(officer, monitored_kpi):
    type(monitored_kpi).objects.filter(pk=monitored_kpi.pk).update(disaggregate_by="Women\nMen")
    monitored_kpi.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        record(officer, monitored_kpi)
    assert "group" in caught.value.message_dict
    record(officer, monitored_kpi, group="Women")
    record(officer, monitored_kpi, group="Men")
    assert Measurement.objects.count() == 2


def test_not_on_an_unsigned_contract(officer, make_procurement):
    from . import awarded_tender, complete_contract

    procurement = make_procurement(stage="contract_negotiation")
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    with pytest.raises(ValidationError, match="not signed"):
        record(officer, contract.kpis.get())


def test_a_breach_raises_one_alert_in_the_same_transaction(officer, monitored_kpi):
    m = record(officer, monitored_kpi, value=Decimal("80"))
    alert = KpiAlert.objects.get()
    assert (alert.kind, alert.period, alert.measurement) == ("breach", JAN, m)
    assert events("contracts.measurement_record").get().data["alert"] == alert.pk
    record(officer, monitored_kpi, value=Decimal("90"), measured_on=datetime.date(2026, 2, 28))
    assert KpiAlert.objects.count() == 1  # below target is not a breach


# --- CSV ---------------------------------------------------------------------------------


def csv_file(text: str, name: str = "measurements.csv") -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


GOOD = (
    "kpi,measured_on,value,cases,note\n"
    "Urgent referrals seen the same day,2026-01-31,96,120,\n"
    "Urgent referrals seen the same day,2026-02-28,80,131,Staff shortage\n"
)


def test_import_all_rows_and_raise_breach_alerts(officer, monitored):
    assert (
        services.measurements_import_csv(actor=officer, contract=monitored, file=csv_file(GOOD))
        == 2
    )
    assert list(Measurement.objects.values_list("value", "source")) == [
        (Decimal("96"), "csv"),
        (Decimal("80"), "csv"),
    ]
    assert KpiAlert.objects.get().period == datetime.date(2026, 2, 28)
    event = events("contracts.measurements_import_csv").get()
    assert event.data["count"] == 2 and event.data["alerts"] == [KpiAlert.objects.get().pk]


def test_a_bad_file_reports_its_lines_and_imports_nothing(officer, monitored):
    bad = GOOD + (
        "Urgent referrals seen the same day,2026-13-01,90,,\n"  # line 4
        "Nope,2026-03-31,90,,\n"  # line 5
    )
    with pytest.raises(ValidationError) as caught:
        services.measurements_import_csv(actor=officer, contract=monitored, file=csv_file(bad))
    messages = caught.value.message_dict["file"]
    assert messages[0].startswith("Line 4, column “measured_on”")
    assert messages[1].startswith("Line 5, column “kpi”")
    assert not Measurement.objects.exists() and not KpiAlert.objects.exists()
    assert not events("contracts.measurements_import_csv")


def test_rows_are_checked_against_the_contract_and_the_database(officer, monitored, monitored_kpi):
    record(officer, monitored_kpi)  # 2026-01-31 exists
    text = (
        "kpi,measured_on,value\n"
        "Urgent referrals seen the same day,2026-01-31,90\n"
        "Urgent referrals seen the same day,2025-06-30,90\n"
        "Urgent referrals seen the same day,2026-03-31,90\n"
    )
    with pytest.raises(ValidationError) as caught:
        services.measurements_import_csv(actor=officer, contract=monitored, file=csv_file(text))
    messages = caught.value.message_dict["file"]
    assert len(messages) == 2
    assert "Line 2" in messages[0] and "already recorded" in messages[0]
    assert "Line 3" in messages[1] and "within the contract" in messages[1]
    assert Measurement.objects.count() == 1


def test_import_refuses_other_files_and_people(officer, org, make_member, monitored):
    with pytest.raises(ValidationError, match="CSV"):
        services.measurements_import_csv(
            actor=officer, contract=monitored, file=csv_file(GOOD, "data.xlsx")
        )
    with pytest.raises(PermissionDenied):
        services.measurements_import_csv(
            actor=make_member(org, Role.AUDITOR), contract=monitored, file=csv_file(GOOD)
        )
    assert not Measurement.objects.exists()

"""The contract and what happens under it: monitoring, payments, audits, incidents, review."""

from .audits import Audit, AuditKind, Finding, FindingSeverity, FindingStatus, FindingUpdate
from .contract import (
    Contract,
    ContractStatus,
    Kpi,
    KpiDirection,
    KpiFrequency,
    PaymentMilestone,
)
from .incidents import Incident, IncidentStatus, IncidentUpdate, Severity
from .monitoring import AlertKind, KpiAlert, Measurement, MeasurementSource, SupplierAccess
from .payments import PaymentDecision, PaymentOutcome
from .review import ExitStep, ExitStepKind, Lesson, Review, ReviewDecision

__all__ = [
    "AlertKind",
    "Audit",
    "AuditKind",
    "Contract",
    "ContractStatus",
    "ExitStep",
    "ExitStepKind",
    "Finding",
    "FindingSeverity",
    "FindingStatus",
    "FindingUpdate",
    "Incident",
    "IncidentStatus",
    "IncidentUpdate",
    "Kpi",
    "KpiAlert",
    "KpiDirection",
    "KpiFrequency",
    "Lesson",
    "Measurement",
    "MeasurementSource",
    "PaymentDecision",
    "PaymentMilestone",
    "PaymentOutcome",
    "Review",
    "ReviewDecision",
    "Severity",
    "SupplierAccess",
]

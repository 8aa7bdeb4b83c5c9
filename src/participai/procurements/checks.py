"""Gate checks: what must hold before a stage's gate can say *proceed*.

A stage lists the keys of its checks (``lifecycle.Stage.gate_checks``); this
module maps each key to a function. Later capabilities (proportionality,
tendering) register their own checks with :func:`gate_check` and name them in
the stage declarations; nothing here branches on a stage's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Document, Procurement

MIN_PROBLEM_STATEMENT_CHARS = 200


@dataclass(frozen=True)
class CheckResult:
    key: str
    label: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class GateContext:
    """What a check may look at. Built once per checklist so that checks
    share loaded rows instead of each running its own queries."""

    procurement: Procurement
    stage_documents: tuple[Document, ...]


CheckFunction = Callable[[GateContext], tuple[bool, str]]


@dataclass(frozen=True)
class GateCheck:
    key: str
    label: Promise
    run: CheckFunction


REGISTRY: dict[str, GateCheck] = {}
# Related rows the registered checks read through ``procurement.<relation>.all()``;
# lists of procurements (the dashboard) prefetch them so that checking many
# gates costs a fixed number of queries. The dashboard loads ``documents``
# itself (without their text), so declaring it costs no second query.
PREFETCH: list[str] = []


def prefetch_for_checks(*lookups: str) -> None:
    """Declare ``prefetch_related`` lookups that checks read (idempotent)."""
    PREFETCH.extend(lookup for lookup in lookups if lookup not in PREFETCH)


def gate_check(key: str, label: Promise) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function`` as the check called ``key``."""

    def register(function: CheckFunction) -> CheckFunction:
        if key in REGISTRY:
            raise ValueError(f"gate check {key!r} is registered twice")
        REGISTRY[key] = GateCheck(key=key, label=label, run=function)
        return function

    return register


def run_checks(keys: Iterable[str], context: GateContext) -> list[CheckResult]:
    results = []
    for key in keys:
        check = REGISTRY[key]
        passed, detail = check.run(context)
        results.append(CheckResult(key=key, label=str(check.label), passed=passed, detail=detail))
    return results


@gate_check("problem_statement_written", gettext_lazy("The problem statement is written"))
def _problem_statement_written(context: GateContext) -> tuple[bool, str]:
    length = len(context.procurement.problem_statement.strip())
    if length >= MIN_PROBLEM_STATEMENT_CHARS:
        return True, ngettext("%(count)d character.", "%(count)d characters.", length) % {
            "count": length
        }
    return False, _("Describe the problem in at least %(min)d characters (now %(count)d).") % {
        "min": MIN_PROBLEM_STATEMENT_CHARS,
        "count": length,
    }


@gate_check("affected_people_named", gettext_lazy("The people likely to be affected are named"))
def _affected_people_named(context: GateContext) -> tuple[bool, str]:
    if context.procurement.affected_people.strip():
        return True, _("Stated.")
    return False, _("Say who the system's decisions would touch.")


@gate_check("alternatives_considered", gettext_lazy("Non-AI alternatives were considered"))
def _alternatives_considered(context: GateContext) -> tuple[bool, str]:
    if context.procurement.non_ai_alternatives.strip():
        return True, _("Stated.")
    return False, _("Describe what could be done without AI.")


@gate_check("stage_document_present", gettext_lazy("This stage's work is documented"))
def _stage_document_present(context: GateContext) -> tuple[bool, str]:
    count = len(context.stage_documents)
    if count:
        return True, ngettext(
            "%(count)d document in this stage.", "%(count)d documents in this stage.", count
        ) % {"count": count}
    return False, _("Add at least one document or text to this stage.")


@gate_check("procurement_published", gettext_lazy("The procurement is published on the portal"))
def _procurement_published(context: GateContext) -> tuple[bool, str]:
    if context.procurement.is_published:
        return True, _("Published.")
    return False, _("Publish it so the public can follow before suppliers are approached.")

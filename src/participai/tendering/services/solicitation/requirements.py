"""Requirements (the outcomes the solution must achieve and the constraints it
must respect) and the sources each is traced to: published answers to what
people said, consequences, obligations, risks named by a fundamental rights
assessment.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.assessment.models import AssessmentStatus, Consequence, RightsAssessment
from participai.assessment.selectors.obligations import obligation_statuses
from participai.core.text import clean_plain
from participai.participation.models import Response
from participai.procurements.models import Procurement

from ...models import Requirement, RequirementKind, RequirementSource, SourceKind, Tender
from ._common import _audit, _check_length, _check_title, _move, _next_position, _prepare, _text

TEXT_MAX = 10_000
LABEL_MAX = RequirementSource._meta.get_field("label").max_length


# --- Requirements -------------------------------------------------------------------------


def _requirement_values(kind: str, title: str, text: str) -> dict[str, str]:
    values = {"kind": kind, "title": clean_plain(title), "text": _text(text)}
    errors: dict[str, str] = {}
    if kind not in RequirementKind.values:
        errors["kind"] = _("Say whether it is an outcome or a constraint.")
    _check_title(errors, "title", values["title"])
    _check_length(errors, "text", values["text"], TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    return values


def _requirement(actor: User, requirement: Requirement) -> tuple[Tender, Requirement]:
    tender = _prepare(actor, requirement.tender)
    requirement = Requirement.objects.get(pk=requirement.pk, tender=tender)
    requirement.tender = tender
    return tender, requirement


@transaction.atomic
def requirement_add(
    *, actor: User, tender: Tender, kind: str, title: str, text: str = ""
) -> Requirement:
    """Add an outcome the solution must achieve, or a constraint it must respect,
    at the end of the list. Its sources are linked afterwards."""
    tender = _prepare(actor, tender)
    values = _requirement_values(kind, title, text)
    requirement = Requirement.objects.create(
        tender=tender,
        position=_next_position(tender.requirements.all()),
        created_by=actor,
        **values,
    )
    _audit(actor, "requirement_add", requirement, tender, kind=kind, title=values["title"])
    return requirement


@transaction.atomic
def requirement_update(
    *, actor: User, requirement: Requirement, kind: str, title: str, text: str = ""
) -> Requirement:
    """Reword a requirement of a draft tender; its sources and criteria stay."""
    tender, requirement = _requirement(actor, requirement)
    values = _requirement_values(kind, title, text)
    changed = sorted(name for name, value in values.items() if getattr(requirement, name) != value)
    if not changed:
        return requirement
    for name in changed:
        setattr(requirement, name, values[name])
    requirement.save(update_fields=[*changed, "updated_at"])
    _audit(
        actor, "requirement_update", requirement, tender, fields=changed, title=requirement.title
    )
    return requirement


@transaction.atomic
def requirement_remove(*, actor: User, requirement: Requirement) -> None:
    """Remove a requirement of a draft tender, with its sources; the criteria
    that assessed it stay and no longer name it."""
    tender, requirement = _requirement(actor, requirement)
    sources = list(requirement.sources.values_list("kind", "label"))
    _audit(
        actor,
        "requirement_remove",
        requirement,
        tender,
        title=requirement.title,
        kind=requirement.kind,
        sources=[{"kind": kind, "label": label} for kind, label in sources],
    )
    requirement.delete()


@transaction.atomic
def requirement_move(*, actor: User, requirement: Requirement, direction: str) -> Requirement:
    """Move a requirement one place ``"up"`` or ``"down"`` in the list."""
    tender, requirement = _requirement(actor, requirement)
    if _move(tender.requirements.all(), requirement, direction):
        _audit(actor, "requirement_move", requirement, tender, direction=direction)
    return requirement


# --- Sources of a requirement -------------------------------------------------------------


def _label(text: str) -> str:
    """A source as it reads now, on one line, cut to fit the label."""
    line = re.sub(r"\s+", " ", text or "").strip()
    return line if len(line) <= LABEL_MAX else line[: LABEL_MAX - 1].rstrip() + "…"


def fria_risk_lines(assessment: RightsAssessment) -> list[str]:
    """The risks a fundamental rights assessment names, one per non-blank line."""
    return [line.strip() for line in assessment.risks.splitlines() if line.strip()]


def _source_values(
    procurement: Procurement,
    kind: str,
    response: Response | None,
    consequence: Consequence | None,
    obligation_key: str,
    rights_assessment: RightsAssessment | None,
    fria_risk: str,
) -> dict[str, Any]:
    """The fields of the source of ``kind``, its label included; only the
    argument ``kind`` names is read."""
    if kind == SourceKind.RESPONSE:
        response = (
            Response.objects.select_related("process").filter(pk=response.pk).first()
            if response is not None
            else None
        )
        if (
            response is None
            or response.procurement_id != procurement.pk
            or not response.process.is_published
        ):
            raise ValidationError(
                {
                    "response": _(
                        "Choose a published answer (“you said, we did”) of this procurement."
                    )
                }
            )
        return {"response": response, "label": _label(response.change or response.reason)}
    if kind == SourceKind.CONSEQUENCE:
        if consequence is None or consequence.procurement_id != procurement.pk:
            raise ValidationError(
                {"consequence": _("Choose a consequence found for this procurement.")}
            )
        return {"consequence": consequence, "label": _label(consequence.description)}
    if kind == SourceKind.OBLIGATION:
        key = (obligation_key or "").strip()
        texts = {status.obligation.key: status.text for status in obligation_statuses(procurement)}
        if key not in texts:
            raise ValidationError(
                {"obligation_key": _("Choose one of the obligations the stakes impose now.")}
            )
        return {"obligation_key": key, "label": _label(texts[key])}
    if kind == SourceKind.FRIA_RISK:
        if (
            rights_assessment is None
            or rights_assessment.procurement_id != procurement.pk
            or rights_assessment.status != AssessmentStatus.COMPLETED
        ):
            raise ValidationError(
                {
                    "rights_assessment": _(
                        "Choose a completed fundamental rights assessment of this procurement."
                    )
                }
            )
        risk = re.sub(r"\s+", " ", fria_risk or "").strip()
        if risk not in fria_risk_lines(rights_assessment):
            raise ValidationError(
                {"fria_risk": _("Choose one of the risks the assessment names.")}
            )
        return {"rights_assessment": rights_assessment, "fria_risk": risk, "label": _label(risk)}
    raise ValidationError({"kind": _("Choose where the requirement comes from.")})


@transaction.atomic
def requirement_source_add(
    *,
    actor: User,
    requirement: Requirement,
    kind: str,
    response: Response | None = None,
    consequence: Consequence | None = None,
    obligation_key: str = "",
    rights_assessment: RightsAssessment | None = None,
    fria_risk: str = "",
) -> RequirementSource:
    """Trace a requirement to one source of ``kind``: a published answer to what
    people said, a consequence, an obligation the stakes impose now, or a risk
    named by a completed fundamental rights assessment; all of the same
    procurement. The source is linked as it reads now (``label``), so the trace
    still reads the same if it is later reworded. A source already linked to
    the requirement is refused. The source itself is left untouched.
    """
    tender, requirement = _requirement(actor, requirement)
    values = _source_values(
        tender.procurement,
        kind,
        response,
        consequence,
        obligation_key,
        rights_assessment,
        fria_risk,
    )
    identity = {name: value for name, value in values.items() if name != "label"}
    if requirement.sources.filter(kind=kind, **identity).exists():
        field = next(name for name in identity if name != "rights_assessment")
        raise ValidationError({field: _("This source is already linked to the requirement.")})
    source = RequirementSource.objects.create(requirement=requirement, kind=kind, **values)
    _audit(
        actor,
        "requirement_source_add",
        source,
        tender,
        requirement=requirement.pk,
        kind=kind,
        ref=_source_ref(source),
        label=source.label,
    )
    return source


def _source_ref(source: RequirementSource) -> str:
    if source.kind == SourceKind.RESPONSE:
        return f"response:{source.response_id}"
    if source.kind == SourceKind.CONSEQUENCE:
        return f"consequence:{source.consequence_id}"
    if source.kind == SourceKind.OBLIGATION:
        return f"obligation:{source.obligation_key}"
    return f"rights_assessment:{source.rights_assessment_id}"


@transaction.atomic
def requirement_source_remove(*, actor: User, source: RequirementSource) -> None:
    """Unlink a source from a requirement of a draft tender."""
    tender, requirement = _requirement(actor, source.requirement)
    source = RequirementSource.objects.get(pk=source.pk, requirement=requirement)
    _audit(
        actor,
        "requirement_source_remove",
        source,
        tender,
        requirement=requirement.pk,
        kind=source.kind,
        ref=_source_ref(source),
        label=source.label,
    )
    source.delete()

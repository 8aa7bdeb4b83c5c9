"""Forms of the tender's preparation: settings, requirements, sources, criteria,
clauses and the public review of the draft.

The choices narrow what can be picked (this tender's requirements, this
procurement's sources, the library's themes); the services check everything
again. ``values()`` gives the cleaned data under the services' argument names.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.core.languages import active_language

from .. import clauses as clause_library
from ..models import (
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementKind,
    ScoringMethod,
    SourceKind,
    Tender,
    TenderClause,
)
from ..selectors.solicitation import SourceCandidates

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "usa-input"}, format=DATETIME_FORMAT
        ),
    )


class TenderSettingsForm(DesignSystemForm):
    outcomes = forms.CharField(
        label=_("Outcomes sought"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What must be different for the people served once the system is in use, not "
            "which product to buy. Markdown allowed."
        ),
    )
    clarification_deadline = _datetime_field(_("Last day for suppliers' questions"))
    submission_deadline = _datetime_field(_("Deadline for bids"))
    opening_at = _datetime_field(
        _("Bids are opened on"),
        _("No one, staff included, can read a bid before this moment."),
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "outcomes": tender.outcomes,
                "clarification_deadline": tender.clarification_deadline,
                "submission_deadline": tender.submission_deadline,
                "opening_at": tender.opening_at,
            },
        )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("outcomes", "clarification_deadline", "submission_deadline", "opening_at")
        }


class RequirementForm(DesignSystemForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=RequirementKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "An outcome the solution must achieve, or a constraint it must respect. "
            "Say what, not which product."
        ),
    )
    title = forms.CharField(label=_("Requirement"), max_length=200)
    text = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How it will be measured or checked. Markdown allowed."),
    )

    def __init__(self, *args: Any, requirement: Requirement | None = None, **kwargs: Any) -> None:
        if requirement is not None:
            kwargs.setdefault(
                "initial",
                {"kind": requirement.kind, "title": requirement.title, "text": requirement.text},
            )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("kind", "title", "text")}


class SourceForm(DesignSystemForm):
    """One list of every source, grouped by kind; works without JavaScript.

    Values are ``response:<id>``, ``consequence:<id>``, ``obligation:<key>`` and
    ``fria_risk:<line number>`` (a line of the last completed rights assessment).
    """

    source = forms.ChoiceField(label=_("Where the requirement comes from"), choices=())

    def __init__(self, *args: Any, candidates: SourceCandidates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if candidates.responses:
            groups.append(
                (
                    str(SourceKind.RESPONSE.label),
                    [
                        (
                            f"response:{response.pk}",
                            _response_label(response),
                        )
                        for response in candidates.responses
                    ],
                )
            )
        if candidates.consequences:
            groups.append(
                (
                    str(SourceKind.CONSEQUENCE.label),
                    [
                        (f"consequence:{consequence.pk}", _short(consequence.description))
                        for consequence in candidates.consequences
                    ],
                )
            )
        if candidates.obligations:
            groups.append(
                (
                    str(SourceKind.OBLIGATION.label),
                    [
                        (f"obligation:{choice.key}", _short(choice.text))
                        for choice in candidates.obligations
                    ],
                )
            )
        if candidates.fria_risks:
            groups.append(
                (
                    str(SourceKind.FRIA_RISK.label),
                    [
                        (f"fria_risk:{index}", _short(risk))
                        for index, risk in enumerate(candidates.fria_risks)
                    ],
                )
            )
        self.fields["source"].choices = [("", _("Choose a source")), *groups]

    def values(self) -> dict[str, Any]:
        """The service's arguments for the chosen source."""
        kind, _sep, ref = self.cleaned_data["source"].partition(":")
        candidates = self.candidates
        if kind == SourceKind.RESPONSE:
            response = next(r for r in candidates.responses if str(r.pk) == ref)
            return {"kind": kind, "response": response}
        if kind == SourceKind.CONSEQUENCE:
            consequence = next(c for c in candidates.consequences if str(c.pk) == ref)
            return {"kind": kind, "consequence": consequence}
        if kind == SourceKind.OBLIGATION:
            return {"kind": kind, "obligation_key": ref}
        return {
            "kind": kind,
            "rights_assessment": candidates.rights_assessment,
            "fria_risk": candidates.fria_risks[int(ref)],
        }


def _response_label(response) -> str:
    return f"{response.process.title}: {_short(response.change or response.reason)}"


def _short(text: str, limit: int = 160) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


_DESCRIPTOR_LINE = re.compile(r"^\s*(-?\d+)\s*[:=–—-]\s*(.*)$")


def descriptors_from_text(text: str) -> list[dict[str, Any]]:
    """Lines such as ``3: Meets every requirement`` as ``{"score": 3, "text": ...}``.

    Blank lines are skipped; a line that does not start with a whole number
    and a colon raises ``ValidationError`` naming it.
    """
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _DESCRIPTOR_LINE.match(line)
        if match is None:
            raise ValidationError(
                _("Line %(number)d: start with the score, then a colon, e.g. “3: Meets it”."),
                params={"number": number},
            )
        rows.append({"score": int(match.group(1)), "text": match.group(2).strip()})
    return rows


def descriptors_as_text(descriptors: list[dict[str, Any]]) -> str:
    return "\n".join(f"{row.get('score')}: {row.get('text', '')}" for row in descriptors or [])


class CriterionForm(DesignSystemForm):
    group = forms.ChoiceField(label=_("Group"), choices=CriterionGroup.choices)
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("What is assessed"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = forms.DecimalField(
        label=_("Weight (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "The weights of all criteria must add up to 100 % when the tender is published."
        ),
    )
    scale_max = forms.IntegerField(
        label=_("Top of the scale"),
        min_value=1,
        max_value=100,
        initial=5,
        help_text=_("Each bid is scored from 0 to this number."),
    )
    method = forms.ChoiceField(
        label=_("How it is scored"),
        choices=ScoringMethod.choices,
        initial=ScoringMethod.JUDGEMENT,
        help_text=_("The price formula is for one price criterion only."),
    )
    descriptors = forms.CharField(
        label=_("What each score means"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One score per line, from the bottom of the scale: “0: No evidence”."),
    )
    requirements = forms.ModelMultipleChoiceField(
        label=_("Requirements it assesses"),
        queryset=Requirement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, tender: Tender, criterion: Criterion | None = None, **kwargs: Any
    ) -> None:
        if criterion is not None:
            kwargs.setdefault(
                "initial",
                {
                    "group": criterion.group,
                    "name": criterion.name,
                    "description": criterion.description,
                    "weight": criterion.weight,
                    "scale_max": criterion.scale_max,
                    "method": criterion.method,
                    "descriptors": descriptors_as_text(criterion.descriptors),
                    "requirements": list(criterion.requirements.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = Requirement.objects.filter(tender=tender).order_by(
            "position", "pk"
        )

    def clean_descriptors(self) -> list[dict[str, Any]]:
        return descriptors_from_text(self.cleaned_data["descriptors"])

    def values(self) -> dict[str, Any]:
        return {
            **{
                name: self.cleaned_data[name]
                for name in ("group", "name", "description", "weight", "scale_max", "method")
            },
            "descriptors": self.cleaned_data["descriptors"],
            "requirements": list(self.cleaned_data["requirements"]),
        }


class ClauseForm(DesignSystemForm):
    """Adapt a clause, or write one (then with its theme)."""

    theme = forms.ChoiceField(label=_("Theme"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Clause"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 10})
    )

    def __init__(self, *args: Any, clause: TenderClause | None = None, **kwargs: Any) -> None:
        if clause is not None:
            kwargs.setdefault("initial", {"title": clause.title, "text": clause.text})
        super().__init__(*args, **kwargs)
        if clause is not None:
            # A clause keeps its theme; only its words change.
            del self.fields["theme"]
        else:
            language = active_language()
            self.fields["theme"].choices = [("", _("Choose a theme"))] + [
                (theme.key, theme.title_in(language)) for theme in clause_library.library().themes
            ]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


NEW_PROCESS = "new"


class ReviewForm(DesignSystemForm):
    """Where the draft goes for public comment: a process of the procurement, or
    a new one; once the draft has a review, only what changed since."""

    process = forms.ChoiceField(
        label=_("Participation process"),
        choices=(),
        help_text=_("The draft is added to it as a document review."),
    )
    process_title = forms.CharField(
        label=_("Title of the new process"),
        required=False,
        max_length=200,
        help_text=_("Only when creating a new process."),
    )
    closes_at = _datetime_field(
        _("Comments close on"), _("Only when creating a new process; it opens now.")
    )
    change_note = forms.CharField(
        label=_("What changed since the last version"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, tender: Tender, processes: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.processes = {str(process.pk): process for process in processes}
        if tender.review_module_id is not None:
            for name in ("process", "process_title", "closes_at"):
                del self.fields[name]
        else:
            del self.fields["change_note"]
            self.fields["process"].choices = [
                *((key, process.title) for key, process in self.processes.items()),
                (NEW_PROCESS, _("A new process")),
            ]
            self.fields["process_title"].initial = _("Comment on the draft tender")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        if "process" not in self.fields:
            return {"change_note": data["change_note"]}
        if data["process"] == NEW_PROCESS:
            return {
                "process": None,
                "process_title": data["process_title"],
                "closes_at": data["closes_at"],
            }
        return {"process": self.processes[data["process"]]}

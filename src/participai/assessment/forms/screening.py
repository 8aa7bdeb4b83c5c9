"""The AI Act screening and the fundamental rights assessment as Django forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.core.languages import in_language

from .. import ai_act
from ..models import RightsAssessment
from ..services.obligations import MAX_JUSTIFICATION_CHARS, MIN_JUSTIFICATION_CHARS
from ..services.screening import RIGHTS_TEXT_MAX

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ScreeningForm(forms.Form):
    """Every screening question, built from the data file: yes/no and choices as
    radio buttons, Annex III points as check boxes grouped by area. Nothing is
    required here: a draft may be saved half done, completion checks the rest."""

    def __init__(self, *args: Any, answers: dict[str, Any], lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        screening = ai_act.load_screening()
        self.sections = []
        for section in screening.sections:
            keys = []
            for question in screening.questions:
                if question.section != section.key:
                    continue
                keys.append(question.key)
                common = {
                    "label": in_language(question.text, lang),
                    "required": False,
                    "help_text": in_language(question.help, lang) if question.help else "",
                }
                value = answers.get(question.key)
                if question.kind == "yes_no":
                    initial = None if value is None else ("yes" if value else "no")
                    self.fields[question.key] = forms.ChoiceField(
                        choices=YES_NO, widget=forms.RadioSelect, initial=initial, **common
                    )
                elif question.kind == "choice":
                    self.fields[question.key] = forms.ChoiceField(
                        choices=[(o.key, in_language(o.text, lang)) for o in question.options],
                        widget=forms.RadioSelect,
                        initial=value,
                        **common,
                    )
                else:
                    choices = [
                        (
                            in_language(area.name, lang),
                            [
                                (p.code, f"{p.code} {in_language(p.text, lang)}")
                                for p in area.points
                            ],
                        )
                        for area in screening.areas
                    ]
                    self.fields[question.key] = forms.MultipleChoiceField(
                        choices=choices,
                        widget=forms.CheckboxSelectMultiple,
                        initial=value or [],
                        **common,
                    )
            self.sections.append((in_language(section.title, lang), keys))

    def answers(self) -> dict[str, Any]:
        """The answers in the engine's terms; an unanswered question is left out."""
        screening = ai_act.load_screening()
        out: dict[str, Any] = {}
        for question in screening.questions:
            value = self.cleaned_data.get(question.key)
            if question.kind == "yes_no":
                if value in ("yes", "no"):
                    out[question.key] = value == "yes"
            elif question.kind == "choice":
                if value:
                    out[question.key] = value
            else:
                out[question.key] = list(value or [])
        return out

    def section_fields(self):
        """(title, bound fields) per section, for the template."""
        return [(title, [self[key] for key in keys]) for title, keys in self.sections]


class RightsAssessmentForm(DesignSystemForm):
    """Points (a) to (f) of Art. 27 and the public summary, as text areas."""

    def __init__(self, *args: Any, assessment: RightsAssessment, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for point in RightsAssessment.POINTS:
            model_field = RightsAssessment._meta.get_field(point)
            self.fields[point] = forms.CharField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                required=False,
                max_length=RIGHTS_TEXT_MAX,
                initial=getattr(assessment, point),
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[point].widget.attrs["class"] = "usa-textarea"

    def texts(self) -> dict[str, str]:
        return {point: self.cleaned_data.get(point, "") for point in RightsAssessment.POINTS}


class ExemptionForm(DesignSystemForm):
    justification = forms.CharField(
        label=_("Why this obligation need not be met (public)"),
        min_length=MIN_JUSTIFICATION_CHARS,
        max_length=MAX_JUSTIFICATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The justification is published with the procurement and kept in the audit trail."
        ),
    )

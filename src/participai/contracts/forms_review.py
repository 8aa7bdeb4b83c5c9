"""Forms of the review stage: the review and its decision, a step of the exit
checklist done, a lesson learned. They narrow what can be typed and picked;
the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.participation.models import Process

from .models import Lesson, ReviewDecision

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, *, help_text: str = "", rows: int = 4, required: bool = True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=20_000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Process) -> str:
        return obj.title


class ReviewForm(DesignSystemForm):
    outcomes = _text(
        _("Outcomes against the mission"),
        help_text=_("What the system achieved for the people the mission names, and what not."),
    )
    kpi_assessment = _text(_("What the KPIs show"))
    sessions = SessionChoiceField(
        label=_("Review sessions"),
        queryset=Process.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The participation processes where people reviewed the system with you."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)
    rationale = _text(_("Why"))
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, sessions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["sessions"].queryset = sessions

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sessions"] = list(data["sessions"])
        return data


class ExitStepDoneForm(DesignSystemForm):
    done_on = forms.DateField(label=_("Done on"), widget=DATE_WIDGET)
    evidence = _text(
        _("What shows it is done"),
        help_text=_("E.g. the data destruction certificate, the handover minutes, the notice."),
        rows=3,
    )

    def values(self) -> dict[str, Any]:
        return {"done_on": self.cleaned_data["done_on"], "evidence": self.cleaned_data["evidence"]}


class LessonForm(DesignSystemForm):
    what_worked = _text(_("What worked"))
    what_failed = _text(_("What failed, and why"))
    do_differently = _text(_("What we would do differently"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Up to 10 short keywords, separated by commas."),
    )
    shareable = forms.BooleanField(
        label=_("May be shared with other public bodies"), required=False
    )

    def __init__(self, *args: Any, lesson: Lesson | None = None, **kwargs: Any) -> None:
        if lesson is not None:
            kwargs.setdefault(
                "initial",
                {
                    "what_worked": lesson.what_worked,
                    "what_failed": lesson.what_failed,
                    "do_differently": lesson.do_differently,
                    "tags": ", ".join(lesson.tags),
                    "shareable": lesson.shareable,
                },
            )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

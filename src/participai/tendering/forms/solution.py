"""Forms of the solution evaluation: the pilot plan, and a test result.

They narrow what can be typed; the services check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..models import SolutionTest, TestResult
from ..services.solution import FINDINGS_MAX, METHOD_MAX, PARTICIPANTS_MAX, PILOT_PLAN_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PilotPlanForm(DesignSystemForm):
    pilot_plan = forms.CharField(
        label=_("Pilot or test plan"),
        required=False,
        max_length=PILOT_PLAN_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "How the chosen solution will be tested against each requirement before the "
            "contract: where, for how long, with which data, and how the people who use the "
            "service take part. Markdown allowed."
        ),
    )


class SolutionTestForm(DesignSystemForm):
    """What one test of the chosen solution found for one requirement."""

    # No result is preselected: "met" must be a choice, not a default.
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("Choose a result")), *TestResult.choices]
    )
    tested_on = forms.DateField(label=_("Tested on"), widget=DATE_WIDGET)
    method = forms.CharField(
        label=_("How it was tested"),
        max_length=METHOD_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. a four-week pilot in one team, a replay of last year's cases."),
    )
    with_service_users = forms.BooleanField(
        label=_("Tested with service users"),
        required=False,
        help_text=_("The people who use the service tried the solution themselves."),
    )
    participants = forms.IntegerField(
        label=_("People who took part"),
        min_value=0,
        max_value=PARTICIPANTS_MAX,
        initial=0,
        help_text=_("At least one when tested with service users."),
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=FINDINGS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked, what did not, what must change. Markdown allowed."),
    )

    def __init__(self, *args: Any, test: SolutionTest | None = None, **kwargs: Any) -> None:
        if test is not None:
            kwargs.setdefault(
                "initial",
                {
                    "result": test.result,
                    "tested_on": test.tested_on,
                    "method": test.method,
                    "with_service_users": test.with_service_users,
                    "participants": test.participants,
                    "findings": test.findings,
                },
            )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        """The cleaned values under the services' argument names."""
        return {
            field: self.cleaned_data[field]
            for field in (
                "method",
                "with_service_users",
                "participants",
                "result",
                "findings",
                "tested_on",
            )
        }

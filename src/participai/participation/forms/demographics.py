"""Forms of demographics and of a participant's own data: the optional
"About you" answers, a demographic question with its population shares, and
the choice an account holder makes when deleting their data.

They parse; the services check everything again and decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..models import DemographicKind, DemographicQuestion
from ..services.demographics import LABEL_MAX, SOURCE_MAX, answer_field

PREFER_NOT = "none"
SHARE_SEPARATOR = "|"


class AboutYouForm(DesignSystemForm):
    """One group of radio buttons per question, each with "Prefer not to
    say" (chosen unless an answer was given before), and the consent box."""

    consent = forms.BooleanField(
        label=_(
            "I agree that these answers are kept, apart from what I write, to see who "
            "takes part. I can change or delete them at any time."
        ),
        required=True,
        error_messages={"required": _("Tick the box to agree; without it nothing is kept.")},
    )

    def __init__(
        self,
        *args: Any,
        questions: Sequence[DemographicQuestion],
        answers: dict[int, int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        consent = self.fields.pop("consent")
        for question in self.questions:
            given = (answers or {}).get(question.pk)
            self.fields[answer_field(question)] = forms.ChoiceField(
                label=question.label,
                choices=[(str(index), option) for index, option in enumerate(question.options)]
                + [(PREFER_NOT, _("Prefer not to say"))],
                initial=PREFER_NOT if given is None else str(given),
                widget=forms.RadioSelect,
            )
        # The consent comes last, after the person has seen what is asked.
        self.fields["consent"] = consent

    def question_fields(self) -> list[forms.BoundField]:
        return [self[answer_field(question)] for question in self.questions]

    def answers(self) -> dict[int, int | None]:
        """The answers chosen, by question id (``None``: prefer not to say)."""
        chosen = {}
        for question in self.questions:
            value = self.cleaned_data[answer_field(question)]
            chosen[question.pk] = None if value == PREFER_NOT else int(value)
        return chosen


def options_text(question: DemographicQuestion) -> str:
    """A question's answers and shares as the form shows them, one per line."""
    benchmarks = question.benchmarks or []
    lines = []
    for index, option in enumerate(question.options):
        share = benchmarks[index] if index < len(benchmarks) else None
        lines.append(option if share is None else f"{option} {SHARE_SEPARATOR} {share:g}")
    return "\n".join(lines)


class DemographicQuestionForm(DesignSystemForm):
    """A demographic question: what it is about, its wording, and its answers,
    each optionally followed by ``|`` and its share of the population."""

    kind = forms.ChoiceField(label=_("About"), choices=DemographicKind.choices)
    label = forms.CharField(
        label=_("Question"),
        max_length=LABEL_MAX,
        help_text=_("As participants read it, e.g. “How old are you?”"),
    )
    options = forms.CharField(
        label=_("Answers offered, with their share of the population"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One answer per line. After an answer you may add “|” and its share of the "
            "area's population in percent, e.g. “65 or older | 21.5”. “Prefer not to say” "
            "is always offered as well."
        ),
    )
    benchmark_source = forms.CharField(
        label=_("Source of the population shares"),
        max_length=SOURCE_MAX,
        required=False,
        help_text=_("Needed when shares are given, e.g. “Census 2021, city council area”."),
    )

    def clean_options(self) -> list[str]:
        options: list[str] = []
        benchmarks: list[float | None] = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            label, separator, share = line.rpartition(SHARE_SEPARATOR)
            if not separator:
                label, share = share, ""
            share = share.strip().replace(",", ".").rstrip("%").strip()
            if share:
                try:
                    benchmarks.append(float(share))
                except ValueError:
                    raise forms.ValidationError(
                        _("Line %(number)d: the share after “|” is not a number.")
                        % {"number": number}
                    ) from None
            else:
                benchmarks.append(None)
            options.append(label.strip())
        self.benchmarks = benchmarks if any(b is not None for b in benchmarks) else []
        return options

    def values(self) -> dict[str, Any]:
        """What the services take, from a valid form."""
        return {
            "kind": self.cleaned_data["kind"],
            "label": self.cleaned_data["label"],
            "options": self.cleaned_data["options"],
            "benchmarks": self.benchmarks,
            "benchmark_source": self.cleaned_data["benchmark_source"],
        }


class DeleteDataForm(DesignSystemForm):
    """The confirmation of a deletion. An account holder also says whether
    the account goes too (offered only where it may be closed); a guest has
    nothing to choose."""

    KEEP = "keep"
    CLOSE = "close"

    account = forms.ChoiceField(
        label=_("Your account"),
        choices=[
            (KEEP, _("Keep my account: delete only what I did in participation")),
            (CLOSE, _("Close my account as well")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, has_account: bool, may_close: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_account:
            del self.fields["account"]
        elif not may_close:
            self.fields["account"].choices = self.fields["account"].choices[:1]

    @property
    def close_account(self) -> bool:
        return self.cleaned_data.get("account") == self.CLOSE

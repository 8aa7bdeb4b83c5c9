"""Forms of the clarifications: a supplier's question (public, no account),
the team's answer, and declining to publish a question.

The forms bound lengths for the browser; the services check everything again.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..services.clarifications import (
    ANSWER_MAX,
    EMAIL_MAX,
    NAME_MAX,
    ORGANISATION_MAX,
    QUESTION_MAX,
    REASON_MAX,
)


class AskForm(DesignSystemForm):
    question = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ask about the procurement, the requirements, the criteria or the clauses."),
    )
    asked_by_name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    asked_by_organisation = forms.CharField(
        label=_("Company or organisation"), max_length=ORGANISATION_MAX
    )
    contact_email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        required=False,
        help_text=_("Optional: for the procurement team only, should they need to reach you."),
    )

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.fields}


class AnswerForm(DesignSystemForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Published for every bidder and the public, without who asked. Markdown allowed."
        ),
    )


class DeclineForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Why it is not published"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the record, e.g. “the same as question 3”. Not published."),
    )

"""Forms of the public participation pages: parse what residents type; the
services decide the rest (limits are repeated here only so the browser and
the error message agree with the service)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..models import ContributionKind, FlagReason
from ..services.contributions import BODY_MAX, STATEMENT_MAX
from ..services.participants import PSEUDONYM_LENGTH

COMMENT_MAX = BODY_MAX[ContributionKind.COMMENT]


class JoinForm(DesignSystemForm):
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        min_length=PSEUDONYM_LENGTH[0],
        max_length=PSEUDONYM_LENGTH[1],
        help_text=_(
            "The name shown next to what you write. It need not be your real name; "
            "nothing else about you is asked or kept."
        ),
    )


class SendCodeForm(DesignSystemForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a six-digit code to it. It is not shown to anyone."),
    )


class ConfirmCodeForm(DesignSystemForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The six digits from the email we sent."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ContributionForm(DesignSystemForm):
    """A new comment or idea in a comments module."""

    kind = forms.ChoiceField(
        label=_("What are you adding?"),
        choices=[
            (ContributionKind.COMMENT, _("A comment")),
            (ContributionKind.IDEA, _("An idea")),
        ],
        initial=ContributionKind.COMMENT,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your text"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("You may use Markdown: **bold**, *italic*, lists and links."),
    )


class ReplyForm(DesignSystemForm):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatementForm(DesignSystemForm):
    body = forms.CharField(
        label=_("Your statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, so the hint is in the reader's language.
        self.fields["body"].help_text = _(
            "One short sentence others can agree or disagree with, at most %(max)d characters."
        ) % {"max": STATEMENT_MAX}


class FlagForm(DesignSystemForm):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at it?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

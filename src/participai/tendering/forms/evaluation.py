"""Forms of the vendor evaluation: a bid, a reason, a seat, a declaration, a
scoring sheet, an agreed score, the award.

They parse what people type; the services check everything again (rights,
sealed bids, conflicts, scales), and their errors are shown on these forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import User
from participai.core.forms import DesignSystemForm
from participai.procurements.uploads import ALLOWED_EXTENSIONS

from ..models import Bid, Criterion, PanelMemberKind, Score

TEXTAREA = {"rows": 3}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "usa-file-input"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BidForm(DesignSystemForm):
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200)
    supplier_identifier = forms.CharField(
        label=_("Supplier identifier"),
        max_length=100,
        required=False,
        help_text=_("e.g. the company's registration or VAT number."),
    )
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    summary = forms.CharField(
        label=_("Summary of the offer"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    received_at = forms.DateTimeField(
        label=_("Received on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When the bid reached the public body; it must be by the deadline."),
    )
    documents = MultipleFileField(
        label=_("Documents of the bid"),
        required=False,
        help_text=format_lazy(
            _("Several files may be chosen at once. Accepted: {types}."),
            types=", ".join(ALLOWED_EXTENSIONS),
        ),
    )

    def values(self) -> dict[str, Any]:
        """The bid's values under ``services.bid_record``'s argument names."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "supplier_name",
                "supplier_identifier",
                "price",
                "currency",
                "summary",
                "received_at",
            )
        }


class ReasonForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=10_000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class PanelMemberForm(DesignSystemForm):
    person = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        help_text=_(
            "Anyone with an active account. Independent experts and community members need "
            "not belong to the organisation; a staff seat does."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Seat"), choices=PanelMemberKind.choices, widget=forms.RadioSelect
    )

    def clean_person(self) -> User:
        value = self.cleaned_data["person"].strip()
        matches = list(
            User.objects.filter(
                Q(username__iexact=value) | Q(email__iexact=value), is_active=True
            )[:2]
        )
        if not matches:
            raise ValidationError(_("No active account has this username or email."))
        if len(matches) > 1:
            raise ValidationError(_("Several accounts use this email: give the username."))
        return matches[0]


class DeclarationForm(DesignSystemForm):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this tender?"),
        choices=[
            ("no", _("No: I have no interest in any supplier that could bid.")),
            ("yes", _("Yes: I have a conflict of interest.")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "A conflict: you, your family or close associates work for, own part of, or "
            "advise a supplier that bids, or stand to gain from the outcome. Declaring a "
            "conflict ends your part in this evaluation."
        ),
    )
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required with a conflict: who or what it involves, and how."),
    )


class ConflictLaterForm(DesignSystemForm):
    """A conflict found after a declaration of none (e.g. at the opening)."""

    statement = forms.CharField(
        label=_("Statement"),
        max_length=10_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Who or what the conflict involves, and how."),
    )


class ScoreSheetForm(DesignSystemForm):
    """One bid's scoring sheet: a score and a justification per criterion the panel scores.

    A criterion left entirely blank is skipped (sheets are filled in several
    sittings); a score without a justification, or the reverse, is an error.
    """

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        own: dict[int, Score] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        own = own or {}
        for criterion in criteria:
            score = own.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=format_lazy(
                    _("Score on “{name}” (0 to {top})"),
                    name=criterion.name,
                    top=criterion.scale_max,
                ),
                required=False,
                min_value=0,
                max_value=criterion.scale_max,
                max_digits=5,
                decimal_places=2,
                initial=score.score.normalize() if score else None,
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
            )
            self.fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=format_lazy(_("Why this score on “{name}”"), name=criterion.name),
                required=False,
                max_length=10_000,
                initial=score.justification if score else "",
                widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"justification_{c.pk}"]) for c in self.criteria]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        filled = 0
        for criterion in self.criteria:
            score_name, text_name = f"score_{criterion.pk}", f"justification_{criterion.pk}"
            if score_name in self.errors:
                filled += 1
                continue
            score = cleaned.get(score_name)
            text = (cleaned.get(text_name) or "").strip()
            if score is None and not text:
                continue
            filled += 1
            if score is None:
                self.add_error(score_name, _("Give a score to go with the justification."))
            elif not text:
                self.add_error(text_name, _("Justify the score: say what in the bid earns it."))
        if not filled:
            raise ValidationError(_("Nothing to save: score at least one criterion."))
        return cleaned

    def entries(self) -> list[tuple[Criterion, Any, str]]:
        """The criteria filled in, with their score and justification."""
        return [
            (
                criterion,
                self.cleaned_data[f"score_{criterion.pk}"],
                self.cleaned_data[f"justification_{criterion.pk}"],
            )
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is not None
        ]

    def field_for(self, criterion: Criterion, service_field: str) -> str | None:
        """The field of this form that a service error on ``service_field`` belongs to."""
        if service_field == "score":
            return f"score_{criterion.pk}"
        if service_field == "justification":
            return f"justification_{criterion.pk}"
        return None


class SubmitForm(DesignSystemForm):
    confirm = forms.BooleanField(
        label=_("I have scored every bid and want my scores to be final."),
        help_text=_("Once submitted, your scores can no longer change."),
    )


class ModerationForm(DesignSystemForm):
    """The agreed score of one bid on one criterion, on that criterion's scale."""

    reason = forms.CharField(
        label=_("Why the panel agreed it"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the agreed score lies outside the members' own scores or more "
            "than 1 point from their middle."
        ),
    )

    def __init__(self, *args: Any, criterion: Criterion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"] = forms.DecimalField(
            label=format_lazy(_("Agreed score (0 to {top})"), top=criterion.scale_max),
            min_value=0,
            max_value=criterion.scale_max,
            max_digits=5,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
        )
        self.order_fields(["score", "reason"])


class BidChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bid) -> str:
        return obj.supplier_name


class AwardForm(DesignSystemForm):
    bid = BidChoiceField(label=_("Winning bid"), queryset=Bid.objects.none(), empty_label=None)
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Why this bid, from the agreed scores and the sensitivity of the ranking. "
            "Published on the tender's public page."
        ),
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, bids: list[Bid], winner: Bid | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = Bid.objects.filter(pk__in=[bid.pk for bid in bids])
        if winner is not None:
            self.fields["bid"].initial = winner.pk
        self.fields["decided_on"].initial = timezone.localdate()

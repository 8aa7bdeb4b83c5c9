"""Forms of prioritisation: an item (staff), a ballot (residents), and a
paper ballot typed in by a facilitator.

A ballot form has one field per item, named ``item_<id>``
(``services.prioritisation.item_field``): a number of points for a dot
vote, a position for a ranking. The form only parses what was typed; the
budget, the full order and the rules are the service's to check, and its
errors land back on the same fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..models import PriorityItem
from ..prioritising import DOTS
from ..services.prioritisation import DESCRIPTION_MAX, TITLE_MAX, item_field
from .workspace import AssistedEntryForm


class ItemForm(DesignSystemForm):
    """An item to prioritise: a requirement, a criterion, a need."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("Short and plain, e.g. “A person reviews every urgent referral”."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it means in practice, so people weigh the same thing. Markdown."),
    )


class BallotForm(DesignSystemForm):
    """One field per item: points (``method`` ``dots``, 0 to ``budget``) or
    a position (``ranking``, 1 to the number of items). Blank means no
    points, or no position chosen yet."""

    def __init__(
        self,
        *args: Any,
        items: list[PriorityItem],
        method: str,
        budget: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.method = method
        positions = [("", _("Choose a position"))] + [
            (str(n), str(n)) for n in range(1, len(items) + 1)
        ]
        for item in items:
            if method == DOTS:
                field: forms.Field = forms.IntegerField(
                    label=item.title,
                    required=False,
                    min_value=0,
                    max_value=budget,
                    widget=forms.NumberInput(
                        attrs={"class": "usa-input usa-input--xs", "inputmode": "numeric"}
                    ),
                )
            else:
                field = forms.TypedChoiceField(
                    label=item.title,
                    required=False,
                    choices=positions,
                    coerce=int,
                    empty_value=None,
                    # The script that keeps positions distinct names the item it moved.
                    widget=forms.Select(
                        attrs={"class": "usa-select maxw-card-lg", "data-title": item.title}
                    ),
                )
            # The description is shown under the label (rendered from
            # Markdown by the template); a help text makes Django point the
            # input's aria-describedby at it.
            if item.description:
                field.help_text = item.description
            self.fields[item_field(item.pk)] = field

    def allocation(self) -> dict[int, int | None]:
        """Item id → points or position as typed (``None`` when left blank).
        Precondition: the form is valid."""
        return {item.pk: self.cleaned_data.get(item_field(item.pk)) for item in self.items}

    def item_rows(self) -> list[tuple[PriorityItem, forms.BoundField]]:
        """Each item with its bound field, in the items' order."""
        return [(item, self[item_field(item.pk)]) for item in self.items]


class AssistBallotForm(AssistedEntryForm, BallotForm):
    """A ballot someone filled in on paper or gave by phone, typed in by a
    facilitator under the pseudonym they chose."""

    channel_label = _("How it was cast")

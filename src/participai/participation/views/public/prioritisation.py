"""The public side of a prioritisation module: the ballot (dots or a
ranking), casting and changing it, and the results.

The ballot works without JavaScript: a number per item for a dot vote, a
position per item for a ranking, both plain form fields; a small script
(``static/participation/prioritisation.js``) adds a live count of the points
left and keeps a ranking's positions distinct. Results are shown once the
visitor has voted or the module has closed, so nobody votes in reaction to a
tally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.core.text import render_markdown

from ...forms.prioritisation import BallotForm
from ...models import Module as ModuleModel
from ...models import ModuleKind
from ...prioritising import DOTS
from ...selectors import prioritisation as selectors
from ...services import prioritisation as services
from ...sessions import Visitor, forget_cached
from .common import acting_participant, module_url
from .modules import _module_page, _open_module


@dataclass(frozen=True)
class BallotRow:
    """An item on the ballot: the item, its field (``None`` when the
    visitor may not vote), its description as safe HTML, and what the
    visitor gave it (points or position; ``None`` if nothing)."""

    item: Any
    field: Any
    description_html: str
    mine: int | None


def ballot_form(module: ModuleModel, items: list, data: Any = None, **kwargs: Any) -> BallotForm:
    return BallotForm(
        data,
        items=items,
        method=services.method_of(module),
        budget=services.budget_of(module),
        **kwargs,
    )


def _points_given(form: BallotForm | None, mine: dict[int, int] | None) -> int:
    """The points on the ballot as shown: what was just typed (a form sent
    back with errors), else the ballot cast before."""
    if form is not None and form.is_bound:
        total = 0
        for item in form.items:
            value = form.data.get(services.item_field(item.pk), "")
            try:
                total += max(int(value), 0)
            except (TypeError, ValueError):
                continue
        return total
    return sum((mine or {}).values())


def prioritisation_context(
    module: ModuleModel,
    you: Visitor,
    now: datetime,
    *,
    form: BallotForm | None = None,
    may_vote: bool,
) -> dict[str, Any]:
    """What the module page shows for a prioritisation module, in three
    queries (items, the visitor's ballot, nothing more for the results:
    they come from the items' kept counters)."""
    items = selectors.items_of(module)
    method = services.method_of(module)
    budget = services.budget_of(module)
    mine = selectors.ballot_of(module, you.participant)
    state = module.window(module.process).state(now)
    if form is None and may_vote and items:
        form = ballot_form(
            module,
            items,
            initial={services.item_field(pk): value for pk, value in (mine or {}).items()},
        )
    if not may_vote:
        form = None
    rows = [
        BallotRow(
            item=item,
            field=form[services.item_field(item.pk)] if form is not None else None,
            description_html=render_markdown(item.description) if item.description else "",
            mine=(mine or {}).get(item.pk),
        )
        for item in items
    ]
    show_results = selectors.results_public(state, mine)
    given = _points_given(form, mine) if method == DOTS else 0
    return {
        "ballot_form": form,
        "ballot_rows": rows,
        "method": method,
        "budget": budget,
        "points_given": given,
        "points_left": max((budget or 0) - given, 0),
        "points_over": max(given - (budget or 0), 0),
        "positions": len(items),
        "my_ballot": mine,
        "show_results": show_results,
        "results": [
            {"item": entry.item, "row": entry.row, "mine": (mine or {}).get(entry.item.pk)}
            for entry in (selectors.results_of(module, items) if show_results else [])
        ],
    }


@require_POST
def ballot(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """Cast or change a ballot. Bad input or a refusal re-renders the module
    page with what was typed and the reasons, status 400, nothing saved (not
    even an account holder's participant, made on their first write)."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    if item.kind != ModuleKind.PRIORITISATION:
        raise Http404("This module takes no ballots.")
    form = ballot_form(item, selectors.items_of(item), request.POST)
    if form.is_valid():
        try:
            # One transaction: an account holder's refused first ballot
            # leaves no participant behind.
            with transaction.atomic():
                _ballot, created = services.ballot_cast(
                    participant=acting_participant(request, item, "vote"),
                    module=item,
                    allocation=form.allocation(),
                )
        except ValidationError as error:
            forget_cached(request)  # it may name the participant just rolled back
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your ballot is cast.") if created else _("Your ballot is changed."),
            )
            return redirect(module_url(item) + "#results")
    return _module_page(request, item, is_preview, form=form, status=400)

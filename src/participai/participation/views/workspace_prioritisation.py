"""Staff pages of a prioritisation module: setting up its items, the
results as they come in, a paper ballot typed in by a facilitator, and the
printable paper ballot.

Any member of the procurement's organisation reads the set-up page and the
results (others get a 404); changing the items needs
``Action.MANAGE_PARTICIPATION`` and typing in a paper ballot
``Action.ASSIST_PARTICIPATION`` (403 with the reason otherwise). Each write
is one service call whose ``ValidationError`` comes back on the page, status
400, with nothing saved.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.core.text import render_markdown
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..access import staff_module
from ..forms.prioritisation import AssistBallotForm, ItemForm
from ..models import Channel, Module, ModuleKind, PriorityBallot, PriorityItem, Process
from ..selectors import prioritisation as selectors
from ..services import participants as participant_services
from ..services import prioritisation as services

TEMPLATES = "participation/workspace/"


def _module(procurement: Procurement, process_slug: str, module_id: int) -> tuple[Process, Module]:
    module = staff_module(procurement, process_slug, module_id, ModuleKind.PRIORITISATION)
    return module.process, module


def _item(module: Module, item_id: int) -> PriorityItem:
    item = PriorityItem.objects.filter(module=module, pk=item_id).first()
    if item is None:
        raise Http404("No such item in this module.")
    return item


def setup_url(module: Module) -> str:
    process = module.process
    return reverse(
        "participation_workspace:prioritisation_setup",
        kwargs={
            "slug": process.procurement.slug,
            "process": process.slug,
            "module_id": module.pk,
        },
    )


def _setup_page(
    request: HttpRequest,
    procurement: Procurement,
    process: Process,
    module: Module,
    *,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = selectors.items_of(module)
    by_channel = selectors.ballots_by_channel(module)
    ballots = sum(by_channel.values())
    frozen = ballots > 0  # the items freeze with the first ballot (services.prioritisation)
    can_manage = can(request.user, Action.MANAGE_PARTICIPATION, procurement)
    if item_form is None and can_manage and not frozen:
        item_form = ItemForm()
    labels = dict(Channel.choices)
    return render(
        request,
        TEMPLATES + "prioritisation_setup.html",
        {
            "procurement": procurement,
            "process": process,
            "module": module,
            "state": (
                selectors.module_state(module, timezone.now()) if process.is_published else "draft"
            ),
            "method": services.method_of(module),
            "budget": services.budget_of(module),
            "items": [(item, render_markdown(item.description)) for item in items],
            "frozen": frozen,
            "can_manage": can_manage,
            "can_assist": can(request.user, Action.ASSIST_PARTICIPATION, procurement),
            "item_form": item_form if can_manage and not frozen else None,
            "results": selectors.results_of(module, items),
            "ballots": ballots,
            "by_channel": [(labels[key], count) for key, count in by_channel.items() if count],
            "public_url": reverse(
                "participation_public:module",
                kwargs={
                    "slug": procurement.slug,
                    "process": process.slug,
                    "module": module.pk,
                },
            ),
        },
        status=status,
    )


@login_required
def setup(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """The items of a prioritisation module, the form to add one, and the
    results so far. A POST adds an item."""
    action = Action.MANAGE_PARTICIPATION if request.method == "POST" else Action.VIEW
    procurement = access_procurement(request.user, slug, action=action)
    item_process, module = _module(procurement, process, module_id)
    if request.method != "POST":
        return _setup_page(request, procurement, item_process, module)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.item_add(actor=request.user, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” added.") % {"title": item.title})
            return redirect(setup_url(module) + "#add-item")
    return _setup_page(request, procurement, item_process, module, item_form=form, status=400)


@login_required
def item_edit(
    request: HttpRequest, slug: str, process: str, module_id: int, item_id: int
) -> HttpResponse:
    """Change an item's title or description (only a typo fix in the title
    once ballots are in)."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item_process, module = _module(procurement, process, module_id)
    item = _item(module, item_id)
    status = 200
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                item = services.item_update(actor=request.user, item=item, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": item.title})
                return redirect(setup_url(module) + f"#item-{item.pk}")
        status = 400
    else:
        form = ItemForm(initial={"title": item.title, "description": item.description})
    return render(
        request,
        TEMPLATES + "prioritisation_item.html",
        {
            "procurement": procurement,
            "process": item_process,
            "module": module,
            "item": item,
            "form": form,
            "frozen": PriorityBallot.objects.filter(module=module).exists(),
            "setup_url": setup_url(module),
        },
        status=status,
    )


def _item_action(
    request: HttpRequest, slug: str, process: str, module_id: int, item_id: int, write: Any
) -> HttpResponse:
    """Run ``write(actor, item)`` (returns the message to show): success →
    the message and back to the list; refusal → the list with the reason, 400."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item_process, module = _module(procurement, process, module_id)
    item = _item(module, item_id)
    try:
        message = write(request.user, item)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _setup_page(request, procurement, item_process, module, status=400)
    messages.success(request, message)
    return redirect(setup_url(module) + "#items")


@login_required
@require_POST
def item_move(
    request: HttpRequest, slug: str, process: str, module_id: int, item_id: int
) -> HttpResponse:
    """Move an item one place up or down (``direction`` in the POST)."""

    def write(actor, item: PriorityItem) -> str:
        moved = services.item_move(
            actor=actor, item=item, direction=request.POST.get("direction", "")
        )
        return _("“%(title)s” is now number %(position)d.") % {
            "title": moved.title,
            "position": moved.position,
        }

    return _item_action(request, slug, process, module_id, item_id, write)


@login_required
@require_POST
def item_remove(
    request: HttpRequest, slug: str, process: str, module_id: int, item_id: int
) -> HttpResponse:
    """Take an item off the list (before any ballot)."""

    def write(actor, item: PriorityItem) -> str:
        services.item_remove(actor=actor, item=item)
        return _("“%(title)s” removed.") % {"title": item.title}

    return _item_action(request, slug, process, module_id, item_id, write)


@login_required
def assist_ballot(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """A facilitator types in a ballot filled in on paper or given by phone,
    under the pseudonym the person chose. A new guest is made for it and the
    ballot tagged with the channel and the facilitator, in one transaction:
    a refused ballot leaves no stray guest behind. After saving, the page
    comes back empty with the same channel, ready for the next."""
    procurement = access_procurement(request.user, slug, action=Action.ASSIST_PARTICIPATION)
    item_process, module = _module(procurement, process, module_id)
    items = selectors.items_of(module)
    options = {
        "items": items,
        "method": services.method_of(module),
        "budget": services.budget_of(module),
    }
    status = 200
    if request.method == "POST":
        form = AssistBallotForm(request.POST, **options)
        if form.is_valid():
            try:
                with transaction.atomic():
                    # Unaudited: the ballot's audit event records the new guest
                    # (see participants.guest_join on lock order).
                    participant = participant_services.guest_join(
                        pseudonym=form.cleaned_data["pseudonym"], audited=False
                    )
                    services.ballot_cast(
                        participant=participant,
                        module=module,
                        allocation=form.allocation(),
                        channel=form.cleaned_data["channel"],
                        entered_by=request.user,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the ballot of “%(name)s”. Ready for the next.")
                    % {"name": participant.pseudonym},
                )
                query = urlencode({"channel": form.cleaned_data["channel"]})
                return redirect(f"{_assist_url(module)}?{query}")
        status = 400
    else:
        form = AssistBallotForm(
            initial={"channel": request.GET.get("channel") or Channel.PAPER}, **options
        )
    if "channel" in request.GET:
        # Back from saving one: straight to the next person's name.
        form.fields["pseudonym"].widget.attrs["autofocus"] = True
    return render(
        request,
        TEMPLATES + "prioritisation_assist.html",
        {
            "procurement": procurement,
            "process": item_process,
            "module": module,
            "form": form,
            "rows": [
                (item, form[services.item_field(item.pk)], render_markdown(item.description))
                for item in items
            ],
            "method": options["method"],
            "budget": options["budget"],
            "state": selectors.module_state(module, timezone.now()),
            "setup_url": setup_url(module),
        },
        status=status,
    )


def _assist_url(module: Module) -> str:
    process = module.process
    return reverse(
        "participation_workspace:prioritisation_assist",
        kwargs={
            "slug": process.procurement.slug,
            "process": process.slug,
            "module_id": module.pk,
        },
    )


def paper_ballot(
    request: HttpRequest, procurement: Procurement, process: Process, module: Module
) -> HttpResponse:
    """The printable paper ballot of a prioritisation module (registered in
    ``views.workspace.PAPER_FORMS``): the question, the items with a box
    each for points or a position, and where to hand it in. ``?where=``
    fills in the place."""
    module.process = process
    items = selectors.items_of(module)
    return render(
        request,
        TEMPLATES + "prioritisation_print.html",
        {
            "procurement": procurement,
            "process": process,
            "module": module,
            "method": services.method_of(module),
            "budget": services.budget_of(module),
            "items": items,
            "where": request.GET.get("where", "").strip()[:300],
            "window": module.window(process),
            "public_url": request.build_absolute_uri(
                reverse(
                    "participation_public:module",
                    kwargs={
                        "slug": procurement.slug,
                        "process": process.slug,
                        "module": module.pk,
                    },
                )
            ),
        },
    )

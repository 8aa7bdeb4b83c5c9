"""Workspace pages of the actor map: the map itself (tables, grid, coverage,
gaps, suggestions and the involvement editor), and the forms that change it.

Every member of the organisation reads the map (``Action.VIEW``); changing it
needs ``Action.PLAN_ENGAGEMENT`` (403 otherwise). Bad input re-renders the
page with the errors and status 400; nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..forms.actors import ActorForm, ConfirmForm, InvolvementForm, SuggestionForm
from ..models import Actor
from ..selectors import actors as selectors
from ..services import actors as services

BAD_REQUEST = 400


@dataclass(frozen=True)
class EditorRow:
    actor: Actor
    form: InvolvementForm


def _stakeholder(procurement: Procurement, actor_id: int) -> Actor:
    return get_object_or_404(
        Actor.objects.prefetch_related("involvements"), pk=actor_id, procurement=procurement
    )


def _posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one, so it is validated), else ``None``."""
    return request.POST if request.method == "POST" else None


def _map_url(slug: str, anchor: str = "") -> str:
    return reverse("engagement:actor_map", kwargs={"slug": slug}) + (
        f"#{anchor}" if anchor else ""
    )


def _editors(actors: list[Actor], data=None) -> list[EditorRow]:
    """The involvement editor: a row of selects per actor, all in one form."""
    return [
        EditorRow(
            actor=actor,
            form=InvolvementForm(
                data,
                initial=InvolvementForm.initial_for(actor),
                prefix=f"inv-{actor.pk}",
                in_table=True,
            ),
        )
        for actor in actors
    ]


def _render_map(
    request: HttpRequest,
    procurement: Procurement,
    *,
    data: selectors.ActorMap | None = None,
    editors: list[EditorRow] | None = None,
    editor_error: str = "",
    suggestion_error: str = "",
    status: int = 200,
) -> HttpResponse:
    data = data or selectors.actor_map(procurement)
    can_edit = can(request.user, Action.PLAN_ENGAGEMENT, procurement)
    if not can_edit:
        editors = []
    elif editors is None:
        editors = _editors(data.actors)
    return render(
        request,
        "engagement/actors/map.html",
        {
            "procurement": procurement,
            "map": data,
            "can_edit": can_edit,
            "editors": editors,
            "editor_error": editor_error,
            "suggestion_error": suggestion_error,
        },
        status=status,
    )


@login_required
def actor_map(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    return _render_map(request, procurement)


@login_required
def actor_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    form = ActorForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stakeholder = services.actor_add(
                    actor=request.user, procurement=procurement, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("“%(name)s” is on the map.") % {"name": stakeholder.name}
                )
                return redirect(_map_url(slug, "actors"))
        status = BAD_REQUEST
    return render(
        request,
        "engagement/actors/form.html",
        {"procurement": procurement, "form": form, "stakeholder": None},
        status=status,
    )


@login_required
def actor_edit(request: HttpRequest, slug: str, actor_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    stakeholder = _stakeholder(procurement, actor_id)
    form = ActorForm(_posted(request), initial=ActorForm.initial_for(stakeholder))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stakeholder = services.actor_update(
                    actor=request.user, stakeholder=stakeholder, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(_map_url(slug, "actors"))
        status = BAD_REQUEST
    return render(
        request,
        "engagement/actors/form.html",
        {"procurement": procurement, "form": form, "stakeholder": stakeholder},
        status=status,
    )


@login_required
def actor_remove(request: HttpRequest, slug: str, actor_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    stakeholder = _stakeholder(procurement, actor_id)
    form = ConfirmForm(_posted(request))
    status = 200
    if request.method == "POST":
        try:
            services.actor_remove(actor=request.user, stakeholder=stakeholder)
        except ValidationError as error:
            form.is_valid()
            add_service_errors(form, error)
            status = BAD_REQUEST
        else:
            messages.success(
                request, _("“%(name)s” was taken off the map.") % {"name": stakeholder.name}
            )
            return redirect(_map_url(slug, "actors"))
    return render(
        request,
        "engagement/actors/remove.html",
        {
            "procurement": procurement,
            "stakeholder": stakeholder,
            "activities": list(stakeholder.activities.order_by("id")),
            "form": form,
        },
        status=status,
    )


@login_required
def involvement_edit(request: HttpRequest, slug: str, actor_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    stakeholder = _stakeholder(procurement, actor_id)
    form = InvolvementForm(_posted(request), initial=InvolvementForm.initial_for(stakeholder))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.involvements_set(
                    actor=request.user, stakeholder=stakeholder, depths=form.depths()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Involvement of “%(name)s” saved.") % {"name": stakeholder.name},
                )
                return redirect(_map_url(slug, "involvements"))
        status = BAD_REQUEST
    return render(
        request,
        "engagement/actors/involvements.html",
        {"procurement": procurement, "stakeholder": stakeholder, "form": form},
        status=status,
    )


@login_required
@require_POST
def involvements_save(request: HttpRequest, slug: str) -> HttpResponse:
    """The map's involvement editor: saves, for every actor, the stages whose
    depth the user changed on the page, all at once; or nothing, and the map
    again with the choices as they were sent and what is wrong (status 400)."""
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    data = selectors.actor_map(procurement)
    editors = _editors(data.actors, request.POST)
    editor_error = _("Some choices are not valid; nothing was saved. Correct them and save again.")
    if all([editor.form.is_valid() for editor in editors]):
        changes = {
            editor.actor.pk: editor.form.changed_depths()
            for editor in editors
            if editor.form.has_changed()
        }
        try:
            count = services.map_involvements_set(
                actor=request.user, procurement=procurement, depths=changes
            )
        except ValidationError as error:
            editor_error = " ".join(error.messages)
        else:
            if count:
                messages.success(
                    request,
                    ngettext(
                        "Involvement saved for %(count)d actor.",
                        "Involvement saved for %(count)d actors.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.info(request, _("Nothing was changed, so nothing was saved."))
            return redirect(_map_url(slug, "involvements"))
    return _render_map(
        request,
        procurement,
        data=data,
        editors=editors,
        editor_error=editor_error,
        status=BAD_REQUEST,
    )


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    form = SuggestionForm(request.POST)
    error_message = _("This suggestion is no longer offered; the map may have changed.")
    if form.is_valid():
        try:
            stakeholder = services.suggestion_accept(
                actor=request.user, procurement=procurement, key=form.cleaned_data["key"]
            )
        except ValidationError as error:
            error_message = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("“%(name)s” is on the map; check its role, sector and scores.")
                % {"name": stakeholder.name},
            )
            return redirect(_map_url(slug, "actors"))
    return _render_map(request, procurement, suggestion_error=error_message, status=BAD_REQUEST)

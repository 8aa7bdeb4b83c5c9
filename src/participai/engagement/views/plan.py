"""Workspace pages of the engagement plan: the plan (proposals, timeline,
activities by stage), recommend, add, edit, accept, cancel or dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from .. import plan_evidence
from ..forms.plan import ActivityAddForm, ActivityEditForm
from ..models import ActivityStatus, EngagementActivity
from ..selectors import plan as selectors
from ..services import plan as services


def _activity(procurement: Procurement, activity_id: int) -> EngagementActivity:
    activity = (
        EngagementActivity.objects.filter(procurement=procurement, pk=activity_id)
        .prefetch_related("target_actors")
        .first()
    )
    if activity is None:
        raise Http404("No such activity in this plan.")
    return activity


@login_required
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    page = selectors.plan_page(procurement)
    return render(
        request,
        "engagement/plan/plan.html",
        {
            "procurement": procurement,
            "page": page,
            # The evidence reads the plan the page has loaded.
            "obligations": plan_evidence.mechanism_obligations(procurement, page.activities),
            "can_plan": can(request.user, Action.PLAN_ENGAGEMENT, procurement),
        },
    )


@login_required
@require_POST
def plan_recommend(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    created = services.plan_recommend(actor=request.user, procurement=procurement)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d activity proposed: accept or dismiss it below.",
                "%(count)d activities proposed: accept or dismiss them below.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(request, _("Nothing new to propose: the plan already has it all."))
    return redirect("engagement:plan", slug=slug)


@login_required
def activity_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    form = ActivityAddForm(request.POST or None, procurement=procurement)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_add(actor=request.user, procurement=procurement, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Activity added to the plan."))
                return redirect("engagement:plan", slug=slug)
        status = 400
    return render(
        request,
        "engagement/plan/activity_form.html",
        {"form": form, "procurement": procurement, "activity": None},
        status=status,
    )


@login_required
def activity_edit(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    activity = _activity(procurement, activity_id)
    form = ActivityEditForm(request.POST or None, procurement=procurement, activity=activity)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_update(actor=request.user, activity=activity, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("engagement:plan", slug=slug)
        status = 400
    return render(
        request,
        "engagement/plan/activity_form.html",
        {
            "form": form,
            "procurement": procurement,
            "activity": activity,
            "mechanism_name": selectors.mechanism_name(activity.mechanism_key),
            "can_cancel": activity.status not in (ActivityStatus.DONE, ActivityStatus.CANCELLED),
        },
        status=status,
    )


def _refused(request: HttpRequest, error: ValidationError, slug: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("engagement:plan", slug=slug)


@login_required
@require_POST
def activity_accept(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    activity = _activity(procurement, activity_id)
    try:
        services.activity_accept(actor=request.user, activity=activity)
    except ValidationError as error:
        return _refused(request, error, slug)
    messages.success(request, _("“%(title)s” is now in the plan.") % {"title": activity.title})
    return redirect("engagement:plan", slug=slug)


@login_required
@require_POST
def activity_cancel(request: HttpRequest, slug: str, activity_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PLAN_ENGAGEMENT)
    activity = _activity(procurement, activity_id)
    was_proposal = activity.status == ActivityStatus.PROPOSED
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except ValidationError as error:
        return _refused(request, error, slug)
    if was_proposal:
        message = _("Proposal “%(title)s” dismissed; it will not be proposed again.")
    else:
        message = _("“%(title)s” cancelled; it stays in the plan's history.")
    messages.success(request, message % {"title": activity.title})
    return redirect("engagement:plan", slug=slug)

"""Workspace pages of the solution evaluation: the overview (pilot plan and each
requirement's results), record a test, correct one, remove one.

Every member of the organisation reads the overview at any stage; writing
needs ``Action.TEST_SOLUTION`` (the procurement team, at the solution
evaluation stage) and an awarded tender.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.core.text import render_markdown
from participai.procurements.access import Action, can
from participai.procurements.models import Procurement

from ..access import access_tender
from ..forms.solution import PilotPlanForm, SolutionTestForm
from ..models import Requirement, SolutionTest, Tender, TenderStatus
from ..selectors.solution import solution_page
from ..services import solution as services


def _requirement(tender: Tender | None, requirement_id: int) -> Requirement:
    requirement = (
        Requirement.objects.filter(tender=tender, pk=requirement_id).first()
        if tender is not None
        else None
    )
    if requirement is None:
        raise Http404("No such requirement in this tender.")
    return requirement


def _test(tender: Tender | None, test_id: int) -> SolutionTest:
    test = (
        SolutionTest.objects.select_related("requirement")
        .filter(tender=tender, pk=test_id)
        .first()
        if tender is not None
        else None
    )
    if test is None:
        raise Http404("No such test of this tender's solution.")
    return test


def _overview(
    request: HttpRequest,
    procurement: Procurement,
    tender: Tender | None,
    *,
    plan_form: PilotPlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = solution_page(tender) if tender is not None else None
    can_test = (
        tender is not None
        and tender.status == TenderStatus.AWARDED
        and can(request.user, Action.TEST_SOLUTION, procurement)
    )
    rows = []
    if page is not None:
        today = timezone.localdate()
        for row in page.requirements:
            # One small form per requirement; the ids name the requirement so
            # that labels stay unique on the page.
            form = (
                SolutionTestForm(
                    auto_id=f"id_r{row.requirement.pk}_%s", initial={"tested_on": today}
                )
                if can_test
                else None
            )
            rows.append((row, form))
    if can_test and plan_form is None:
        plan_form = PilotPlanForm(initial={"pilot_plan": tender.pilot_plan})
    # render_markdown sanitises (nh3): what it returns is safe to mark so.
    plan_html = mark_safe(render_markdown(tender.pilot_plan)) if tender is not None else ""
    return render(
        request,
        "tendering/solution/solution.html",
        {
            "procurement": procurement,
            "tender": tender,
            "page": page,
            "rows": rows,
            "can_test": can_test,
            "plan_form": plan_form,
            "pilot_plan_html": plan_html,
        },
        status=status,
    )


@login_required
def solution(request: HttpRequest, slug: str) -> HttpResponse:
    """The overview; a POST saves the pilot plan."""
    if request.method != "POST":
        procurement, tender = access_tender(request.user, slug)
        return _overview(request, procurement, tender)
    procurement, tender = access_tender(request.user, slug, action=Action.TEST_SOLUTION)
    if tender is None:
        raise Http404("This procurement has no tender.")
    form = PilotPlanForm(request.POST)
    if form.is_valid():
        try:
            services.pilot_plan_update(
                actor=request.user, tender=tender, pilot_plan=form.cleaned_data["pilot_plan"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pilot plan saved."))
            return redirect("tender:solution", slug=slug)
    return _overview(request, procurement, tender, plan_form=form, status=400)


def _form_page(
    request: HttpRequest,
    procurement: Procurement,
    requirement: Requirement,
    form: SolutionTestForm,
    *,
    test: SolutionTest | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "tendering/solution/test_form.html",
        {"procurement": procurement, "requirement": requirement, "form": form, "test": test},
        status=status,
    )


@login_required
def test_add(request: HttpRequest, slug: str, requirement_id: int) -> HttpResponse:
    procurement, tender = access_tender(request.user, slug, action=Action.TEST_SOLUTION)
    requirement = _requirement(tender, requirement_id)
    if request.method != "POST":
        form = SolutionTestForm(initial={"tested_on": timezone.localdate()})
        return _form_page(request, procurement, requirement, form)
    form = SolutionTestForm(request.POST)
    if form.is_valid():
        try:
            services.solution_test_record(
                actor=request.user, tender=tender, requirement=requirement, **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Result recorded for “%(title)s”.") % {"title": requirement.title}
            )
            return redirect("tender:solution", slug=slug)
    return _form_page(request, procurement, requirement, form, status=400)


@login_required
def test_edit(request: HttpRequest, slug: str, test_id: int) -> HttpResponse:
    procurement, tender = access_tender(request.user, slug, action=Action.TEST_SOLUTION)
    test = _test(tender, test_id)
    if request.method != "POST":
        form = SolutionTestForm(test=test)
        return _form_page(request, procurement, test.requirement, form, test=test)
    form = SolutionTestForm(request.POST, test=test)
    if form.is_valid():
        try:
            services.solution_test_update(actor=request.user, test=test, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("tender:solution", slug=slug)
    return _form_page(request, procurement, test.requirement, form, test=test, status=400)


@login_required
@require_POST
def test_remove(request: HttpRequest, slug: str, test_id: int) -> HttpResponse:
    _procurement, tender = access_tender(request.user, slug, action=Action.TEST_SOLUTION)
    test = _test(tender, test_id)
    try:
        services.solution_test_remove(actor=request.user, test=test)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The test of “%(title)s” was removed.") % {"title": test.requirement.title},
        )
    return redirect("tender:solution", slug=slug)

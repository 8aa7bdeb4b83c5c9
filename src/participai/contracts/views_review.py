"""Workspace pages of the review, under /workspace/procurements/<slug>/contract/review/.

One page (``contract:review``) with the review form and the reviews
recorded, the exit checklist, and the lessons learned with their form; the
forms post to it (the review) or to their own URL (a step done, a lesson
added or edited). Every member of the organisation reads the page (404 for
anyone else). Recording the review and keeping the checklist needs
``Action.RECORD_REVIEW`` (admin, officers, project leads, at the review
stage: 403 otherwise); writing lessons needs ``Action.WRITE_LESSONS`` (the
team, at any stage, also once the procurement is stopped or closed).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from . import selectors_review
from .forms_review import ExitStepDoneForm, LessonForm, ReviewForm
from .models import ExitStep, Lesson
from .services import review as services


def _home(slug: str) -> HttpResponse:
    return redirect("contract:review", slug=slug)


def _save(request: HttpRequest, form: Form, write: Any, success: str) -> bool:
    """Run ``write(values)`` when the form is valid; show its refusal on the form."""
    if not form.is_valid():
        return False
    try:
        write(form.values())
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True


def _page(
    request: HttpRequest,
    procurement: Procurement,
    *,
    review_form: ReviewForm | None = None,
    lesson_form: LessonForm | None = None,
    failed_step: tuple[int, ExitStepDoneForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors_review.review_page(procurement)
    may_review = can(request.user, Action.RECORD_REVIEW, procurement)
    may_write_lessons = can(request.user, Action.WRITE_LESSONS, procurement)
    today = timezone.localdate()
    if may_review and review_form is None:
        review_form = ReviewForm(
            sessions=selectors_review.review_sessions(procurement),
            initial={"decided_on": today},
            auto_id="id_review_%s",
        )
    if may_write_lessons and lesson_form is None:
        lesson_form = LessonForm(auto_id="id_lesson_%s")
    steps = []
    for step in page.steps:
        form = None
        if may_review and step.done_on is None:
            if failed_step and failed_step[0] == step.pk:
                form = failed_step[1]
            else:
                form = ExitStepDoneForm(initial={"done_on": today}, auto_id=f"id_step{step.pk}_%s")
        steps.append((step, form))
    return render(
        request,
        "contracts/review/review.html",
        {
            "procurement": procurement,
            "page": page,
            "steps": steps,
            "may_review": may_review,
            "may_write_lessons": may_write_lessons,
            "review_form": review_form if may_review else None,
            "lesson_form": lesson_form if may_write_lessons else None,
        },
        status=status,
    )


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, access_procurement(request.user, slug))
    procurement = access_procurement(request.user, slug, action=Action.RECORD_REVIEW)
    form = ReviewForm(
        request.POST,
        sessions=selectors_review.review_sessions(procurement),
        auto_id="id_review_%s",
    )
    if _save(
        request,
        form,
        lambda values: services.review_record(
            actor=request.user, procurement=procurement, **values
        ),
        _("Review recorded."),
    ):
        return _home(slug)
    return _page(request, procurement, review_form=form, status=400)


def _step(procurement: Procurement, step_id: int) -> ExitStep:
    step = ExitStep.objects.filter(contract__procurement=procurement, pk=step_id).first()
    if step is None:
        raise Http404("No such exit step in this contract.")
    return step


@login_required
@require_POST
def exit_done(request: HttpRequest, slug: str, step_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_REVIEW)
    step = _step(procurement, step_id)
    form = ExitStepDoneForm(request.POST, auto_id=f"id_step{step.pk}_%s")
    if _save(
        request,
        form,
        lambda values: services.exit_step_done(actor=request.user, step=step, **values),
        _("Step “%(step)s” done.") % {"step": step.get_kind_display()},
    ):
        return _home(slug)
    return _page(request, procurement, failed_step=(step.pk, form), status=400)


@login_required
@require_POST
def lesson_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.WRITE_LESSONS)
    form = LessonForm(request.POST, auto_id="id_lesson_%s")
    if _save(
        request,
        form,
        lambda values: services.lesson_write(
            actor=request.user, procurement=procurement, **values
        ),
        _("Lesson saved."),
    ):
        return _home(slug)
    return _page(request, procurement, lesson_form=form, status=400)


@login_required
def lesson_edit(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.WRITE_LESSONS)
    lesson = Lesson.objects.filter(procurement=procurement, pk=lesson_id).first()
    if lesson is None:
        raise Http404("No such lesson in this procurement.")
    form = LessonForm(request.POST or None, lesson=lesson)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.lesson_update(actor=request.user, lesson=lesson, **values),
        _("Changes saved."),
    ):
        return _home(slug)
    return render(
        request,
        "contracts/review/lesson_form.html",
        {"procurement": procurement, "form": form, "lesson": lesson},
        status=400 if request.method == "POST" else 200,
    )

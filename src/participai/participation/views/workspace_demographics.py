"""Staff pages of a process's demographics: the optional questions about
who takes part, the population shares to compare with, and the
representativeness panel.

Any member of the organisation reads the page (others get a 404); changing
the questions needs ``Action.MANAGE_PARTICIPATION`` (403 otherwise). Staff
see the same aggregates as the public, groups of at least five only: nobody
reads one person's answers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..access import staff_process
from ..forms.demographics import DemographicQuestionForm, options_text
from ..models import DemographicQuestion, Process
from ..selectors import demographics as selectors
from ..services import demographics as services
from .demographics_context import panel_context

TEMPLATES = "participation/workspace/"


def _question(process: Process, question_id: int) -> DemographicQuestion:
    question = DemographicQuestion.objects.filter(process=process, pk=question_id).first()
    if question is None:
        raise Http404("No such question in this process.")
    question.process = process
    return question


def _page_url(process: Process) -> str:
    return reverse(
        "participation_workspace:demographics",
        kwargs={"slug": process.procurement.slug, "process": process.slug},
    )


def _page(
    request: HttpRequest,
    procurement: Procurement,
    process: Process,
    form: DemographicQuestionForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    can_manage = can(request.user, Action.MANAGE_PARTICIPATION, procurement)
    # The panel reads the questions; the list above it shows the same ones.
    panel = selectors.representativeness(process)
    questions = [item.question for item in panel.panels]
    if form is None and can_manage and len(questions) < services.QUESTIONS_MAX:
        form = DemographicQuestionForm()
    return render(
        request,
        TEMPLATES + "demographics.html",
        {
            "procurement": procurement,
            "process": process,
            "questions": questions,
            "form": form,
            "can_manage": can_manage,
            "questions_max": services.QUESTIONS_MAX,
            **panel_context(panel, staff=True),
        },
        status=status,
    )


@login_required
def demographics(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The process's demographic questions, the form to add one, and who
    took part against the population."""
    procurement = access_procurement(request.user, slug)
    return _page(request, procurement, staff_process(procurement, process))


@login_required
@require_POST
def question_add(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Add a question; a bad POST re-renders the page with the errors (400)."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    form = DemographicQuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_add(actor=request.user, process=item, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(label)s” added.") % {"label": question.label})
            return redirect(_page_url(item))
    return _page(request, procurement, item, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, process: str, question_id: int) -> HttpResponse:
    """Change a question; once answered, only its population shares and their source."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    question = _question(item, question_id)
    initial = {
        "kind": question.kind,
        "label": question.label,
        "options": options_text(question),
        "benchmark_source": question.benchmark_source,
    }
    status = 200
    if request.method == "POST":
        form = DemographicQuestionForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                services.question_update(actor=request.user, question=question, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(_page_url(item))
        status = 400
    else:
        form = DemographicQuestionForm(initial=initial)
    return render(
        request,
        TEMPLATES + "demographics_question.html",
        {
            "procurement": procurement,
            "process": item,
            "question": question,
            "form": form,
            "answered": question.answers.exists(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(
    request: HttpRequest, slug: str, process: str, question_id: int
) -> HttpResponse:
    """Stop asking a question, after a page saying how many answers go with it."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    question = _question(item, question_id)
    if request.method == "POST":
        deleted = services.question_remove(actor=request.user, question=question)
        messages.success(
            request,
            ngettext(
                "The question is removed, with the %(n)d answer given to it.",
                "The question is removed, with the %(n)d answers given to it.",
                deleted,
            )
            % {"n": deleted},
        )
        return redirect(_page_url(item))
    return render(
        request,
        TEMPLATES + "demographics_remove.html",
        {
            "procurement": procurement,
            "process": item,
            "question": question,
            "answers": question.answers.count(),
        },
    )

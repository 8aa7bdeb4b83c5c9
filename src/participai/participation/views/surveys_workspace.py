"""Staff pages of a survey module: setting up its questions, its results
(with the free-text answers and a spreadsheet of every response), entering
a response given on paper, by phone or in person, and the printable
questionnaire.

Every member of the procurement's organisation reads the results (others
get a 404, as on the other workspace pages); setting questions up needs
``Action.MANAGE_PARTICIPATION`` and entering a response for someone
``Action.ASSIST_PARTICIPATION`` (403 with the reason otherwise).
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from .. import surveying
from ..access import staff_module
from ..forms.surveys import QuestionForm, SurveyAssistForm
from ..models import Channel, Module, ModuleKind, Process, SurveyQuestion
from ..selectors import surveys as selectors
from ..services import surveys as services

TEMPLATES = "participation/workspace/"
# Free-text answers shown on the results page per question; the rest are a
# click (and pages) away.
TEXT_PREVIEW = 5
TEXT_PER_PAGE = 50
# Ruled lines on the paper questionnaire for a free-text answer.
PRINT_TEXT_LINES = 5
# Spreadsheets run a cell that starts with one of these as a formula; a
# plain number (a scale's -2) is a number, not a formula, and stays as it is.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def _survey(
    request: HttpRequest, slug: str, process: str, module_id: int, *, action: Action = Action.VIEW
) -> tuple[Procurement, Process, Module]:
    """The procurement (``action`` checked: 404 for non-members, 403 without
    the right), its process and the survey module, else 404."""
    procurement = access_procurement(request.user, slug, action=action)
    module = staff_module(procurement, process, module_id, ModuleKind.SURVEY)
    return procurement, module.process, module


def _url(name: str, procurement: Procurement, process: Process, module: Module, *args) -> str:
    return reverse(
        f"participation_workspace:{name}", args=(procurement.slug, process.slug, module.pk, *args)
    )


def _question(module: Module, question_id: int) -> SurveyQuestion:
    question = SurveyQuestion.objects.filter(module=module, pk=question_id).first()
    if question is None:
        raise Http404("No such question in this survey.")
    question.module = module
    return question


def _links(request: HttpRequest, procurement: Procurement, process: Process, module: Module):
    return {
        "setup_url": _url("survey_setup", procurement, process, module),
        "results_url": _url("survey_results", procurement, process, module),
        "csv_url": _url("survey_csv", procurement, process, module),
        "assist_url": _url("survey_assist", procurement, process, module),
        "print_url": reverse(
            "participation_workspace:module_print",
            args=(procurement.slug, process.slug, module.pk),
        ),
        "public_url": reverse(
            "participation_public:module",
            kwargs={"slug": procurement.slug, "process": process.slug, "module": module.pk},
        ),
        "can_manage": can(request.user, Action.MANAGE_PARTICIPATION, procurement),
        "can_assist": can(request.user, Action.ASSIST_PARTICIPATION, procurement),
    }


# --------------------------------------------------------------------------- set-up


def _setup_page(
    request: HttpRequest,
    procurement: Procurement,
    process: Process,
    module: Module,
    form: QuestionForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    frozen = selectors.has_responses(module)
    links = _links(request, procurement, process, module)
    if form is None and not frozen and links["can_manage"]:
        form = QuestionForm(initial={"kind": surveying.SINGLE})
    return render(
        request,
        TEMPLATES + "survey_setup.html",
        {
            "procurement": procurement,
            "process": process,
            "module": module,
            "questions": selectors.survey_questions(module),
            "frozen": frozen,
            # Once answered, no question is added: the form only comes back
            # to show why a question posted meanwhile was refused.
            "form": form if not frozen or (form is not None and form.is_bound) else None,
            **links,
        },
        status=status,
    )


@login_required
def survey_setup(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """The survey's questions; for those who set processes up, each with its
    edit, move and remove buttons, and the form to add one (other members
    read the questions only). A bad question re-renders the page with the
    errors, status 400, and adds nothing."""
    if request.method != "POST":
        return _setup_page(request, *_survey(request, slug, process, module_id), None)
    procurement, item, module = _survey(
        request, slug, process, module_id, action=Action.MANAGE_PARTICIPATION
    )
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_add(
                actor=request.user, module=module, **form.question_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Question %(number)d added.") % {"number": question.position}
            )
            return redirect(
                f"{_url('survey_setup', procurement, item, module)}#question-{question.pk}"
            )
    return _setup_page(request, procurement, item, module, form, status=400)


@login_required
def question_edit(
    request: HttpRequest, slug: str, process: str, module_id: int, question_id: int
) -> HttpResponse:
    """Change a question; once people have answered, only its help text."""
    procurement, item, module = _survey(
        request, slug, process, module_id, action=Action.MANAGE_PARTICIPATION
    )
    question = _question(module, question_id)
    frozen = selectors.has_responses(module)
    initial = QuestionForm.initial_of(question)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST, initial=initial, frozen=frozen)
        if form.is_valid():
            try:
                services.question_update(
                    actor=request.user, question=question, **form.question_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect(
                    f"{_url('survey_setup', procurement, item, module)}#question-{question.pk}"
                )
        status = 400
    else:
        form = QuestionForm(initial=initial, frozen=frozen)
    return render(
        request,
        TEMPLATES + "survey_question.html",
        {
            "procurement": procurement,
            "process": item,
            "module": module,
            "question": question,
            "frozen": frozen,
            "form": form,
            **_links(request, procurement, item, module),
        },
        status=status,
    )


@login_required
@require_POST
def question_remove(
    request: HttpRequest, slug: str, process: str, module_id: int, question_id: int
) -> HttpResponse:
    """Remove a question nobody has answered; a refusal comes back as a message."""
    procurement, item, module = _survey(
        request, slug, process, module_id, action=Action.MANAGE_PARTICIPATION
    )
    question = _question(module, question_id)
    try:
        services.question_remove(actor=request.user, question=question)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question removed: “%(text)s”.") % {"text": question.text})
    return redirect(_url("survey_setup", procurement, item, module))


@login_required
@require_POST
def question_move(
    request: HttpRequest, slug: str, process: str, module_id: int, question_id: int
) -> HttpResponse:
    """Move a question one place up or down (``direction`` in the POST)."""
    procurement, item, module = _survey(
        request, slug, process, module_id, action=Action.MANAGE_PARTICIPATION
    )
    question = _question(module, question_id)
    try:
        moved = services.question_move(
            actor=request.user, question=question, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_url("survey_setup", procurement, item, module))
    messages.success(
        request, _("Question moved to place %(number)d.") % {"number": moved.position}
    )
    return redirect(f"{_url('survey_setup', procurement, item, module)}#question-{question.pk}")


# --------------------------------------------------------------------------- results


@login_required
def survey_results(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """Every question's results for staff, free-text answers included (the
    latest few of each, with a link to them all), and the spreadsheet link.
    A fixed number of queries, whatever the number of questions or responses."""
    procurement, item, module = _survey(request, slug, process, module_id)
    questions = selectors.survey_questions(module)
    latest = selectors.latest_text_answers(questions, limit=TEXT_PREVIEW)
    rows = [
        {
            "item": row,
            "texts": latest.get(row.question.pk, []),
            "texts_url": _url("survey_text", procurement, item, module, row.question.pk),
        }
        for row in selectors.survey_results(module, questions, public=False)
    ]
    return render(
        request,
        TEMPLATES + "survey_results.html",
        {
            "procurement": procurement,
            "process": item,
            "module": module,
            "rows": rows,
            "state": module.window(item).state(timezone.now()),
            "text_preview": TEXT_PREVIEW,
            **_links(request, procurement, item, module),
        },
    )


@login_required
def survey_text(
    request: HttpRequest, slug: str, process: str, module_id: int, question_id: int
) -> HttpResponse:
    """Every answer to one free-text question, most recent first, page by page."""
    procurement, item, module = _survey(request, slug, process, module_id)
    question = _question(module, question_id)
    if question.kind != surveying.TEXT:
        raise Http404("Only free-text questions have answers to read one by one.")
    page = Paginator(selectors.text_answers(question), TEXT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        TEMPLATES + "survey_text.html",
        {
            "procurement": procurement,
            "process": item,
            "module": module,
            "question": question,
            "page": page,
            "here": request.path,
            "page_query": "",
            **_links(request, procurement, item, module),
        },
    )


def _cell(value: Any) -> Any:
    """A spreadsheet cell: dates in ISO 8601, yes/no, and text that a
    spreadsheet would run as a formula (not a plain number) quoted so it
    stays text."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_STARTS)
        and not _NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


@login_required
def survey_csv(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """Every response as a CSV file: number, pseudonym, channel, whether a
    facilitator entered it, when, and each answer in words. No email or
    account is ever in it."""
    procurement, item, module = _survey(request, slug, process, module_id)
    questions = selectors.survey_questions(module)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{procurement.slug}-{item.slug}-survey-{module.pk}.csv"'
    )
    # A byte-order mark, so spreadsheet programs read the accents right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Response"),
            _("Pseudonym"),
            _("Channel"),
            _("Entered by a facilitator"),
            _("Answered at"),
            _("Last changed at"),
            *(_cell(f"{n}. {q.text}") for n, q in enumerate(questions, start=1)),
        ]
    )
    for row in selectors.export_rows(module, questions):
        writer.writerow([_cell(value) for value in row])
    return response


# --------------------------------------------------------------------------- assisted entry


@login_required
def survey_assist(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """A facilitator types in a response given on paper, by phone or in
    person, under the pseudonym the person chose: a new guest participant
    and the response are saved together or not at all. After saving, the
    page comes back empty with the same channel, ready for the next form."""
    procurement, item, module = _survey(
        request, slug, process, module_id, action=Action.ASSIST_PARTICIPATION
    )
    questions = selectors.survey_questions(module)
    status = 200
    if request.method == "POST":
        form = SurveyAssistForm(request.POST, questions=questions)
        if form.is_valid():
            channel = form.cleaned_data["channel"]
            try:
                # One transaction: refused answers leave no stray guest behind.
                saved = services.survey_answer_for_guest(
                    entered_by=request.user,
                    module=module,
                    pseudonym=form.cleaned_data["pseudonym"],
                    answers=form.answers(),
                    channel=channel,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the answers of “%(name)s”. Ready for the next.")
                    % {"name": saved.participant.pseudonym},
                )
                url = _url("survey_assist", procurement, item, module)
                return redirect(f"{url}?{urlencode({'channel': channel})}")
        status = 400
    else:
        channel = request.GET.get("channel")
        form = SurveyAssistForm(
            questions=questions,
            initial={"channel": channel if channel in Channel.values else Channel.PAPER},
        )
        if channel:
            # Back from saving one: straight to the next person's name.
            form.fields["pseudonym"].widget.attrs["autofocus"] = True
    return render(
        request,
        TEMPLATES + "survey_assist.html",
        {
            "procurement": procurement,
            "process": item,
            "module": module,
            "questions": questions,
            "form": form,
            "state": module.window(item).state(timezone.now()),
            **_links(request, procurement, item, module),
        },
        status=status,
    )


# --------------------------------------------------------------------------- paper


def survey_print(
    request: HttpRequest, procurement: Procurement, process: Process, module: Module
) -> HttpResponse:
    """The survey as a paper questionnaire (``views.workspace.PAPER_FORMS``):
    boxes to tick, places to number, lines to write on; ``?where=`` fills in
    where to hand it back. Access is checked by ``module_print``."""
    questions = selectors.survey_questions(module)
    return render(
        request,
        TEMPLATES + "survey_print.html",
        {
            "procurement": procurement,
            "process": process,
            "module": module,
            "questions": questions,
            "rows": [
                (q, list(range(q.scale_min, q.scale_max + 1)) if q.kind == surveying.SCALE else [])
                for q in questions
            ],
            "any_required": any(q.required for q in questions),
            "window": module.window(process),
            "where": request.GET.get("where", "").strip()[:300],
            "text_lines": range(PRINT_TEXT_LINES),
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


# The pages above under a survey module, included by ``workspace_urls`` at
# ``<process>/m/<module_id>/survey/`` (names in its namespace).
urlpatterns = [
    path("", survey_setup, name="survey_setup"),
    path("q/<int:question_id>/", question_edit, name="survey_question"),
    path("q/<int:question_id>/remove/", question_remove, name="survey_question_remove"),
    path("q/<int:question_id>/move/", question_move, name="survey_question_move"),
    path("results/", survey_results, name="survey_results"),
    path("results/q/<int:question_id>/", survey_text, name="survey_text"),
    path("responses.csv", survey_csv, name="survey_csv"),
    path("assist/", survey_assist, name="survey_assist"),
]

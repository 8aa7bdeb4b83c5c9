"""The public side of a survey module: the questions, answering and changing
one's answers while it is open, and the results.

The form works without JavaScript: radio buttons, check boxes, a place per
item to rank, text areas. Results of the questions that can be counted
(choices, scales, rankings) are shown once the module has closed or the
visitor has answered, so nobody answers in reaction to a tally; free-text
answers are never shown to the public.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors

from ... import surveying
from ...forms.surveys import SurveyForm, initial_answers
from ...models import Module, ModuleKind
from ...selectors import surveys as selectors
from ...services import surveys as services
from ...sessions import Visitor
from .common import Refusal, acting_participant, module_url
from .modules import _module_page, _open_module


def survey_context(
    module: Module,
    you: Visitor,
    now: datetime,
    *,
    form: SurveyForm | None = None,
    refusal: Refusal | None = None,
) -> dict[str, Any]:
    """What the module page shows of a survey, in a fixed number of queries:
    the form (``form`` when re-rendered with errors; otherwise one filled in
    with the visitor's answers when ``refusal`` is ``None``), the visitor's
    response, the questions to read when there is no form, and the results
    when they are public."""
    questions = selectors.survey_questions(module)
    mine = selectors.response_of(module, you.participant)
    state = module.window(module.process).state(now)
    if form is None and refusal is None and questions:
        form = SurveyForm(
            questions=questions, initial=initial_answers(questions, mine.values) if mine else None
        )
    show_results = bool(questions) and (state == "closed" or mine is not None)
    return {
        "questions": questions,
        "form": form,
        "mine": mine,
        "my_answers": [
            (q, surveying.display_value(q, mine.values[q.pk]))
            for q in questions
            if mine is not None and q.pk in mine.values
        ],
        "any_required": any(q.required for q in questions),
        "show_results": show_results,
        "results": (
            selectors.survey_results(module, questions, public=True) if show_results else []
        ),
    }


@require_POST
def answer(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """Save the visitor's answers, or replace them. A refusal or a bad
    answer re-renders the module page with what was entered and the
    reasons, status 400, nothing saved."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    if item.kind != ModuleKind.SURVEY:
        raise Http404("This module is not a survey.")
    form = SurveyForm(request.POST, questions=selectors.survey_questions(item))
    if form.is_valid():
        try:
            _saved, created = services.survey_answer(
                participant=acting_participant(request, item, "contribute"),
                module=item,
                answers=form.answers(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your answers are saved.")
                if created
                else _("Your answers are changed; the earlier ones are replaced."),
            )
            return redirect(f"{module_url(item)}#survey")
    return _module_page(request, item, is_preview, form=form, status=400)

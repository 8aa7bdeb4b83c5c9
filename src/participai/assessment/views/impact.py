"""Workspace pages of the impact assessment: overview, one page per section,
and the review where the assessment is completed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can, require

from ..access import access_assessment
from ..forms.impact import SectionForm
from ..forms.questionnaires import AnswersUploadForm, QuestionnaireChoiceForm
from ..models import OrganisationQuestionnaire, QuestionnaireFormat
from ..scoring import AnswersError, score
from ..selectors import impact as selectors
from ..selectors.questionnaires import default_option, offered_questionnaires
from ..services import impact as services


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    assessments = list(selectors.assessments_of(procurement))
    can_assess = can(request.user, Action.ASSESS, procurement)
    choice_form = None
    if can_assess and not any(a.is_draft for a in assessments):
        # Offer a choice only when the body uploaded questionnaires of its own.
        options = offered_questionnaires(procurement.organisation)
        if len(options) > 1:
            completed = [a for a in assessments if not a.is_draft]
            default = default_option(options, completed[-1] if completed else None)
            choice_form = QuestionnaireChoiceForm(
                initial={"questionnaire": default.value}, options=options, lang=get_language()
            )
    return render(
        request,
        "assessment/overview.html",
        {
            "procurement": procurement,
            "assessments": assessments,
            "can_assess": can_assess,
            "has_draft": any(a.is_draft for a in assessments),
            "choice_form": choice_form,
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.ASSESS)
    row = None
    if "questionnaire" in request.POST:
        form = QuestionnaireChoiceForm(
            request.POST,
            options=offered_questionnaires(procurement.organisation),
            lang=get_language(),
        )
        if not form.is_valid():
            messages.error(request, _("Choose one of the questionnaires offered."))
            return redirect("assessment:overview", slug=slug)
        row = form.chosen().row
    try:
        assessment = services.assessment_start(
            actor=request.user, procurement=procurement, questionnaire=row
        )
    except ValidationError as error:
        # Retired by the admin between the page and the click.
        messages.error(request, " ".join(error.messages))
        return redirect("assessment:overview", slug=slug)
    first = selectors.questionnaire_of(assessment).sections[0]
    return redirect("assessment:section", slug=slug, number=assessment.number, section=first.key)


@login_required
def section(request: HttpRequest, slug: str, number: int, section: str) -> HttpResponse:
    procurement, assessment = access_assessment(request.user, slug, number)
    questionnaire = selectors.questionnaire_of(assessment)
    keys = [s.key for s in questionnaire.sections]
    if section not in keys:
        raise Http404("No such section.")
    current = questionnaire.sections[keys.index(section)]
    editable = assessment.is_draft and can(request.user, Action.ASSESS, procurement)
    if request.method == "POST":
        # Answering needs the right (403 with the reason otherwise).
        require(request.user, Action.ASSESS, procurement)
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        questionnaire=questionnaire,
        section=current,
        answers=assessment.answers,
        lang=get_language(),
    )
    if request.method == "POST" and not assessment.is_draft:
        # Completed meanwhile (another tab, a colleague): say so, and keep what
        # was typed on the page rather than dropping it silently.
        form.is_valid()
        form.add_error(None, _("This assessment is completed; start a reassessment instead."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.assessment_save_answers(
                actor=request.user, assessment=assessment, answers=form.answers()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if "save_and_continue" in request.POST:
                following = _next_applicable(assessment, questionnaire, keys.index(section))
                if following is not None:
                    return redirect(
                        "assessment:section", slug=slug, number=number, section=following
                    )
                return redirect("assessment:review", slug=slug, number=number)
            messages.success(request, _("Draft saved."))
            return redirect("assessment:section", slug=slug, number=number, section=section)
    return render(
        request,
        "assessment/section.html",
        {
            "procurement": procurement,
            "assessment": assessment,
            "questionnaire": questionnaire,
            "section": current,
            "form": form,
            "editable": editable,
            "progress": selectors.progress(assessment, questionnaire),
            "lang": get_language(),
        },
        # A POST that reaches here was refused: say so to clients and tests alike.
        status=400 if request.method == "POST" else 200,
    )


def _next_applicable(assessment, questionnaire, index: int) -> str | None:
    """The next section that applies to the chosen phase, after ``index``."""
    assessment.refresh_from_db(fields=["answers"])
    for row in selectors.progress(assessment, questionnaire)[index + 1 :]:
        if row.applies:
            return row.section.key
    return None


@login_required
def review(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    procurement, assessment = access_assessment(request.user, slug, number)
    return render(
        request, "assessment/review.html", _review_context(request, procurement, assessment)
    )


def _review_context(request, procurement, assessment, *, answers_form=None) -> dict:
    questionnaire = selectors.questionnaire_of(assessment)
    preview = None
    if assessment.is_draft:
        try:
            preview = score(questionnaire, assessment.answers)
        except AnswersError:
            preview = None
    can_complete = assessment.is_draft and can(request.user, Action.ASSESS, procurement)
    reads_tool_answers = (
        can_complete
        and OrganisationQuestionnaire.objects.filter(
            pk=assessment.organisation_questionnaire_id,
            source_format=QuestionnaireFormat.AIA_SURVEYJS,
        ).exists()
    )
    if reads_tool_answers and answers_form is None:
        answers_form = AnswersUploadForm()
    return {
        "procurement": procurement,
        "assessment": assessment,
        "questionnaire": questionnaire,
        "progress": selectors.progress(assessment, questionnaire),
        "preview": preview,
        "result": assessment.result,
        "can_complete": can_complete,
        "answers_form": answers_form if reads_tool_answers else None,
        "lang": get_language(),
    }


@login_required
@require_POST
def complete(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _procurement, assessment = access_assessment(request.user, slug, number, action=Action.ASSESS)
    try:
        services.assessment_complete(actor=request.user, assessment=assessment)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            # Not about answers: completed meanwhile (a second click, another tab).
            messages.error(request, " ".join(error.messages))
            return redirect("assessment:review", slug=slug, number=number)
        questionnaire = selectors.questionnaire_of(assessment)
        missing = [
            questionnaire.question(key).text(get_language())
            for key in error.message_dict
            if key in questionnaire
        ]
        messages.error(
            request,
            ngettext(
                "The assessment cannot be completed yet: %(n)d question needs an answer: %(list)s",
                "The assessment cannot be completed yet: %(n)d questions need an answer: %(list)s",
                len(missing),
            )
            % {"n": len(missing), "list": "; ".join(missing[:5])},
        )
        return redirect("assessment:review", slug=slug, number=number)
    messages.success(request, _("Assessment completed."))
    return redirect("assessment:review", slug=slug, number=number)


@login_required
@require_POST
def import_answers(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Read a file of answers saved by the Canadian tool into the draft."""
    procurement, assessment = access_assessment(request.user, slug, number, action=Action.ASSESS)
    form = AnswersUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _assessment, count = services.assessment_import_answers(
                actor=request.user, assessment=assessment, content=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about the file: completed meanwhile (another tab, a colleague).
                # The review shows it completed, which a re-render of the draft would not.
                messages.error(request, " ".join(error.messages))
                return redirect("assessment:review", slug=slug, number=number)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d answer read from the file.", "%(n)d answers read from the file.", count
                )
                % {"n": count},
            )
            return redirect("assessment:review", slug=slug, number=number)
    return render(
        request,
        "assessment/review.html",
        _review_context(request, procurement, assessment, answers_form=form),
        status=400,
    )

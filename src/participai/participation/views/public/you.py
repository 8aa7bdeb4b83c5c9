"""A participant's own pages: "Your data" (see it, download it, delete it)
and, in a process that asks, the optional "About you" questions.

"Your data" lives at one address for every process (``/participate/you/``):
a guest is kept in the session across processes, and an account holder's
participant is the same everywhere. The visitor is whoever
``sessions.visitor`` says; nobody else's data can be reached from here.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participai.core.forms import add_service_errors

from ... import policy
from ...access import access_public_process
from ...forms.demographics import AboutYouForm, DeleteDataForm
from ...models import Process
from ...selectors import demographics as demographic_selectors
from ...selectors.participant_data import participant_summary
from ...services import demographics as demographic_services
from ...services import participant_data as data_services
from ...sessions import forget_guest, participant_for_request, visitor
from .common import (
    TEMPLATES,
    first_message,
    process_url,
    read_refusal,
    safe_next,
    sign_in_page,
    with_next,
)


def you_url(name: str = "you") -> str:
    return reverse(f"participation_you:{name}")


# --------------------------------------------------------------------------- your data


@never_cache
@require_GET
def you(request: HttpRequest) -> HttpResponse:
    """What is held about the visitor, with the ways to download and delete it."""
    me = visitor(request)
    participant = me.participant
    return render(
        request,
        TEMPLATES + "you.html",
        {
            "you": me,
            "participant": participant,
            "summary": participant_summary(participant) if participant else None,
            "profiles": (demographic_selectors.profiles_of(participant) if participant else []),
        },
    )


@never_cache
@require_GET
def you_export(request: HttpRequest) -> HttpResponse:
    """Everything held about the visitor, as a JSON file to keep."""
    participant = visitor(request).participant
    if participant is None:
        raise Http404("Nothing is held about you.")
    data = data_services.participant_export(participant)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="participai-your-data-{stamp}.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def you_delete(request: HttpRequest) -> HttpResponse:
    """Delete the visitor's data, after a page that says what will happen.

    A guest is forgotten by this browser afterwards; an account holder keeps
    their account (and takes part afresh next time) unless they chose to
    close it, in which case they are signed out.
    """
    me = visitor(request)
    participant = me.participant
    if participant is None:
        messages.info(request, _("Nothing is held about you, so there is nothing to delete."))
        return redirect(you_url())
    may_close = data_services.may_close_account(request.user if me.is_signed_in else None)
    status = 200
    if request.method == "POST":
        form = DeleteDataForm(request.POST, has_account=me.is_signed_in, may_close=may_close)
        if form.is_valid():
            close = me.is_signed_in and form.close_account
            try:
                data_services.participant_delete(participant=participant, close_account=close)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if close:
                    logout(request)
                elif not me.is_signed_in:
                    forget_guest(request)
                messages.success(
                    request,
                    _("Your account is closed and your data deleted.")
                    if close
                    else _(
                        "Your data are deleted. What you wrote now reads “Removed by its author”."
                    ),
                )
                return redirect(you_url())
        status = 400
    else:
        form = DeleteDataForm(has_account=me.is_signed_in, may_close=may_close)
    return render(
        request,
        TEMPLATES + "you_delete.html",
        {
            "you": me,
            "participant": participant,
            "summary": participant_summary(participant),
            "form": form,
            "may_close": may_close,
        },
        status=status,
    )


# --------------------------------------------------------------------------- about you


def _about_you_page(
    request: HttpRequest,
    item: Process,
    is_preview: bool,
    form: AboutYouForm,
    *,
    has_profile: bool,
    status: int = 200,
) -> HttpResponse:
    # The service's own rule, so the page never offers what a save refuses.
    refusal_key = demographic_services.answer_refusal(visitor(request).level, item)
    return render(
        request,
        TEMPLATES + "about_you.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "you": visitor(request),
            "form": form,
            "has_profile": has_profile,
            "refusal": _(policy.REASONS[refusal_key]) if refusal_key else "",
            "next": safe_next(request, process_url(item)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def about_you(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The optional questions about who takes part, with the consent asked
    before anything is kept. A guest who has not joined joins first; an
    account holder's participant is made only if the answers are saved."""
    item, is_preview = access_public_process(request.user, slug, process)
    me = visitor(request)
    refusal = read_refusal(request, item, me)
    if refusal is not None:
        return sign_in_page(request, item, is_preview, refusal)
    questions = demographic_selectors.questions_of(item)
    if not questions:
        raise Http404("This process asks nothing about who takes part.")
    here = with_next(process_url(item, "about_you"), safe_next(request, process_url(item)))
    if me.participant is None and not me.is_signed_in:
        return redirect(with_next(process_url(item, "join"), here))
    answers = demographic_selectors.answers_of(me.participant, item)
    if request.method != "POST":
        form = AboutYouForm(questions=questions, answers=answers)
        return _about_you_page(request, item, is_preview, form, has_profile=answers is not None)
    form = AboutYouForm(request.POST, questions=questions, answers=answers)
    if form.is_valid():
        try:
            # One transaction: refused answers leave no new participant behind.
            with transaction.atomic():
                demographic_services.profile_save(
                    participant=participant_for_request(request),
                    process=item,
                    answers=form.answers(),
                    consent=form.cleaned_data["consent"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your answers are kept apart from what you write; "
                    "you can change or delete them at any time."
                ),
            )
            return redirect(safe_next(request, process_url(item)))
    return _about_you_page(
        request, item, is_preview, form, has_profile=answers is not None, status=400
    )


@require_POST
def about_you_delete(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Delete the visitor's answers to this process's questions, and their consent."""
    item, _is_preview = access_public_process(request.user, slug, process)
    participant = visitor(request).participant
    back = safe_next(request, process_url(item, "about_you"))
    if participant is None:
        messages.info(request, _("You gave no answers here."))
        return redirect(back)
    try:
        deleted = demographic_services.profile_delete(participant=participant, process=item)
    except ValidationError as error:
        messages.error(request, first_message(error))
        return redirect(back)
    if deleted:
        messages.success(request, _("Your answers about who you are are deleted."))
    else:
        messages.info(request, _("You gave no answers here."))
    return redirect(back)

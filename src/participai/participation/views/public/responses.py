"""A process's "You said, we did" page, following it, and how often a
participant hears from us.

The page reaches its process like every public page (published, or a
preview for members) and respects who may read it. Following goes through
``services.notifications.follow``: a refusal re-renders the page with the
reason and the way forward, status 400, and saves nothing (not even the
participant of an account holder following for the first time).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participai.accounts.models import EmailFrequency
from participai.core.forms import add_service_errors

from ... import policy
from ...access import access_public_process
from ...forms.responses import EmailFrequencyForm
from ...models import Process
from ...selectors.responses import is_following, process_responses, response_of
from ...services import notifications as services
from ...sessions import Visitor, forget_cached, participant_for_request, visitor
from .common import (
    TEMPLATES,
    Refusal,
    first_message,
    process_url,
    read_refusal,
    sign_in_page,
    way_forward,
    you_links,
)


def _follow_refusal(
    process: Process, you: Visitor, back: str, error: ValidationError | None = None
) -> Refusal | None:
    """Why this visitor cannot follow (from ``error`` when the service
    refused), with the way forward; ``None`` when nothing stands in the way."""
    if error is None:
        if you.participant is None and not you.is_signed_in:
            key = "needs_guest"
            return Refusal(key, _(policy.REASONS[key]), way_forward(key, process, back, you))
        return None
    code = error.error_list[0].code if not hasattr(error, "error_dict") else None
    links: list[tuple[str, str]] = []
    if code == services.NEEDS_EMAIL and not you.is_signed_in:
        links = way_forward("needs_confirmation", process, back, you)
    elif code in policy.REASONS:
        links = way_forward(code, process, back, you)
    return Refusal(code or "refused", first_message(error), links)


def _page(
    request: HttpRequest,
    item: Process,
    is_preview: bool,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    you = visitor(request)
    here = process_url(item, "responses")
    page = process_responses(item, page_number=request.GET.get("page", 1))
    context: dict[str, Any] = {
        "process": item,
        "procurement": item.procurement,
        "is_preview": is_preview,
        "you": you,
        "page": page,
        "responses": list(page.object_list),
        "following": is_following(item, you.participant),
        "refusal": refusal,
        "here": here,
        "page_query": "",
        **you_links(item, you, here),
    }
    return render(request, TEMPLATES + "responses.html", context, status=status)


def _open(request: HttpRequest, slug: str, process: str):
    item, is_preview = access_public_process(request.user, slug, process)
    refusal = read_refusal(request, item, visitor(request))
    if refusal is not None:
        return item, is_preview, sign_in_page(request, item, is_preview, refusal)
    return item, is_preview, None


@require_GET
def responses(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """What the team did with what people said in this process, newest
    answer first, each with the contributions it answers, the decision it
    fed and what it changed; and a button to follow the process."""
    item, is_preview, response = _open(request, slug, process)
    return response or _page(request, item, is_preview)


@require_GET
def response(request: HttpRequest, slug: str, process: str, pk: int) -> HttpResponse:
    """One answer on a page of its own, where "what became of it" links to."""
    item, is_preview, page = _open(request, slug, process)
    if page is not None:
        return page
    answer = response_of(item, pk)
    if answer is None:
        raise Http404("No such answer in this process.")
    return render(
        request,
        TEMPLATES + "responses_detail.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "r": answer,
        },
    )


@require_POST
def follow(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Follow the process to be told of its answers."""
    item, is_preview, response = _open(request, slug, process)
    if response is not None:
        return response
    you = visitor(request)
    back = process_url(item, "responses")
    refusal = _follow_refusal(item, you, back)
    if refusal is None:
        try:
            # One transaction: an account holder's first, refused, follow
            # leaves no participant behind.
            with transaction.atomic():
                participant = you.participant or participant_for_request(request)
                followed = services.follow(participant=participant, process=item)
        except ValidationError as error:
            forget_cached(request)
            refusal = _follow_refusal(item, visitor(request), back, error)
        else:
            messages.success(
                request,
                _("You follow this process: we will write when it answers what people said.")
                if followed
                else _("You already follow this process."),
            )
            return redirect(back)
    return _page(request, item, is_preview, refusal=refusal, status=400)


@require_POST
def unfollow(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Stop following the process."""
    item, _is_preview, response = _open(request, slug, process)
    if response is not None:
        return response
    you = visitor(request)
    stopped = you.participant is not None and services.unfollow(
        participant=you.participant, process=item
    )
    messages.success(
        request,
        _("You no longer follow this process.")
        if stopped
        else _("You did not follow this process."),
    )
    return redirect(process_url(item, "responses"))


@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """How often we write about answers: at once, in a daily digest, or
    never. It is the participant's setting, for every process."""
    item, is_preview, response = _open(request, slug, process)
    if response is not None:
        return response
    you = visitor(request)
    here = process_url(item, "email_settings")
    refusal = None
    if you.participant is None and not you.is_signed_in:
        key = "needs_guest"
        refusal = Refusal(key, _(policy.REASONS[key]), way_forward(key, item, here, you))
    current = you.participant.email_frequency if you.participant else EmailFrequency.IMMEDIATELY
    status = 200
    if request.method == "POST":
        form = EmailFrequencyForm(request.POST)
        if refusal is None and form.is_valid():
            try:
                with transaction.atomic():
                    participant = you.participant or participant_for_request(request)
                    services.email_frequency_set(
                        participant=participant,
                        frequency=form.cleaned_data["email_frequency"],
                    )
            except ValidationError as error:
                forget_cached(request)
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved: we will write to you as you chose."))
                return redirect(process_url(item, "responses"))
        if refusal is not None:
            form.add_error(None, refusal.message)
        status = 400
    else:
        form = EmailFrequencyForm(initial={"email_frequency": current})
    participant = visitor(request).participant
    if participant is not None:
        address = services.notification_address(participant)
    else:
        # An account holder who never took part: their participant is made
        # on saving, and mail goes to the account's address.
        address = request.user.email if you.is_signed_in else ""
    return render(
        request,
        TEMPLATES + "responses_email.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "you": you,
            "form": form,
            "refusal": refusal,
            "address": address,
            "is_guest": not you.is_signed_in,
            **you_links(item, you, here),
        },
        status=status,
    )

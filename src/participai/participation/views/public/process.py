"""The process page, joining under a pseudonym and confirming an email address."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participai.core.forms import add_service_errors
from participai.core.text import render_markdown
from participai.procurements import lifecycle

from ... import policy
from ...access import access_public_process
from ...forms.public import (
    ConfirmCodeForm,
    JoinForm,
    SendCodeForm,
)
from ...models import (
    Process,
)
from ...selectors.responses import responses_summary
from ...selectors.threads import modules_of
from ...services import participants as participant_services
from ...sessions import Visitor, forget_cached, remember_guest, visitor
from ..demographics_context import public_demographics
from .common import (
    DECISION_STAGE_MEANING,
    TEMPLATES,
    WHO_MAY_CONTRIBUTE,
    WHO_MAY_READ,
    WHO_MAY_VOTE,
    process_url,
    read_refusal,
    safe_next,
    sign_in_page,
    with_next,
    you_links,
)


@require_GET
def process(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The process: its question, what is open to influence and what is not,
    its dates, who may take part, its modules with their state, and its
    "you said, we did" box (how many answers; following)."""
    item, is_preview = access_public_process(request.user, slug, process)
    you = visitor(request)
    refusal = read_refusal(request, item, you)
    if refusal is not None:
        return sign_in_page(request, item, is_preview, refusal)
    now = timezone.now()
    modules = []
    for row in modules_of(item):
        window = row.window(item)
        modules.append({"module": row, "window": window, "state": window.state(now)})
    process_window = policy.Window(item.opens_at, item.closes_at)
    return render(
        request,
        TEMPLATES + "process.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "you": you,
            "stage": lifecycle.stage(item.stage),
            "description_html": render_markdown(item.description),
            "decision_meaning": DECISION_STAGE_MEANING.get(item.decision_stage, ""),
            "who_may": {
                "read": WHO_MAY_READ[item.read_requires],
                "contribute": WHO_MAY_CONTRIBUTE[item.contribute_requires],
                "vote": WHO_MAY_VOTE[item.vote_requires],
            },
            "modules": modules,
            "process_window": process_window,
            "state": process_window.state(now),
            "said_did": responses_summary(item, you.participant),
            **you_links(item, you, process_url(item)),
            **public_demographics(item),
        },
    )


# --------------------------------------------------------------------------- joining


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Choose a pseudonym to take part as a guest, then go back to ``next``."""
    item, is_preview = access_public_process(request.user, slug, process)
    you = visitor(request)
    refusal = read_refusal(request, item, you)
    if refusal is not None:
        return sign_in_page(request, item, is_preview, refusal)
    back = safe_next(request, process_url(item))
    if you.is_signed_in:
        messages.info(request, _("You are signed in: you take part with your account."))
        return redirect(back)
    if you.participant is not None:
        messages.info(request, _("You already take part as %(name)s.") % {"name": you.participant})
        return redirect(back)
    status = 200
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                participant = participant_services.guest_join(
                    pseudonym=form.cleaned_data["pseudonym"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                remember_guest(request, participant)
                messages.success(
                    request, _("You take part as “%(name)s” now.") % {"name": participant}
                )
                return redirect(back)
        status = 400
    else:
        form = JoinForm()
    return render(
        request,
        TEMPLATES + "join.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "form": form,
            "next": back,
        },
        status=status,
    )


def _confirm_page(
    request: HttpRequest,
    item: Process,
    is_preview: bool,
    *,
    send_form: Form | None = None,
    code_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    participant = visitor(request).participant
    return render(
        request,
        TEMPLATES + "confirm.html",
        {
            "process": item,
            "procurement": item.procurement,
            "is_preview": is_preview,
            "participant": participant,
            "send_form": send_form or SendCodeForm(initial={"email": participant.email}),
            "code_form": code_form or ConfirmCodeForm(),
            "next": safe_next(request, process_url(item)),
        },
        status=status,
    )


def _guest_or_redirect(
    request: HttpRequest, item: Process, is_preview: bool
) -> tuple[Visitor, HttpResponse | None]:
    """The guest confirming, or the response for anyone else (a sign-in page
    when reading is refused, back for account holders, join for newcomers)."""
    you = visitor(request)
    refusal = read_refusal(request, item, you)
    if refusal is not None:
        return you, sign_in_page(request, item, is_preview, refusal)
    back = safe_next(request, process_url(item))
    if you.is_signed_in:
        messages.info(request, _("You are signed in: there is nothing to confirm."))
        return you, redirect(back)
    if you.participant is None:
        here = with_next(process_url(item, "confirm"), back)
        return you, redirect(with_next(process_url(item, "join"), here))
    return you, None


@require_GET
def confirm(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Confirm a guest's email address: ask for a code, then enter it."""
    item, is_preview = access_public_process(request.user, slug, process)
    _you, response = _guest_or_redirect(request, item, is_preview)
    if response is not None:
        return response
    return _confirm_page(request, item, is_preview)


@require_POST
def confirm_send(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    item, is_preview = access_public_process(request.user, slug, process)
    you, response = _guest_or_redirect(request, item, is_preview)
    if response is not None:
        return response
    form = SendCodeForm(request.POST)
    if form.is_valid():
        try:
            participant_services.guest_send_code(
                participant=you.participant, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("We sent a code to %(email)s. Enter it below.")
                % {"email": form.cleaned_data["email"]},
            )
            back = safe_next(request, process_url(item))
            return redirect(with_next(process_url(item, "confirm"), back))
    return _confirm_page(request, item, is_preview, send_form=form, status=400)


@require_POST
def confirm_code(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    item, is_preview = access_public_process(request.user, slug, process)
    you, response = _guest_or_redirect(request, item, is_preview)
    if response is not None:
        return response
    form = ConfirmCodeForm(request.POST)
    if form.is_valid():
        try:
            participant_services.guest_confirm(
                participant=you.participant, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            forget_cached(request)
            messages.success(request, _("Your email address is confirmed. Thank you."))
            return redirect(safe_next(request, process_url(item)))
    forget_cached(request)
    return _confirm_page(request, item, is_preview, code_form=form, status=400)


# --------------------------------------------------------------------------- a module

"""What the public participation pages share: the plain-words texts, URLs,
the way forward when someone may not act yet, and who is acting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.accounts.models import Participant

from ... import policy
from ...models import (
    Contribution,
    DecisionStage,
    Module,
    Process,
)
from ...services import contributions as services
from ...sessions import Visitor, participant_for_request, visitor
from ..demographics_context import asks_about_you_later

TEMPLATES = "participation/public/"

# What each decision stage means for the person taking part, in plain words.
DECISION_STAGE_MEANING = {
    DecisionStage.DIAGNOSIS: gettext_lazy(
        "The problem is still being understood: what you say shapes how it is described."
    ),
    DecisionStage.DELIBERATION: gettext_lazy(
        "Options are being weighed: your arguments are read and answered alongside others'."
    ),
    DecisionStage.NEGOTIATION: gettext_lazy(
        "The public body and the people affected settle together what is open."
    ),
    DecisionStage.VOTE: gettext_lazy(
        "The outcome follows what participants choose, within the space open to influence."
    ),
    DecisionStage.ASSESSMENT: gettext_lazy(
        "Something already in place is being reviewed: what you report feeds the review."
    ),
}
WHO_MAY_READ = {
    "none": gettext_lazy("Anyone can read it, without signing in."),
    "account": gettext_lazy("Only people signed in with an account can read it."),
}
WHO_MAY_CONTRIBUTE = {
    "guest": gettext_lazy("Anyone can write under a pseudonym; no account is needed."),
    "confirmed": gettext_lazy(
        "Anyone can write under a pseudonym after confirming an email address with a code "
        "we send; account holders write directly."
    ),
    "account": gettext_lazy("Only people signed in with an account can write."),
}
WHO_MAY_VOTE = {
    "guest": gettext_lazy("Anyone can vote and support under a pseudonym."),
    "confirmed": gettext_lazy(
        "Anyone can vote and support under a pseudonym after confirming an email address; "
        "account holders vote directly."
    ),
    "account": gettext_lazy("Only people signed in with an account can vote and support."),
}
ORDER_LABELS = {
    "newest": gettext_lazy("Newest"),
    "top": gettext_lazy("Most supported"),
    "oldest": gettext_lazy("Oldest"),
}


# --------------------------------------------------------------------------- helpers


def process_url(process: Process, name: str = "process", **kwargs: Any) -> str:
    return reverse(
        f"participation_public:{name}",
        kwargs={"slug": process.procurement.slug, "process": process.slug, **kwargs},
    )


def module_url(module: Module) -> str:
    return process_url(module.process, "module", module=module.pk)


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the request carries (POST, else GET) if it stays on this
    site, else ``default``: a crafted link cannot send people elsewhere."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def anchor(url: str, contribution: Contribution) -> str:
    return f"{url.split('#')[0]}#contribution-{contribution.pk}"


@dataclass(frozen=True)
class Refusal:
    """Why someone may not act here, and the way forward as ``(label, url)`` links."""

    key: str
    message: str
    links: list[tuple[str, str]]


def way_forward(key: str, process: Process, back: str, you: Visitor) -> list[tuple[str, str]]:
    login = with_next(reverse("login"), back)
    if key == "needs_guest":
        return [
            (_("Choose a pseudonym"), with_next(process_url(process, "join"), back)),
            (_("Sign in with an account"), login),
        ]
    if key == "needs_confirmation":
        confirm = with_next(process_url(process, "confirm"), back)
        if you.participant is None:
            # The code is sent to a guest; one who has not joined joins first.
            confirm = with_next(process_url(process, "join"), confirm)
        return [(_("Confirm your email address"), confirm), (_("Sign in with an account"), login)]
    if key in ("needs_account", "needs_account_to_read"):
        return [(_("Sign in with an account"), login)]
    return []


def refusal_in(
    you: Visitor, module: Module, action: str, back: str, *, now: datetime | None = None
) -> Refusal | None:
    """Why this visitor may not do ``action`` in ``module`` (the rules
    ``check_may`` applies, at the visitor's level), with the way forward."""
    key = services.refusal_at(you.level, module, action, now=now)
    if key is None:
        return None
    return Refusal(
        key=key,
        message=_(policy.REASONS[key]),
        links=way_forward(key, module.process, back, you),
    )


def read_refusal(request: HttpRequest, process: Process, you: Visitor) -> Refusal | None:
    """Account-only processes: everyone else gets a page asking them to sign in."""
    # Publication was settled by the access helper (members may preview).
    key = policy.refusal("read", level=you.level, required=process.read_requires, published=True)
    if key is None:
        return None
    back = request.get_full_path() if request.method == "GET" else process_url(process)
    return Refusal(
        key=key, message=_(policy.REASONS[key]), links=way_forward(key, process, back, you)
    )


def sign_in_page(
    request: HttpRequest, process: Process, is_preview: bool, refusal: Refusal
) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "sign_in.html",
        {
            "process": process,
            "procurement": process.procurement,
            "is_preview": is_preview,
            "refusal": refusal,
        },
        status=200 if request.method == "GET" else 403,
    )


def contribution_in(module: Module, pk: int) -> Contribution:
    contribution = (
        Contribution.objects.filter(module=module, pk=pk).select_related("participant").first()
    )
    if contribution is None:
        raise Http404("No such contribution in this module.")
    contribution.module = module
    return contribution


def acting_participant(request: HttpRequest, module: Module, action: str) -> Participant:
    """The participant ``action`` (``contribute``, ``vote``, or ``read`` for
    a report to moderators) acts as. Someone without one yet is checked
    first, as a ``ValidationError`` with the policy's reason: a guest who has
    not joined is refused (the module may also be closed), and an account
    holder's participant is made only when the rules let the action through,
    so a refused first write leaves nothing behind."""
    you = visitor(request)
    if you.participant is not None:
        return you.participant
    key = services.refusal_at(you.level, module, action) or (
        None if you.is_signed_in else "needs_guest"
    )
    if key is not None:
        raise ValidationError(_(policy.REASONS[key]), code=key)
    return participant_for_request(request)


def first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else _("That did not work.")


def you_links(process: Process, you: Visitor, back: str) -> dict[str, Any]:
    """Links for the "you take part as…" line: join, confirm when the process
    asks for a confirmed email somewhere, and "About you" when it asks about
    who takes part (read only when the line shows it; a view that knows
    already overrides ``asks_about_you``)."""
    return {
        "asks_about_you": asks_about_you_later(process),
        "join_url": with_next(process_url(process, "join"), back),
        "confirm_url": with_next(process_url(process, "confirm"), back),
        "needs_confirmation": not you.is_signed_in
        and "confirmed" in (process.contribute_requires, process.vote_requires)
        and you.level != "confirmed",
    }


# --------------------------------------------------------------------------- the process

"""The moderators' pages of an organisation: the queue of what people said
in its processes (open flags first), and hiding, restoring or dismissing the
flags on a contribution.

Only the organisation's members reach them (a 404 for anyone else), and
only those who may moderate there (``Action.MODERATE``: the organisation
admin and moderators) get past the 403. The services check the right again
on the contribution's procurement and write the audit event.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from participai.accounts.models import Organisation
from participai.procurements.access import Action, access_organisation

from ..models import Contribution
from ..selectors import moderation as selectors
from ..services import moderation as services


@login_required
def queue(request: HttpRequest, organisation: str) -> HttpResponse:
    """The queue, a page at a time; ``?show=flagged`` keeps only the
    contributions with open flags, ``?show=hidden`` the hidden ones."""
    org = access_organisation(request.user, organisation, action=Action.MODERATE)
    result = selectors.moderation_queue(
        org, show=request.GET.get("show", "all"), page_number=request.GET.get("page")
    )
    return render(
        request,
        "participation/moderation/queue.html",
        {
            "organisation": org,
            "queue": result,
            "filters": [
                ("all", _("Everything")),
                ("flagged", _("Flagged only")),
                ("hidden", _("Hidden only")),
            ],
            "query": f"show={result.show}" if result.show != "all" else "",
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest, org: Organisation) -> HttpResponse:
    """Back to the queue page the moderator came from (``next``), if it is one."""
    home = reverse("participation_moderation:queue", kwargs={"organisation": org.slug})
    target = request.POST.get("next", "")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(home)


def _moderate(
    request: HttpRequest,
    organisation: str,
    contribution_id: int,
    act: Callable[[Organisation, Contribution], str],
) -> HttpResponse:
    org = access_organisation(request.user, organisation, action=Action.MODERATE)
    contribution = selectors.queue_contribution(org, contribution_id)
    if contribution is None:
        raise Http404("No such contribution in this organisation's processes.")
    try:
        done = act(org, contribution)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return _back(request, org)


@login_required
@require_POST
def hide(request: HttpRequest, organisation: str, contribution_id: int) -> HttpResponse:
    """Hide a contribution; the reason (required) is shown in its place in the thread."""

    def act(org: Organisation, contribution: Contribution) -> str:
        services.contribution_hide(
            actor=request.user, contribution=contribution, reason=request.POST.get("reason", "")
        )
        return _("Contribution %(id)d hidden; its open flags are resolved.") % {
            "id": contribution.pk
        }

    return _moderate(request, organisation, contribution_id, act)


@login_required
@require_POST
def restore(request: HttpRequest, organisation: str, contribution_id: int) -> HttpResponse:
    """Show a hidden contribution again; the reason is required and public."""

    def act(org: Organisation, contribution: Contribution) -> str:
        services.contribution_restore(
            actor=request.user, contribution=contribution, reason=request.POST.get("reason", "")
        )
        return _("Contribution %(id)d is visible again.") % {"id": contribution.pk}

    return _moderate(request, organisation, contribution_id, act)


@login_required
@require_POST
def dismiss(request: HttpRequest, organisation: str, contribution_id: int) -> HttpResponse:
    """Keep the contribution as it is and close its open flags."""

    def act(org: Organisation, contribution: Contribution) -> str:
        count = services.flags_dismiss(actor=request.user, contribution=contribution)
        if not count:
            return _("Contribution %(id)d had no open flags.") % {"id": contribution.pk}
        return ngettext(
            "%(count)d flag dismissed on contribution %(id)d; it stays as it is.",
            "%(count)d flags dismissed on contribution %(id)d; it stays as it is.",
            count,
        ) % {"count": count, "id": contribution.pk}

    return _moderate(request, organisation, contribution_id, act)

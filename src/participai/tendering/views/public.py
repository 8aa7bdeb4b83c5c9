"""The public pages of a tender: the tender page (with suppliers' questions),
the tender pack as a page, and the members' preview of the pack.

Everything goes through ``procurements.access.access_public_procurement``:
published procurements for everyone, drafts for their organisation's
members as a preview, a 404 for anyone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import access_public_procurement, is_member
from participai.procurements.models import Procurement

from ..forms.clarifications import AskForm
from ..pack import build_pack
from ..pack.render import Format, pack_response
from ..selectors.clarifications import asking_state
from ..selectors.public import is_published, public_tender, tender_for_public
from ..services.clarifications import clarification_ask


def _detail(
    request: HttpRequest,
    procurement: Procurement,
    is_preview: bool,
    ask_form: AskForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tender = tender_for_public(procurement)
    page = public_tender(procurement, tender)
    return render(
        request,
        "tendering/public/detail.html",
        {
            "procurement": procurement,
            "is_preview": is_preview,
            "is_member": is_preview
            or (
                request.user.is_authenticated
                and is_member(request.user, procurement.organisation_id)
            ),
            "page": page,
            "asking": asking_state(procurement, tender),
            "ask_form": ask_form or AskForm(auto_id="ask_%s"),
            "content": page.content,
        },
        status=status,
    )


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The tender page: what is asked of suppliers once published, the
    questions and answers, the bids received, and the award."""
    procurement, is_preview = access_public_procurement(request.user, slug)
    return _detail(request, procurement, is_preview)


@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """A supplier's question, from the tender page (no account needed)."""
    procurement, is_preview = access_public_procurement(request.user, slug)
    form = AskForm(request.POST, auto_id="ask_%s")
    if form.is_valid():
        try:
            clarification_ask(procurement=procurement, user=request.user, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your question was received. The answer will be published on "
                    "this page for every supplier."
                ),
            )
            return redirect(reverse("public_tender:detail", kwargs={"slug": slug}) + "#questions")
    return _detail(request, procurement, is_preview, ask_form=form, status=400)


@require_GET
def pack(request: HttpRequest, slug: str) -> HttpResponse:
    """The tender pack as a page, once the procurement and its tender are published."""
    procurement, is_preview = access_public_procurement(request.user, slug)
    tender = tender_for_public(procurement)
    if is_preview or not is_published(tender):
        raise Http404("The tender is not published.")
    return render(
        request,
        "tendering/pack/page.html",
        {"pack": build_pack(procurement, tender), "preview": False},
    )


def _members_pack(request: HttpRequest, slug: str):
    procurement, _preview = access_public_procurement(request.user, slug)
    if not (
        request.user.is_authenticated and is_member(request.user, procurement.organisation_id)
    ):
        # Drafts cannot even be probed for by outsiders.
        raise Http404("No such preview.")
    return build_pack(procurement, tender_for_public(procurement))


@require_GET
def pack_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The pack as it stands, at any time, for the organisation's members
    (e.g. before putting the draft to document review)."""
    return render(
        request,
        "tendering/pack/page.html",
        {"pack": _members_pack(request, slug), "preview": True},
    )


@require_GET
def pack_preview_file(request: HttpRequest, slug: str, fmt: Format) -> HttpResponse:
    """The members' preview as a PDF or DOCX (``-draft`` in the name until published)."""
    return pack_response(_members_pack(request, slug), fmt)

"""The public side of a document review: the draft paragraph by paragraph
(on the module page), one paragraph with its comments and the form to add
one, and the diff between two versions.

Comments go through ``contributions.contribution_add`` with the paragraph,
so the process's rules, the module's dates, the spam check and the rate
limit answer as everywhere else; a refusal re-renders the paragraph page
with the reason, status 400, nothing saved.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participai.core.forms import add_service_errors
from participai.participation import drafts

from ...access import access_public_module
from ...forms.documents import ParagraphCommentForm
from ...models import Module, ModuleKind
from ...selectors import documents as selectors
from ...services import contributions as services
from ...sessions import visitor
from .common import (
    ORDER_LABELS,
    TEMPLATES,
    acting_participant,
    anchor,
    module_url,
    process_url,
    read_refusal,
    refusal_in,
    sign_in_page,
    you_links,
)

PARAGRAPH_ORDERS = ("oldest", "newest", "top")


def _number(value: str | None) -> int | None:
    """A version number from the query string; ``None`` if absent or not one."""
    if value is None or not value.isdigit() or len(value) > 5:
        return None
    return int(value)


def paragraph_url(module: Module, paragraph_id: int) -> str:
    """The page of paragraph ``paragraph_id`` of the module's draft."""
    return process_url(module.process, "paragraph", module=module.pk, paragraph=paragraph_id)


def document_context(module: Module, query: Any, *, form: Form | None = None) -> dict[str, Any]:
    """What the module page of a document review shows: the version asked
    for by ``?version=N`` (the newest otherwise), paragraph by paragraph
    with their comment counts, and the list of versions. An unknown
    version is a 404. Three queries. ``form`` is a comment posted to the
    module rather than to a paragraph, shown for the service's refusal."""
    raw = query.get("version")
    number = _number(raw)
    if raw is not None and number is None:
        raise Http404("No such version.")
    draft = selectors.draft_of(module, number)
    if draft is None and number is not None:
        raise Http404("No such version.")
    return {"draft": draft, "form": form}


def _open(
    request: HttpRequest, slug: str, process: str, module: int
) -> tuple[Module, bool, HttpResponse | None]:
    """The document-review module, and the sign-in page instead when reading is refused."""
    item, is_preview = access_public_module(request.user, slug, process, module)
    if item.kind != ModuleKind.DOCUMENT_REVIEW:
        raise Http404("Not a document review.")
    refusal = read_refusal(request, item.process, visitor(request))
    if refusal is not None:
        return item, is_preview, sign_in_page(request, item.process, is_preview, refusal)
    return item, is_preview, None


@require_http_methods(["GET", "POST"])
def paragraph_page(
    request: HttpRequest, slug: str, process: str, module: int, paragraph: int
) -> HttpResponse:
    """One paragraph of the draft with its comments, those made on it in
    earlier versions included, and the form to comment on it while it is
    in the newest version and the module is open."""
    item, is_preview, response = _open(request, slug, process, module)
    if response is not None:
        return response
    target = selectors.paragraph_of(item, paragraph)
    if target is None:
        raise Http404("No such paragraph in this draft.")
    newest = selectors.newest_version(item)
    is_current = target.version_id == newest.pk
    here = paragraph_url(item, target.pk)
    you = visitor(request)
    now = timezone.now()
    form = None
    status = 200
    if request.method == "POST":
        form = ParagraphCommentForm(request.POST)
        if form.is_valid():
            try:
                contribution = services.contribution_add(
                    participant=acting_participant(request, item, "contribute"),
                    module=item,
                    body=form.cleaned_data["body"],
                    paragraph=target,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: your comment is published."))
                return redirect(anchor(here, contribution))
        status = 400
    query = request.GET if request.method == "GET" else {}
    order = query.get("order", "oldest")
    order = order if order in PARAGRAPH_ORDERS else "oldest"
    back = here + (f"?{urlencode(query)}" if query else "")
    contribute = refusal_in(you, item, "contribute", back, now=now)
    if form is None and contribute is None and is_current:
        form = ParagraphCommentForm()
    threads, origins = selectors.paragraph_threads(
        target, order=order, page_number=query.get("page", 1), reader=you.participant
    )
    same_in_newest = target
    if not is_current:
        same_in_newest = newest.paragraphs.filter(key=target.key).first()
    window = item.window(item.process)
    context = {
        "process": item.process,
        "procurement": item.process.procurement,
        "module": item,
        "is_preview": is_preview,
        "you": you,
        "paragraph": target,
        "version": target.version,
        "newest": newest,
        "is_current": is_current,
        "same_in_newest": same_in_newest,
        "comment_total": selectors.paragraph_total(target),
        "threads": threads,
        "thread_rows": [(t, origins.get(t.root.pk)) for t in threads.threads],
        "form": form,
        "contribute_refusal": contribute,
        "vote_refusal": refusal_in(you, item, "vote", back, now=now),
        "state": window.state(now),
        "window": window,
        "here": here,
        "back": back,
        "order": order,
        "orders": [(key, ORDER_LABELS[key]) for key in PARAGRAPH_ORDERS],
        "page_query": urlencode({"order": order}),
        "module_url": module_url(item),
        **you_links(item.process, you, back),
    }
    return render(request, TEMPLATES + "document_paragraph.html", context, status=status)


@require_GET
def diff(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """What changed between two versions (``?from=A&to=B``; by default the
    newest and the one before), paragraph by paragraph, with deleted and
    inserted words marked. Unknown or equal versions: status 400 with the
    reason and the form to choose again."""
    item, is_preview, response = _open(request, slug, process, module)
    if response is not None:
        return response
    versions = selectors.versions_of(item)
    by_number = {v.number: v for v in versions}
    error = ""
    older = newer = None
    if "from" in request.GET or "to" in request.GET:
        older = by_number.get(_number(request.GET.get("from")))
        newer = by_number.get(_number(request.GET.get("to")))
        if older is None or newer is None:
            error = _("Choose two versions of this draft.")
        elif older.pk == newer.pk:
            error = _("Choose two different versions to compare.")
    elif len(versions) >= 2:
        older, newer = versions[-2], versions[-1]
    changes: list[drafts.ParagraphChange] = []
    if not error and older is not None and newer is not None:
        changes = selectors.version_diff(older, newer)
    return render(
        request,
        TEMPLATES + "document_diff.html",
        {
            "process": item.process,
            "procurement": item.process.procurement,
            "module": item,
            "is_preview": is_preview,
            "versions": versions,
            "older": None if error else older,
            "newer": None if error else newer,
            "chosen_from": _number(request.GET.get("from")) or (older.number if older else None),
            "chosen_to": _number(request.GET.get("to")) or (newer.number if newer else None),
            "changes": changes,
            "summary": drafts.diff_summary(changes),
            "error": error,
            "module_url": module_url(item),
        },
        status=400 if error else 200,
    )

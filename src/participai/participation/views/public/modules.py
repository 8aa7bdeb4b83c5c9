"""Each module's page and what people do there: contribute, reply, support,
vote on statements, flag, and remove their own words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participai.accounts.models import Participant
from participai.core.forms import add_service_errors
from participai.core.text import render_markdown

from ... import policy
from ...access import access_public_module
from ...forms.public import (
    ContributionForm,
    FlagForm,
    ReplyForm,
    StatementForm,
)
from ...models import (
    Contribution,
    ContributionKind,
    Module,
    ModuleKind,
    StatementVote,
    VoteChoice,
)
from ...selectors.threads import ORDERS, next_statement, thread_page
from ...services import contributions as services
from ...sessions import visitor
from .common import (
    ORDER_LABELS,
    TEMPLATES,
    Refusal,
    acting_participant,
    anchor,
    contribution_in,
    first_message,
    module_url,
    read_refusal,
    refusal_in,
    safe_next,
    sign_in_page,
    way_forward,
    you_links,
)


def _module_context(
    request: HttpRequest,
    module: Module,
    is_preview: bool,
    *,
    form: Form | None = None,
    error: str = "",
) -> dict[str, Any]:
    """Everything a module page shows, in a fixed number of queries."""
    process = module.process
    you = visitor(request)
    now = timezone.now()
    here = module_url(module)
    query = request.GET if request.method == "GET" else {}
    order = query.get("order", "newest")
    order = order if order in ORDERS else "newest"
    show_all = query.get("all") == "1"
    page_number = query.get("page", 1)
    back = here + (f"?{urlencode(query)}" if query else "")
    contribute = refusal_in(you, module, "contribute", back, now=now)
    vote = refusal_in(you, module, "vote", back, now=now)
    reader = you.participant
    window = module.window(process)
    context: dict[str, Any] = {
        "process": process,
        "procurement": process.procurement,
        "module": module,
        "is_preview": is_preview,
        "you": you,
        "state": window.state(now),
        "window": window,
        "description_html": render_markdown(module.description),
        "contribute_refusal": contribute,
        "vote_refusal": vote,
        "error": error,
        "here": here,
        "back": back,
        "order": order,
        **you_links(process, you, back),
    }
    if module.kind == ModuleKind.STATEMENTS:
        statement = next_statement(module, reader)
        # Only someone who took part can have voted on them all.
        done = reader is not None and statement is None
        context.update(
            statement=statement,
            done=done,
            show_all=show_all or done,
            form=form or (StatementForm() if contribute is None else None),
            vote_choices=VoteChoice.choices,
        )
        if show_all or done:
            threads = thread_page(module, order="oldest", page_number=page_number)
            votes = _votes_of(reader, [thread.root.pk for thread in threads.threads])
            labels = dict(VoteChoice.choices)
            context.update(
                threads=threads,
                statements=[
                    {
                        "statement": thread.root,
                        "mine": votes.get(thread.root.pk, ""),
                        "mine_label": labels.get(votes.get(thread.root.pk, ""), ""),
                        "next": f"{back}#contribution-{thread.root.pk}",
                    }
                    for thread in threads.threads
                ],
                page_query="all=1",
            )
    elif module.kind == ModuleKind.COMMENTS:
        context.update(
            threads=thread_page(module, order=order, page_number=page_number, reader=reader),
            form=form or (ContributionForm() if contribute is None else None),
            orders=[(key, ORDER_LABELS[key]) for key in ORDERS],
            page_query=urlencode({"order": order}),
        )
    elif module.kind == ModuleKind.PRIORITISATION:
        # Imported here: the prioritisation views import this module's page helpers.
        from .prioritisation import prioritisation_context

        context.update(prioritisation_context(module, you, now, form=form, may_vote=vote is None))
    elif module.kind == ModuleKind.SURVEY:
        # Imported here: the survey views import this module's page helpers.
        from .survey import survey_context

        context.update(survey_context(module, you, now, form=form, refusal=contribute))
    elif module.kind == ModuleKind.DOCUMENT_REVIEW:
        from .documents import document_context

        context.update(document_context(module, query, form=form))
    elif module.kind == ModuleKind.EVENT:
        from .events import event_context

        context.update(event_context(module, reader=reader, page_number=page_number, form=form))
    return context


def _votes_of(reader, statement_ids: list[int]) -> dict[int, str]:
    """The reader's vote on each statement shown (one query, none without a reader)."""
    if reader is None or not statement_ids:
        return {}
    return dict(
        StatementVote.objects.filter(
            participant=reader, contribution_id__in=statement_ids
        ).values_list("contribution_id", "choice")
    )


def _module_page(
    request: HttpRequest, module: Module, is_preview: bool, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "module.html",
        _module_context(request, module, is_preview, **extra),
        status=status,
    )


def _open_module(
    request: HttpRequest, slug: str, process: str, module: int
) -> tuple[Module, bool, HttpResponse | None]:
    """The module, and the sign-in page instead when reading is refused."""
    item, is_preview = access_public_module(request.user, slug, process, module)
    refusal = read_refusal(request, item.process, visitor(request))
    if refusal is not None:
        return item, is_preview, sign_in_page(request, item.process, is_preview, refusal)
    return item, is_preview, None


@require_GET
def module(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """A module's page: comments and ideas in threads, or statements to vote on."""
    item, is_preview, response = _open_module(request, slug, process, module)
    return response or _module_page(request, item, is_preview)


@require_POST
def contribute(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """Add a comment, idea or statement; a refusal or bad text re-renders the
    module page with the form and the reason (a module of another kind: the
    reason alone), status 400, nothing saved."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    form_class = StatementForm if item.kind == ModuleKind.STATEMENTS else ContributionForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            contribution = services.contribution_add(
                participant=acting_participant(request, item, "contribute"),
                module=item,
                body=form.cleaned_data["body"],
                kind=form.cleaned_data.get("kind") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if contribution.kind == ContributionKind.STATEMENT:
                messages.success(request, _("Your statement is added; others can vote on it."))
            else:
                messages.success(request, _("Thank you: your contribution is published."))
            return redirect(anchor(module_url(item), contribution))
    if item.kind not in (ModuleKind.COMMENTS, ModuleKind.STATEMENTS):
        # Only these pages hold this form; the other kinds draw their own (a
        # ballot, a survey, a paragraph's comment), so the reason comes alone.
        reasons = [message for messages in form.errors.values() for message in messages]
        return _module_page(request, item, is_preview, error=" ".join(reasons), status=400)
    return _module_page(request, item, is_preview, form=form, status=400)


def _act(
    request: HttpRequest,
    slug: str,
    process: str,
    module: int,
    pk: int,
    action: Callable[[Participant, Contribution], str],
) -> HttpResponse:
    """Run one participant's action on a contribution (support, withdraw,
    vote), which returns the message to show: success → message and back;
    refusal → the module page, 400."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    contribution = contribution_in(item, pk)
    try:
        message = action(acting_participant(request, item, "vote"), contribution)
    except ValidationError as error:
        return _module_page(request, item, is_preview, error=first_message(error), status=400)
    messages.success(request, message)
    target = safe_next(request, module_url(item))
    # Back to where the button was (the page says where with its ``next``),
    # else to the contribution itself.
    return redirect(target if "#" in target else anchor(target, contribution))


@require_POST
def support(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """Support a comment or idea; supporting it again changes nothing."""

    def action(participant: Participant, contribution: Contribution) -> str:
        if services.contribution_support(participant=participant, contribution=contribution):
            return _("You support this contribution.")
        return _("You already support this contribution.")

    return _act(request, slug, process, module, pk, action)


@require_POST
def unsupport(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """Withdraw a support while the module is open."""

    def action(participant: Participant, contribution: Contribution) -> str:
        if services.contribution_unsupport(participant=participant, contribution=contribution):
            return _("You no longer support this contribution.")
        return _("You did not support this contribution.")

    return _act(request, slug, process, module, pk, action)


@require_POST
def vote(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """Agree, disagree or pass on a statement; voting again changes the vote.
    Back to the next statement, or to the list the vote was cast from."""

    def action(participant: Participant, statement: Contribution) -> str:
        choice = request.POST.get("choice", "")
        services.statement_vote(participant=participant, statement=statement, choice=choice)
        return _("Your vote is saved: %(choice)s.") % {"choice": VoteChoice(choice).label}

    return _act(request, slug, process, module, pk, action)


def _contribution_page(
    request: HttpRequest,
    template: str,
    module: Module,
    is_preview: bool,
    contribution: Contribution,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        TEMPLATES + template,
        {
            "process": module.process,
            "procurement": module.process.procurement,
            "module": module,
            "is_preview": is_preview,
            "c": contribution,
            "you": visitor(request),
            "next": safe_next(request, anchor(module_url(module), contribution)),
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """Reply to a comment or idea: the form on a page of its own (the module
    page holds the same form under each thread)."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    parent = contribution_in(item, pk)
    you = visitor(request)
    back = safe_next(request, anchor(module_url(item), parent))
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                contribution = services.contribution_add(
                    participant=acting_participant(request, item, "contribute"),
                    module=item,
                    body=form.cleaned_data["body"],
                    parent=parent,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: your reply is published."))
                return redirect(anchor(back, contribution))
        status = 400
    else:
        form = ReplyForm()
    refusal = refusal_in(you, item, "contribute", request.get_full_path())
    return _contribution_page(
        request,
        "reply.html",
        item,
        is_preview,
        parent,
        form=form,
        refusal=refusal,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """Ask moderators to look at a contribution. Anyone who may read the
    process may do so once they take part (a pseudonym is enough)."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    contribution = contribution_in(item, pk)
    you = visitor(request)
    refusal = None
    if you.participant is None and not you.is_signed_in:
        refusal = Refusal(
            key="needs_guest",
            message=_(policy.REASONS["needs_guest"]),
            links=way_forward("needs_guest", item.process, request.get_full_path(), you),
        )
    status = 200
    if request.method == "POST":
        form = FlagForm(request.POST)
        if refusal is None and form.is_valid():
            try:
                flagged = services.contribution_flag(
                    # Flagging asks what reading asks (and a pseudonym).
                    participant=acting_participant(request, item, "read"),
                    contribution=contribution,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: a moderator will look at it.")
                    if flagged
                    else _("You already reported this; a moderator will look at it."),
                )
                return redirect(safe_next(request, anchor(module_url(item), contribution)))
        if refusal is not None:
            form.add_error(None, refusal.message)
        status = 400
    else:
        form = FlagForm()
    return _contribution_page(
        request,
        "flag.html",
        item,
        is_preview,
        contribution,
        form=form,
        refusal=refusal,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, slug: str, process: str, module: int, pk: int) -> HttpResponse:
    """The author removes their own contribution, after confirming; then (or
    on keeping it) back to where it is shown."""
    item, is_preview, response = _open_module(request, slug, process, module)
    if response is not None:
        return response
    contribution = contribution_in(item, pk)
    you = visitor(request)
    # Where it is shown: a comment on a paragraph of a draft (or a reply to
    # one) is on the paragraph's page, anything else on the module's.
    shown_at = anchor(module_url(item), contribution)
    if contribution.paragraph_id is not None:
        from .documents import paragraph_url

        shown_at = anchor(paragraph_url(item, contribution.paragraph_id), contribution)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if you.participant is None:
                # Nobody who has not taken part wrote it; no participant is made to say so.
                raise ValidationError(_("You can only remove what you wrote."))
            services.contribution_remove_own(
                participant=you.participant, contribution=contribution
            )
        except ValidationError as exc:
            error = first_message(exc)
            status = 400
        else:
            messages.success(request, _("Your contribution is removed."))
            return redirect(shown_at)
    is_author = you.participant is not None and contribution.participant_id == you.participant.pk
    return _contribution_page(
        request,
        "remove.html",
        item,
        is_preview,
        contribution,
        is_author=is_author,
        error=error,
        status=status,
        next=safe_next(request, shown_at),
    )

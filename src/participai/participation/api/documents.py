"""Document reviews in the JSON API: a version of the draft paragraph by
paragraph with its comment counts, and signed-in comments on a paragraph.

Reading follows the process's rules (published, and an account when the
process asks one to read); comments go through
``contributions.contribution_add`` like the pages, so a refusal by the
process's rules or dates is a 403, writing too fast a 429, bad input a 422.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from participai.procurements.api import ErrorOut

from ..models import Contribution, ModuleKind
from ..selectors import api as api_selectors
from ..selectors import documents as selectors
from ..services.contributions import RATE_LIMIT, contribution_add
from .common import (
    WRITE_RESPONSES,
    InputSchema,
    RefusalOut,
    as_participant,
    readable_module,
    refusal,
)
from .threads import ContributionOut, _contribution_out

router = Router(tags=["participation"])


class VersionOut(Schema):
    number: int
    title: str
    change_note: str
    created_at: datetime.datetime


class ParagraphOut(Schema):
    id: int
    position: int = Field(description="Its number in the version, from 1")
    key: str = Field(description="Follows the same paragraph from version to version")
    body: str = Field(description="The paragraph as written (Markdown)")
    body_html: str = Field(description="Sanitised HTML")
    comment_count: int = Field(description="Comments made on it in this version")
    comment_total: int = Field(
        description="Comments on it in this version and earlier ones (same key)"
    )


class DocumentOut(Schema):
    module: int
    version: VersionOut
    newest_version: int = Field(description="The number of the version open to comments")
    versions: list[VersionOut]
    paragraphs: list[ParagraphOut]


class DocumentFilters(Schema):
    version: int | None = Field(
        None, ge=1, le=32767, description="A version number; the newest by default"
    )


class ParagraphCommentIn(InputSchema):
    body: str = Field(description="Markdown; at most 5000 characters")


def _version_out(version) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "change_note": version.change_note,
        "created_at": version.created_at,
    }


@router.get(
    "/modules/{module_id}/document",
    response={200: DocumentOut, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="The draft of a document review, paragraph by paragraph",
    description=(
        "The newest version (the one open to comments), or version ``N`` with "
        "``?version=N``, with every version listed and each paragraph's comment counts. "
        "The comments themselves are in ``GET /api/processes/{id}/contributions``."
    ),
)
def read_document(request: HttpRequest, module_id: int, filters: Query[DocumentFilters]):
    module = readable_module(request, module_id, ModuleKind.DOCUMENT_REVIEW)
    if isinstance(module, Status):
        return module
    draft = selectors.draft_of(module, filters.version)
    if draft is None:
        raise Http404(_("No such version of the draft."))
    return {
        "module": module.pk,
        "version": _version_out(draft.version),
        "newest_version": draft.newest.number,
        "versions": [_version_out(v) for v in draft.versions],
        "paragraphs": [
            {
                "id": row.paragraph.pk,
                "position": row.paragraph.position,
                "key": row.paragraph.key,
                "body": row.paragraph.body,
                "body_html": row.paragraph.body_html,
                "comment_count": row.paragraph.comment_count,
                "comment_total": row.comment_total,
            }
            for row in draft.paragraphs
        ],
    }


@router.post(
    "/modules/{module_id}/document/paragraphs/{paragraph_id}/comments",
    auth=django_auth,
    response={201: ContributionOut, 429: RefusalOut, **WRITE_RESPONSES},
    summary="Comment on a paragraph of the newest version of a draft",
    description=(
        "For signed-in people (session cookie and CSRF token). The module must be open, "
        "the process's requirement met, and the paragraph in the newest version. At most "
        f"{RATE_LIMIT} contributions a minute per person (429 beyond)."
    ),
)
def comment_paragraph(
    request: HttpRequest, module_id: int, paragraph_id: int, payload: ParagraphCommentIn
):
    module = api_selectors.published_module(module_id)
    if module is None or module.kind != ModuleKind.DOCUMENT_REVIEW:
        raise Http404(_("No such module."))
    paragraph = selectors.paragraph_of(module, paragraph_id)
    if paragraph is None:
        raise Http404(_("No such paragraph."))
    try:
        contribution = as_participant(
            request, contribution_add, module=module, body=payload.body, paragraph=paragraph
        )
    except ValidationError as error:
        return refusal(error)
    contribution = Contribution.objects.select_related("participant").get(pk=contribution.pk)
    return Status(201, _contribution_out(contribution))

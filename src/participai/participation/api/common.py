"""What every participation endpoint shares: how a refusal by the services
becomes a response, acting as the signed-in user's participant, and finding
a published module the request may read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from pydantic import field_validator

from participai.core.storable import holds_unstorable
from participai.procurements.api import ErrorOut

from .. import policy
from ..models import Module, Process
from ..selectors import api as api_selectors
from ..services.contributions import RATE_LIMITED
from ..services.participants import participant_for_user


class InputSchema(Schema):
    """A request body people write into: a field holding a character no text
    can be stored with (a null character, half a surrogate pair) is refused
    with a 422 naming the field, before any service sees it."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if holds_unstorable(value):
            raise ValueError(
                _(
                    "The text holds a character that cannot be stored: "
                    "a null character or half of a surrogate pair."
                )
            )
        return value


class FieldErrorOut(Schema):
    field: str | None
    message: str


class RefusalOut(Schema):
    """Why a write was refused. The services' refusals fill every field; an
    input the schema rejects (a missing field, a wrong type) comes with
    ``message``, ``field`` and ``errors`` only, and a failed CSRF check or a
    body that is not JSON (400) with ``detail`` only."""

    detail: str | None = Field(None, description="Why, in words to show the person")
    message: str | None = Field(None, description="The same, as other endpoints name it")
    code: str | None = Field(
        None,
        description="For a refusal by the process's rules or dates: "
        + ", ".join(sorted(policy.REASONS))
        + f"; {RATE_LIMITED} when writing too fast",
    )
    field: str | None = None
    errors: list[FieldErrorOut] = []


# --- Helpers -------------------------------------------------------------------------------


def status_of(code: str | None) -> int:
    if code in policy.REASONS:
        return 403
    if code == RATE_LIMITED:
        return 429
    return 422


def refusal(error: ValidationError) -> Status:
    """A service's ``ValidationError`` as a response: 403 when the process's
    rules or dates refuse (code: a ``policy.REASONS`` key), 429 when the
    person writes too fast (code ``rate_limited``), 422 otherwise."""
    code = None
    if hasattr(error, "error_dict"):
        errors = [
            {"field": field, "message": " ".join(messages)}
            for field, messages in error.message_dict.items()
        ]
    else:
        errors = [{"field": None, "message": " ".join(error.messages)}]
        code = error.error_list[0].code
    first = errors[0]
    body = {
        "detail": first["message"],
        "message": first["message"],
        "code": code,
        "field": first["field"],
        "errors": errors,
    }
    return Status(status_of(code), body)


def as_participant(request: HttpRequest, write: Callable[..., Any], **kwargs: Any) -> Any:
    """Run ``write(participant=…, **kwargs)`` for the signed-in user. The
    participant is made on first use in the same transaction, so a refused
    first request leaves nothing behind; unaudited, since the write's own
    audit event records it (see ``participants.participant_for_user`` on
    lock order). Raises the service's errors."""
    with transaction.atomic():
        return write(participant=participant_for_user(request.user, audited=False), **kwargs)


# The answers a write endpoint may give besides its success.
WRITE_RESPONSES = {400: RefusalOut, 401: ErrorOut, 403: RefusalOut, 404: ErrorOut, 422: RefusalOut}


def published_module_or_404(module_id: int, kind: str) -> Module:
    """Module ``module_id`` of ``kind`` if its process and procurement are
    published; ``Http404`` otherwise."""
    module = api_selectors.published_module(module_id)
    if module is None or module.kind != kind:
        raise Http404(_("No such module."))
    return module


def read_refusal(request: HttpRequest, process: Process) -> Status | None:
    """The 403 response when the process is read by account holders only and
    the request is anonymous; ``None`` when it may read."""
    reason = policy.refusal(
        "read",
        level="account" if request.user.is_authenticated else "none",
        required=process.read_requires,
        published=True,
    )
    if reason is None:
        return None
    return refusal(ValidationError(_(policy.REASONS[reason]), code=reason))


def readable_module(request: HttpRequest, module_id: int, kind: str) -> Module | Status:
    """Module ``module_id`` of ``kind`` if published (else ``Http404``), or
    the 403 response when the request may not read its process."""
    module = published_module_or_404(module_id, kind)
    return read_refusal(request, module.process) or module

"""What every participation endpoint shares: how a refusal by the services
becomes a response, and acting as the signed-in user's participant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Schema, Status

from participai.procurements.api import ErrorOut

from .. import policy
from ..services.contributions import RATE_LIMITED
from ..services.participants import participant_for_user


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

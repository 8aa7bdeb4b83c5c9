"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def canonical_payload(
    *,
    seq: int,
    created_at: str,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The exact bytes an event's hash covers: sorted, compact JSON."""
    return json.dumps(
        {
            "seq": seq,
            "created_at": created_at,
            "actor": actor_id,
            "actor_label": actor_label,
            "organisation": organisation_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "data": data,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode()


def event_hash(event: AuditEvent) -> str:
    payload = canonical_payload(
        seq=event.seq,
        created_at=event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        organisation_id=event.organisation_id_ref,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        data=event.data,
        prev_hash=event.prev_hash,
    )
    return hashlib.sha256(payload).hexdigest()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the hash is computed over what the database
    # will hand back (dates as strings, tuples as lists, Decimals as strings).
    return json.loads(json.dumps(data, default=str))


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event describing ``action`` on ``target`` by ``actor``.

    Precondition: called inside the transaction that makes the change, so the
    event and the change are committed or rolled back together.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction it describes")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = "" if actor is None else (getattr(actor, "get_username", lambda: "")() or "")
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        organisation_id_ref=organisation_id,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        # A model may name itself for the trail (``audit_label``) when its
        # ``str`` is personal data the append-only trail could never forget.
        object_repr=str(getattr(target, "audit_label", target))[:300],
        data=_jsonable(data or {}),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    event.save()
    AuditHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_events(events: Iterable[AuditEvent], head: AuditHead | None) -> VerifyResult:
    """Walk ``events`` in ``seq`` order and report the first broken link.

    A link is broken when an event's stored hash does not match its content
    (edited), when ``seq`` skips a number (deleted), when ``prev_hash`` does not
    name the previous event's hash (deleted or reordered), or when the chain
    ends before the recorded head (truncated).
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return VerifyResult(
                checked,
                ChainBreak(
                    event.seq,
                    f"expected event #{expected_seq} next; events were deleted or reordered",
                ),
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                checked,
                ChainBreak(event.seq, "does not link to the event before it (reordered?)"),
            )
        if event_hash(event) != event.hash:
            return VerifyResult(
                checked, ChainBreak(event.seq, "content does not match its hash (edited)")
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return VerifyResult(
            checked,
            ChainBreak(
                None,
                f"head records event #{head.last_seq} but the chain ends at #{checked}; "
                "events were deleted from the end",
            ),
        )
    return VerifyResult(checked, None)


def audit_verify() -> VerifyResult:
    """Verify the whole stored chain, streaming rows in ``seq`` order."""
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    head = AuditHead.objects.filter(id=1).first()
    return verify_events(events, head)

"""Bids: recorded as received, their documents attached, excluded from the
evaluation or withdrawn by their supplier, each with its reason.

Until the opening a bid is sealed: its audit events name it by its number
only, never its supplier, price, documents or the reason given for it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements import uploads
from participai.procurements.access import Action, require

# The content-hash storage of procurement documents, reused for bid documents.
from participai.procurements.services import hash_and_head
from participai.procurements.uploads import UploadRejected, check_upload

from ...access import bids_are_sealed, require_bids_readable
from ...models import Bid, BidDocument, BidStatus, Score, ScoringMethod, Tender, TenderStatus
from ._common import (
    TEXT_MAX,
    _decimal,
    _lock,
    _require_evaluating,
    _two_decimals,
    _valid_bid_of,
)

SUPPLIER_MAX = Bid._meta.get_field("supplier_name").max_length
IDENTIFIER_MAX = Bid._meta.get_field("supplier_identifier").max_length
DOCUMENT_TITLE_MAX = BidDocument._meta.get_field("title").max_length
# Bid.price: 14 digits, 2 of them decimals.
PRICE_LIMIT = Decimal(10) ** 12


def _upload_message(rejected: UploadRejected) -> str:
    # As procurements.services.document_add: marked params (a kind's label)
    # have a translation, the others (extensions, sizes) come back as they are.
    params = {name: value and _(value) for name, value in rejected.params.items()}
    return _(uploads.MESSAGES[rejected.code]) % params


@transaction.atomic
def bid_record(
    *,
    actor: User,
    tender: Tender,
    supplier_name: str,
    supplier_identifier: str = "",
    price: Decimal,
    currency: str = "EUR",
    summary: str = "",
    received_at: datetime.datetime | None,
) -> Bid:
    """Record a bid as received by the public body (``Action.RECORD_BID``).

    Preconditions: the tender is published and not awarded, and the panel has
    not started scoring (a bid added later would not be scored alike). The bid
    must have been received by the submission deadline: a late bid is refused.
    The price must be above 0 when a criterion scores it by formula. The audit
    event names the bid by its number only: the trail is readable before the
    opening, and must not unseal the bid.
    """
    procurement, tender = _lock(tender)
    require(actor, Action.RECORD_BID, procurement)
    if tender.status != TenderStatus.PUBLISHED:
        _require_evaluating(tender)
    if Score.objects.filter(bid__tender=tender).exists():
        raise ValidationError(
            _(
                "The panel has started scoring: a bid recorded now would not be scored like "
                "the others."
            )
        )
    errors: dict[str, str] = {}
    supplier_name = clean_plain(supplier_name)
    supplier_identifier = clean_plain(supplier_identifier)
    currency = clean_plain(currency).upper()
    summary = (summary or "").strip()
    if not supplier_name:
        errors["supplier_name"] = _("Name the supplier.")
    elif len(supplier_name) > SUPPLIER_MAX:
        errors["supplier_name"] = _("Keep the name under %(n)d characters.") % {"n": SUPPLIER_MAX}
    if len(supplier_identifier) > IDENTIFIER_MAX:
        errors["supplier_identifier"] = _("Keep the identifier under %(n)d characters.") % {
            "n": IDENTIFIER_MAX
        }
    amount = _decimal(price)
    if amount is None or amount < 0 or amount >= PRICE_LIMIT or not _two_decimals(amount):
        errors["price"] = _("Give the price as a positive amount with at most two decimals.")
    elif amount == 0 and tender.criteria.filter(method=ScoringMethod.LOWEST_PRICE).exists():
        errors["price"] = _("A price of 0 cannot be scored by the lowest-price formula.")
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        errors["currency"] = _("Give the currency as its three-letter code, e.g. EUR.")
    if len(summary) > TEXT_MAX:
        errors["summary"] = _("Keep the summary under %(n)d characters.") % {"n": TEXT_MAX}
    if received_at is None:
        errors["received_at"] = _("Say when the bid was received.")
    elif timezone.is_naive(received_at):
        errors["received_at"] = _("Give the moment with its time zone.")
    elif received_at > tender.submission_deadline:
        errors["received_at"] = _(
            "This bid was received after the deadline (%(deadline)s): a late bid cannot be "
            "recorded."
        ) % {
            "deadline": date_format(
                timezone.localtime(tender.submission_deadline), "DATETIME_FORMAT"
            )
        }
    elif received_at > timezone.now():
        errors["received_at"] = _("A bid cannot have been received in the future.")
    if errors:
        raise ValidationError(errors)
    bid = Bid.objects.create(
        tender=tender,
        supplier_name=supplier_name,
        supplier_identifier=supplier_identifier,
        price=amount,
        currency=currency,
        summary=summary,
        received_at=received_at,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="tendering.bid_record",
        target=bid,
        organisation_id=procurement.organisation_id,
        data={"procurement": procurement.slug, "tender": tender.pk, "bid": bid.pk},
    )
    return bid


@transaction.atomic
def bid_document_add(
    *,
    actor: User,
    bid: Bid,
    upload: IO[bytes],
    filename: str = "",
    title: str = "",
) -> BidDocument:
    """Attach a file to a valid bid (``Action.RECORD_BID``), before the award.

    The file is accepted only if ``procurements.uploads.check_upload`` accepts
    its type, size and first bytes; it is stored under its SHA-256, as
    procurement documents are. ``filename`` defaults to the upload's name and
    ``title`` to that name without its extension. The audit event names the
    bid and the document by number only (a file name may name the supplier).
    """
    procurement, tender = _lock(bid.tender)
    require(actor, Action.RECORD_BID, procurement)
    _require_evaluating(tender)
    bid = _valid_bid_of(tender, bid)
    filename = clean_plain((filename or getattr(upload, "name", "") or "").rsplit("/", 1)[-1])
    title = clean_plain(title) or filename.rsplit(".", 1)[0] or _("Document")
    errors: dict[str, str] = {}
    if len(title) > DOCUMENT_TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": DOCUMENT_TITLE_MAX}
    sha256, head, size = hash_and_head(upload)
    try:
        kind = check_upload(
            filename=filename, size=size, head=head, max_bytes=settings.DOCUMENT_MAX_BYTES
        )
    except UploadRejected as rejected:
        errors["file"] = _upload_message(rejected)
    if errors:
        raise ValidationError(errors)
    document = BidDocument(
        bid=bid,
        title=title,
        original_filename=filename[:255],
        extension=kind.extension,
        content_type=kind.content_type,
        size=size,
        sha256=sha256,
    )
    document.file.save("upload", File(upload), save=False)
    document.save()
    audit_record(
        actor=actor,
        action="tendering.bid_document_add",
        target=bid,
        organisation_id=procurement.organisation_id,
        data={"bid": bid.pk, "document": document.pk},
    )
    return document


def _set_bid_status(
    *, actor: User, bid: Bid, status: str, reason: str, action: str, sealed_ok: bool
) -> Bid:
    procurement, tender = _lock(bid.tender)
    require(actor, Action.RECORD_BID, procurement)
    if not (sealed_ok and bids_are_sealed(tender)):
        require_bids_readable(actor, procurement, tender)
    _require_evaluating(tender)
    bid = _valid_bid_of(tender, bid)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is kept with the bid.")})
    if len(reason) > TEXT_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": TEXT_MAX}}
        )
    sealed = bids_are_sealed(tender)
    bid.status = status
    bid.status_reason = reason
    bid.save(update_fields=["status", "status_reason", "updated_at"])
    data: dict[str, Any] = {"bid": bid.pk, "status": status}
    if not sealed:
        # A reason may name the supplier: kept out of the trail until the opening.
        data["reason"] = reason
    audit_record(
        actor=actor,
        action=action,
        target=bid,
        organisation_id=procurement.organisation_id,
        data=data,
    )
    return bid


@transaction.atomic
def bid_exclude(*, actor: User, bid: Bid, reason: str) -> Bid:
    """Exclude a valid bid from the evaluation, with the reason (``Action.RECORD_BID``).

    Only once the bids are opened and readable by ``actor`` (a conflicted
    officer cannot), and before the award. The bid and its scores stay on the
    record; it is no longer scored, moderated or ranked.
    """
    return _set_bid_status(
        actor=actor,
        bid=bid,
        status=BidStatus.EXCLUDED,
        reason=reason,
        action="tendering.bid_exclude",
        sealed_ok=False,
    )


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid, reason: str) -> Bid:
    """Record that the supplier withdrew a valid bid (``Action.RECORD_BID``).

    Allowed while the bids are sealed (suppliers withdraw before the deadline;
    the bid is then never opened) and after the opening for anyone who may read
    the bids, before the award. ``reason`` says how the withdrawal came.
    """
    return _set_bid_status(
        actor=actor,
        bid=bid,
        status=BidStatus.WITHDRAWN,
        reason=reason,
        action="tendering.bid_withdraw",
        sealed_ok=True,
    )

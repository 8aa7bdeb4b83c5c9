"""The public review of the draft tender: putting it to the public as a new
version of a document review, in a process of the procurement or in a new one.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.text import clean_plain
from participai.participation.models import DecisionStage, DocumentVersion, ModuleKind, Process
from participai.participation.services import documents as document_services
from participai.participation.services import processes as process_services
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ...models import Tender
from ...selectors.solicitation import tender_markdown
from ._common import TITLE_MAX, _audit, _prepare, _text


def review_stage_takes_documents(process: Process) -> bool:
    """Whether ``process``'s stage takes a document review."""
    return lifecycle.stage(process.stage).enables_module(ModuleKind.DOCUMENT_REVIEW)


def _free_slug(procurement: Procurement, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "tender-review"
    taken = set(Process.objects.filter(procurement=procurement).values_list("slug", flat=True))
    taken |= process_services.RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _review_process(
    actor: User, procurement: Procurement, title: str, closes_at: datetime.datetime | None
) -> Process:
    """A new process, open from now until ``closes_at``, to hold the review."""
    title = clean_plain(title)
    errors: dict[str, str] = {}
    if not title:
        errors["process_title"] = _("Give the new process a title.")
    elif len(title) > TITLE_MAX:
        errors["process_title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    now = timezone.now()
    if not isinstance(closes_at, datetime.datetime):
        errors["closes_at"] = _("Say until when people can comment.")
    elif closes_at <= now:
        errors["closes_at"] = _("Comments must close in the future.")
    if errors:
        raise ValidationError(errors)
    try:
        return process_services.process_create(
            actor=actor,
            procurement=procurement,
            title=title,
            slug=_free_slug(procurement, title),
            question=_("What do you think of the draft tender before it goes out?"),
            negotiable=_(
                "The requirements, the evaluation criteria and their weights, and the "
                "contract clauses."
            ),
            decision_stage=DecisionStage.DELIBERATION,
            opens_at=now,
            closes_at=closes_at,
        )
    except ValidationError as error:
        rename = {"title": "process_title"}
        raise ValidationError(
            {rename.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None


@transaction.atomic
def tender_send_to_review(
    *,
    actor: User,
    tender: Tender,
    process: Process | None = None,
    process_title: str = "",
    closes_at: datetime.datetime | None = None,
    change_note: str = "",
) -> DocumentVersion:
    """Put the draft tender to the public as a new version of a document review.

    The text is :func:`tendering.selectors.solicitation.tender_markdown`. The
    first time, a "document_review" module is added to ``process`` (of this
    procurement, at a stage that takes document reviews) or, without a
    process, to a new one titled ``process_title`` open from now until
    ``closes_at`` (published at once when the procurement is); the module is
    kept as ``tender.review_module``. Afterwards each call publishes the next
    version into that module; ``change_note`` says what changed (a dated note
    is written when it is blank). Only while the tender is a draft. Reuses the
    participation services, so their rights and checks apply too (an
    unchanged text is refused) and each writes its own audit event.
    """
    tender = _prepare(actor, tender)
    procurement = tender.procurement
    module = tender.review_module
    created_process = False
    if module is None:
        if process is None:
            process = _review_process(actor, procurement, process_title, closes_at)
            created_process = True
        elif process.procurement_id != procurement.pk:
            raise ValidationError({"process": _("Choose a process of this procurement.")})
        elif not review_stage_takes_documents(process):
            raise ValidationError(
                {
                    "process": _(
                        "A process at the stage “%(stage)s” takes no document review: "
                        "choose another or create one."
                    )
                    % {"stage": lifecycle.stage(process.stage).name}
                }
            )
        module = process_services.module_add(
            actor=actor,
            process=process,
            kind=ModuleKind.DOCUMENT_REVIEW,
            title=_("The draft tender"),
            description=_(
                "Comment on the requirements, the evaluation criteria and their weights, "
                "and the contract clauses before the tender is published."
            ),
        )
        tender.review_module = module
        tender.save(update_fields=["review_module", "updated_at"])
    has_versions = DocumentVersion.objects.filter(module=module).exists()
    note = _text(change_note)
    if has_versions and not note:
        note = _("The draft tender as it stood on %(date)s.") % {
            "date": timezone.localdate().isoformat()
        }
    version = document_services.version_publish(
        actor=actor,
        module=module,
        title=_("Draft tender: %(title)s") % {"title": procurement.title},
        body=tender_markdown(tender),
        change_note=note,
    )
    if created_process and procurement.is_published:
        process_services.process_publish(actor=actor, process=module.process)
    _audit(
        actor,
        "tender_review_send",
        tender,
        tender,
        module=module.pk,
        process=module.process.slug,
        version=version.number,
    )
    return version

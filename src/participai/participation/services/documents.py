"""Publishing the draft of a document-review module, version by version.

Staff who set up participation (``Action.MANAGE_PARTICIPATION``) publish a
version by pasting Markdown or by taking the text of one of the
procurement's documents. The text is split into paragraphs
(:func:`participation.drafts.split_paragraphs`); each paragraph takes the
key of the paragraph it continues in the version before
(:func:`participation.drafts.carry_keys`), so its comments and the diff
follow it. The newest version is the one open to comments; older ones stay
readable. Each publication is audited in its own transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain, render_markdown
from participai.procurements.access import Action, require
from participai.procurements.models import Document

from .. import drafts
from ..models import DocumentParagraph, DocumentVersion, Module, ModuleKind

TITLE_MAX = 200
# A draft long enough for a tender pack's main document, short enough to read.
BODY_MAX = 200_000
PARAGRAPHS_MAX = 1_000
CHANGE_NOTE_MAX = 2_000


def _locked_module(module: Module) -> Module:
    """The module row, locked: versions of one module are numbered one at a time."""
    return (
        Module.objects.select_for_update(of=("self",))
        .select_related("process__procurement")
        .get(pk=module.pk)
    )


def _newest(module: Module) -> DocumentVersion | None:
    return DocumentVersion.objects.filter(module=module).order_by("-number").first()


@transaction.atomic
def version_publish(
    *,
    actor: User,
    module: Module,
    title: str,
    body: str,
    change_note: str = "",
    source: Document | None = None,
) -> DocumentVersion:
    """Publish the next version of the draft under review in ``module``.

    ``body`` is Markdown; when it is blank and ``source`` is given, the
    source document's text is taken (and its title when ``title`` is blank).
    ``source`` must be a public document of the same procurement with a text
    body: the draft is shown to the public, so a document kept from the
    public page (``Document.is_public`` false) is refused, pasted text or not.
    From the second version on, ``change_note`` says what changed, and the
    text must differ from the newest version's. Raises ``PermissionDenied``
    without the right, ``ValidationError`` keyed by field on bad input, and
    then saves nothing.
    """
    module = _locked_module(module)
    procurement = module.process.procurement
    require(actor, Action.MANAGE_PARTICIPATION, procurement)
    if module.kind != ModuleKind.DOCUMENT_REVIEW:
        raise ValidationError(_("Only a document-review module has a draft to publish."))
    errors: dict[str, str] = {}
    text = (body or "").strip()
    title = clean_plain(title)
    if source is not None:
        if source.procurement_id != procurement.pk:
            errors["source"] = _("Choose a document of this procurement.")
        elif not source.is_public:
            errors["source"] = _(
                "This document is not public, but the draft under review is shown to the "
                "public: choose a public document, or paste text that may be published."
            )
        elif not source.body.strip():
            errors["source"] = _(
                "This document is a file; choose one written as text, or paste the text."
            )
        else:
            text = text or source.body.strip()
            title = title or clean_plain(source.title)
    note = (change_note or "").strip()
    previous = _newest(module)
    if not title and "source" not in errors:
        errors["title"] = _("Give the draft a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    paragraphs = drafts.split_paragraphs(text)
    if not paragraphs and "source" not in errors:
        errors["body"] = _("Paste the text of the draft, or choose a document to take it from.")
    elif len(text) > BODY_MAX:
        errors["body"] = _("At most %(limit)d characters; this text has %(length)d.") % {
            "limit": BODY_MAX,
            "length": len(text),
        }
    elif len(paragraphs) > PARAGRAPHS_MAX:
        errors["body"] = _("At most %(limit)d paragraphs; this text has %(count)d.") % {
            "limit": PARAGRAPHS_MAX,
            "count": len(paragraphs),
        }
    if len(note) > CHANGE_NOTE_MAX:
        errors["change_note"] = _("At most %(limit)d characters.") % {"limit": CHANGE_NOTE_MAX}
    before: list[drafts.Paragraph] = []
    if previous is not None:
        before = [
            drafts.Paragraph(key=key, text=paragraph_text)
            for key, paragraph_text in previous.paragraphs.order_by("position").values_list(
                "key", "body"
            )
        ]
        if not note:
            errors["change_note"] = _("Say what changed since version %(number)d.") % {
                "number": previous.number
            }
        if (
            "body" not in errors
            and title == previous.title
            and [drafts.normalise(p) for p in paragraphs]
            == [drafts.normalise(p.text) for p in before]
        ):
            errors["body"] = _("The text is the same as version %(number)d.") % {
                "number": previous.number
            }
    if errors:
        raise ValidationError(errors)
    carried = drafts.carry_keys(before, paragraphs)
    version = DocumentVersion.objects.create(
        module=module,
        number=(previous.number + 1) if previous else 1,
        title=title,
        body=drafts.join_paragraphs(paragraphs),
        change_note=note,
        source=source,
        created_by=actor,
    )
    DocumentParagraph.objects.bulk_create(
        DocumentParagraph(
            version=version,
            position=position,
            key=paragraph.key,
            body=paragraph.text,
            body_html=render_markdown(paragraph.text),
        )
        for position, paragraph in enumerate(carried, start=1)
    )
    kept = {p.key for p in before} & {p.key for p in carried}
    audit_record(
        actor=actor,
        action="document.version_published",
        target=version,
        organisation_id=procurement.organisation_id,
        data={
            "process": module.process.slug,
            "module": module.pk,
            "number": version.number,
            "paragraphs": len(carried),
            "paragraphs_kept": len(kept),
            "source": source.pk if source is not None else None,
        },
    )
    return version

"""The contract clauses: proposed from the library for the stakes, picked from
it one by one or written by the team, then adapted, removed or reordered.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.assessment.selectors.obligations import latest_screening
from participai.core.languages import active_language
from participai.core.text import clean_plain
from participai.procurements.models import Procurement

from ... import clauses as clause_library
from ...models import Tender, TenderClause
from ._common import (
    TITLE_MAX,
    _audit,
    _check_length,
    _check_title,
    _move,
    _next_position,
    _prepare,
    _text,
)

CLAUSE_MAX = 20_000
THEME_MAX = TenderClause._meta.get_field("theme").max_length


def is_high_risk(procurement: Procurement) -> bool:
    """Whether the last completed AI Act screening found a high-risk use."""
    screening = latest_screening(procurement)
    return screening is not None and screening.classification == "high_risk"


def _rendered(clause: clause_library.Clause, procurement: Procurement) -> tuple[str, str]:
    """The clause's title and text in the active language, the parties named."""
    language = active_language()
    text = clause.render(
        language,
        buyer=procurement.organisation.name,
        # Before a supplier is chosen, the clause names them by their role.
        supplier=_("the supplier"),
    )
    return clause.title_in(language), text


def _library_clause(tender: Tender, position: int, clause: clause_library.Clause) -> TenderClause:
    title, text = _rendered(clause, tender.procurement)
    return TenderClause(
        tender=tender,
        library_key=clause.key,
        theme=clause.theme,
        title=title[:TITLE_MAX],
        text=text,
        library_text=text,
        position=position,
    )


@transaction.atomic
def clause_propose(*, actor: User, tender: Tender) -> list[TenderClause]:
    """Add the library's proposed clauses for the stakes to a draft tender.

    A procurement whose last completed AI Act screening says ``high_risk``
    gets the high-risk set, any other the light set. Clauses already in the
    tender are skipped, so a second call adds nothing. Each is written in the
    active language with the organisation named as the buyer. One audit
    event lists what was added; none when nothing was.
    """
    tender = _prepare(actor, tender)
    high_risk = is_high_risk(tender.procurement)
    present = set(tender.clauses.exclude(library_key="").values_list("library_key", flat=True))
    wanted = [
        clause
        for clause in clause_library.library().proposed(high_risk=high_risk)
        if clause.key not in present
    ]
    if not wanted:
        return []
    start = _next_position(tender.clauses.all())
    created = TenderClause.objects.bulk_create(
        _library_clause(tender, start + offset, clause) for offset, clause in enumerate(wanted)
    )
    _audit(
        actor,
        "clause_propose",
        tender,
        tender,
        high_risk=high_risk,
        keys=[clause.key for clause in wanted],
    )
    return created


@transaction.atomic
def clause_add_from_library(*, actor: User, tender: Tender, key: str) -> TenderClause:
    """Add the library clause ``key`` to a draft tender, unless it is there already."""
    tender = _prepare(actor, tender)
    try:
        clause = clause_library.library().clause(key)
    except KeyError:
        raise ValidationError({"key": _("There is no such clause in the library.")}) from None
    if tender.clauses.filter(library_key=key).exists():
        raise ValidationError({"key": _("This clause is already in the tender.")})
    row = _library_clause(tender, _next_position(tender.clauses.all()), clause)
    row.save()
    _audit(actor, "clause_add", row, tender, key=key, theme=row.theme, title=row.title)
    return row


def _clause_values(title: str, text: str) -> dict[str, str]:
    values = {"title": clean_plain(title), "text": _text(text)}
    errors: dict[str, str] = {}
    _check_title(errors, "title", values["title"])
    if not values["text"]:
        errors["text"] = _("This field is required.")
    else:
        _check_length(errors, "text", values["text"], CLAUSE_MAX)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def clause_add_custom(
    *, actor: User, tender: Tender, theme: str, title: str, text: str
) -> TenderClause:
    """Add a clause the team wrote itself, under one of the library's themes."""
    tender = _prepare(actor, tender)
    errors: dict[str, str] = {}
    try:
        clause_library.library().theme(theme)
    except KeyError:
        errors["theme"] = _("Choose one of the themes.")
    try:
        values = _clause_values(title, text)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    row = TenderClause.objects.create(
        tender=tender, theme=theme, position=_next_position(tender.clauses.all()), **values
    )
    _audit(actor, "clause_add", row, tender, key="", theme=theme, title=row.title)
    return row


def _clause(actor: User, clause: TenderClause) -> tuple[Tender, TenderClause]:
    tender = _prepare(actor, clause.tender)
    clause = TenderClause.objects.get(pk=clause.pk, tender=tender)
    clause.tender = tender
    return tender, clause


@transaction.atomic
def clause_update(*, actor: User, clause: TenderClause, title: str, text: str) -> TenderClause:
    """Adapt a clause of a draft tender. A library clause keeps the text it
    was picked with (``library_text``), so it shows as adapted."""
    tender, clause = _clause(actor, clause)
    values = _clause_values(title, text)
    changed = sorted(name for name, value in values.items() if getattr(clause, name) != value)
    if not changed:
        return clause
    for name in changed:
        setattr(clause, name, values[name])
    clause.save(update_fields=[*changed, "updated_at"])
    _audit(
        actor,
        "clause_update",
        clause,
        tender,
        key=clause.library_key,
        fields=changed,
        adapted=clause.is_adapted,
    )
    return clause


@transaction.atomic
def clause_remove(*, actor: User, clause: TenderClause) -> None:
    """Remove a clause from a draft tender (a library clause can be added again)."""
    tender, clause = _clause(actor, clause)
    _audit(
        actor,
        "clause_remove",
        clause,
        tender,
        key=clause.library_key,
        theme=clause.theme,
        title=clause.title,
    )
    clause.delete()


@transaction.atomic
def clause_move(*, actor: User, clause: TenderClause, direction: str) -> TenderClause:
    """Move a clause one place ``"up"`` or ``"down"`` within its theme."""
    tender, clause = _clause(actor, clause)
    if _move(tender.clauses.filter(theme=clause.theme), clause, direction):
        _audit(actor, "clause_move", clause, tender, direction=direction)
    return clause

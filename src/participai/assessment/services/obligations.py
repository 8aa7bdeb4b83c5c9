"""Exemptions from obligations: the one way past an unmet obligation at a gate.

An exemption is justified in writing, public and audited, and only the roles
``Action.EXEMPT_OBLIGATION`` names may record it. It never covers a blocking
obligation (a banned practice): that gate can only revise or stop.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import ObligationExemption
from ..selectors.obligations import obligation_statuses

MIN_JUSTIFICATION_CHARS = 40
MAX_JUSTIFICATION_CHARS = 5_000


@transaction.atomic
def obligation_exempt(
    *, actor: User, procurement: Procurement, obligation_key: str, justification: str
) -> ObligationExemption:
    """Record that ``obligation_key`` need not be met at its gate, and why.

    Preconditions, each a ``ValidationError`` when broken (nothing saved): the
    obligation applies to the procurement now, is not blocking, is not met
    already, has no exemption yet, and the justification says enough
    (``MIN_JUSTIFICATION_CHARS`` or more). An obligation whose gate has passed
    can be exempted too: stakes found later make it due at the next gate.
    """
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.EXEMPT_OBLIGATION, procurement)
    statuses = {s.obligation.key: s for s in obligation_statuses(procurement)}
    status = statuses.get(obligation_key)
    if status is None:
        raise ValidationError(
            {"obligation_key": _("This procurement does not owe that obligation.")}
        )
    if status.state == "blocking":
        raise ValidationError(
            {
                "obligation_key": _(
                    "A banned practice cannot be exempted: the gate can only revise or stop."
                )
            }
        )
    if status.state == "met":
        raise ValidationError({"obligation_key": _("This obligation is already met.")})
    if status.state == "exempt":
        raise ValidationError({"obligation_key": _("An exemption is already recorded.")})
    text = clean_plain(justification)
    if len(text) < MIN_JUSTIFICATION_CHARS:
        raise ValidationError(
            {
                "justification": _(
                    "Explain why, in at least %(min)d characters: the exemption is public."
                )
                % {"min": MIN_JUSTIFICATION_CHARS}
            }
        )
    if len(text) > MAX_JUSTIFICATION_CHARS:
        raise ValidationError(
            {
                "justification": _("Keep it under %(max)d characters.")
                % {"max": MAX_JUSTIFICATION_CHARS}
            }
        )
    exemption = ObligationExemption.objects.create(
        procurement=procurement,
        obligation_key=obligation_key,
        gate=status.obligation.gate,
        justification=text,
        recorded_by=actor,
    )
    # The public page lists exemptions: its cached body is now stale.
    procurement.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="obligation.exempted",
        target=exemption,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "obligation": obligation_key,
            "gate": exemption.gate,
            "justification": text,
        },
    )
    return exemption

"""How a request finds the participant it acts as.

A signed-in person takes part through their account's participant
(``participant_for_user``), made on their first write, not on reading. A
guest takes part under the pseudonym chosen on the join page; the
participant's id is kept in the session, so it lasts as long as the browser
keeps the session cookie. Nothing else about a guest is stored in the
session.

A participant who deleted their data (``removed_at`` set) is nobody's
visitor any more: a guest's session forgets them (``forget_guest``), and an
account holder's removed participant was detached from the account, so the
account takes part again with a fresh participant, made on its next write.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from participai.accounts.models import Participant

from .services.participants import participant_for_user

SESSION_KEY = "participai.participant"


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a public page of participation.

    ``participant`` is the saved participant, if any (``None`` for a guest
    who has not joined, and for an account holder who has never taken part).
    """

    participant: Participant | None
    is_signed_in: bool

    @property
    def level(self) -> str:
        """``none``, ``guest``, ``confirmed`` or ``account`` (``policy.VERIFICATION``);
        an account holder is at ``account`` before their participant is made."""
        if self.is_signed_in:
            return "account"
        return self.participant.verification if self.participant else "none"


def visitor(request: HttpRequest) -> Visitor:
    """Who ``request`` comes from; reads at most one row, once per request."""
    cached = getattr(request, "_participai_visitor", None)
    if cached is not None:
        return cached
    user = request.user
    if user.is_authenticated:
        found = Visitor(
            participant=Participant.objects.filter(user=user, removed_at__isnull=True).first(),
            is_signed_in=True,
        )
    else:
        participant = None
        pk = request.session.get(SESSION_KEY)
        if isinstance(pk, int):
            participant = Participant.objects.filter(
                pk=pk, user__isnull=True, removed_at__isnull=True
            ).first()
        found = Visitor(participant=participant, is_signed_in=False)
    request._participai_visitor = found
    return found


def participant_for_request(request: HttpRequest) -> Participant | None:
    """The participant a write acts as: the account's (made on first use),
    the guest's from the session, or ``None`` for a guest who has not joined."""
    if request.user.is_authenticated:
        known = getattr(request, "_participai_visitor", None)
        if known is not None and known.participant is not None:
            # Already read for this request (``visitor``): no second query.
            return known.participant
        participant = participant_for_user(request.user)
        request._participai_visitor = Visitor(participant=participant, is_signed_in=True)
        return participant
    return visitor(request).participant


def remember_guest(request: HttpRequest, participant: Participant) -> None:
    """Keep a guest who just joined in the session. The session key changes
    (as on signing in), so a key planted before joining is worth nothing."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = participant.pk
    request._participai_visitor = Visitor(participant=participant, is_signed_in=False)


def forget_guest(request: HttpRequest) -> None:
    """Forget the guest of this session (after they deleted their data); the
    session key changes, so the old cookie names nobody."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    forget_cached(request)


def forget_cached(request: HttpRequest) -> None:
    """Drop the per-request copy after the participant changed (e.g. confirmed)."""
    if hasattr(request, "_participai_visitor"):
        del request._participai_visitor

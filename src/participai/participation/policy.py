"""Who may do what in a participation process: the whole rule, free of Django.

A process says, for each kind of action, the least verification it needs
(``VERIFICATION``, weakest first): ``none`` (anyone, even without a
pseudonym), ``guest`` (a pseudonym in this browser), ``confirmed`` (a guest
who confirmed a one-time code sent by email, or an account) and ``account``
(a registered account). A person's own level is one of the same words; a
higher level satisfies every lower requirement.

:func:`refusal` answers with ``None`` when the action is allowed, else the
reason, a key of :data:`REASONS`, so pages and the API say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participai.core.marks import gettext_noop

VERIFICATION: tuple[str, ...] = ("none", "guest", "confirmed", "account")
# What each action may require (reading can be public; voting and writing
# always need at least a pseudonym, so one person's vote counts once).
ALLOWED_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "read": ("none", "account"),
    "contribute": ("guest", "confirmed", "account"),
    "vote": ("guest", "confirmed", "account"),
}
ACTIONS: tuple[str, ...] = tuple(ALLOWED_REQUIREMENTS)

REASONS: dict[str, str] = {
    "unpublished": gettext_noop("This process is not published."),
    "not_open_yet": gettext_noop("This part opens later."),
    "closed": gettext_noop("This part is closed; what was said stays readable."),
    "needs_guest": gettext_noop("Choose a pseudonym to take part."),
    "needs_confirmation": gettext_noop(
        "Confirm your email address with the code we sent to take part."
    ),
    "needs_account": gettext_noop("Sign in with an account to take part."),
    "needs_account_to_read": gettext_noop("Sign in with an account to read this process."),
}


def satisfies(level: str, required: str) -> bool:
    """Does verification ``level`` meet ``required``?"""
    return VERIFICATION.index(level) >= VERIFICATION.index(required)


@dataclass(frozen=True)
class Window:
    """When a module takes contributions: from ``opens`` until ``closes`` (excluded)."""

    opens: datetime
    closes: datetime

    def state(self, now: datetime) -> str:
        """``upcoming``, ``open`` or ``closed`` at ``now``."""
        if now < self.opens:
            return "upcoming"
        if now >= self.closes:
            return "closed"
        return "open"


def refusal(
    action: str,
    *,
    level: str,
    required: str,
    published: bool,
    window: Window | None = None,
    now: datetime | None = None,
) -> str | None:
    """Why someone at verification ``level`` may not do ``action``, or ``None``.

    ``required`` is what the process asks for ``action``. Writing actions
    (``contribute``, ``vote``) also need the module's ``window`` to be open at
    ``now``; reading a closed module is always allowed. Staff previews are the
    caller's business: an unpublished process refuses everything here.
    """
    if action not in ALLOWED_REQUIREMENTS:
        raise ValueError(f"unknown action {action!r}")
    if level not in VERIFICATION or required not in VERIFICATION:
        raise ValueError(f"unknown verification level {level!r} or {required!r}")
    if not published:
        return "unpublished"
    if action != "read":
        if window is None or now is None:
            raise ValueError("a writing action needs the module's window and the time")
        state = window.state(now)
        if state == "upcoming":
            return "not_open_yet"
        if state == "closed":
            return "closed"
    if satisfies(level, required):
        return None
    if action == "read":
        return "needs_account_to_read"
    return {
        "guest": "needs_guest",
        "confirmed": "needs_confirmation",
        "account": "needs_account",
    }[required]

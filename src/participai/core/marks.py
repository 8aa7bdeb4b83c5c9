"""Marking messages for translation in modules that import no Django.

``makemessages`` finds strings by the name of the function around them, so a
pure module marks its messages with this ``gettext_noop`` and the web layer
translates them with ``gettext`` when it shows them.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; only marks it for ``makemessages``."""
    return message

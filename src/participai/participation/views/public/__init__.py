"""The public pages of participation: a process, joining under a pseudonym,
confirming an email address, and each module with what people said in it.

Every page reaches its process through ``access.access_public_process``
(published, or a preview for members of the organisation) and respects who
may read it; every write goes through one service, whose ``ValidationError``
is shown on the page again with status 400, and succeeds with a message and a
redirect back. The person acting comes from ``sessions.visitor``: their
account, or the guest pseudonym kept in the session.
"""

from .modules import contribute, flag, module, remove, reply, support, unsupport, vote
from .process import confirm, confirm_code, confirm_send, join, process

__all__ = [
    "confirm",
    "confirm_code",
    "confirm_send",
    "contribute",
    "flag",
    "join",
    "module",
    "process",
    "remove",
    "reply",
    "support",
    "unsupport",
    "vote",
]

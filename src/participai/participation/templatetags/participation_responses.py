"""``{% responses_summary %}``: the "You said, we did" box of a process page.

The process page's view belongs to the process itself; this tag adds what
the page says of its answers (how many, a link, and following) without
touching it: two queries, one without a participant.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.responses import responses_summary as summary_of

register = template.Library()


@register.inclusion_tag("participation/public/responses_summary.html", takes_context=True)
def responses_summary(context: template.Context, process: Any) -> dict[str, Any]:
    you = context.get("you")
    participant = getattr(you, "participant", None)
    summary = summary_of(process, participant)
    return {
        "process": process,
        "procurement": process.procurement,
        "you": you,
        "is_preview": context.get("is_preview", False),
        "count": summary.count,
        "following": summary.following,
        "csrf_token": context.get("csrf_token"),
    }

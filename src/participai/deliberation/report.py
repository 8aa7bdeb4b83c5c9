"""A plain-text report of a conversation analysis (for the command line).

Groups are named with letters (A, B, ...) as on Pol.is's report pages; shares
are the raw share of those who saw the statement (``12 of 20``), so a reader
can check them against the votes. Statement texts come from participants and
are printed without control characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from participai.deliberation.analysis import ConversationAnalysis
from participai.deliberation.groups import GREEDY_PARTICIPANTS, MIN_VOTES

NEXT_SHOWN = 5

# C0 and C1 control characters (DEL included): in a terminal they could move
# the cursor, recolour or rewrite what the report shows.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: Any) -> str:
    """``text`` on one line: whitespace runs become one space, control characters go."""
    return " ".join(_CONTROL.sub("", " ".join(str(text).split())).split())


def group_name(group: int) -> str:
    """ "A" for group 0, "B" for group 1, ..., "Z", then "27", "28", ..."""
    return chr(ord("A") + group) if group < 26 else str(group + 1)


def format_report(analysis: ConversationAnalysis, texts: Mapping[Any, str]) -> str:
    """The report: summary, groups and their representative statements,
    consensus, where groups differ, and the statements shown next.

    ``texts`` maps statement ids to their text, shown on one line without
    control characters (:func:`printable`); a statement without text is shown
    by its id alone.
    """
    matrix, groups = analysis.matrix, analysis.groups
    n_moderated = int(matrix.statement_mask(analysis.moderated_out).sum())

    def statement(statement_id: Any) -> str:
        text = printable(texts.get(statement_id, ""))
        return f"#{statement_id} {text}" if text else f"#{statement_id} (no text)"

    def share(n_success: int, n_trials: int) -> str:
        percent = round(100 * n_success / n_trials) if n_trials else 0
        return f"{percent}% ({n_success} of {n_trials})"

    # Who is clustered: those with enough votes, and those added with fewer
    # (to reach GREEDY_PARTICIPANTS, or because they were clustered before).
    threshold = min(MIN_VOTES, matrix.n_statements)
    counts = matrix.votes_per_participant()
    clustered = int(groups.in_conversation.sum())
    qualified = int((groups.in_conversation & (counts >= threshold) & (counts > 0)).sum())
    if clustered == qualified:
        who = f"(at least {threshold} votes)"
    else:
        who = (
            f"({qualified} with at least {threshold} votes, {clustered - qualified} with "
            f"fewer: added to reach {GREEDY_PARTICIPANTS} or clustered in an earlier update)"
        )
    lines = [
        "Conversation",
        f"  Participants: {matrix.n_participants}",
        f"  Statements: {matrix.n_statements} ({n_moderated} moderated out)",
        f"  Votes: {matrix.n_votes}",
        f"  Clustered participants: {clustered} {who}",
        f"  Opinion groups: {groups.k}",
    ]
    sizes = np.bincount(groups.group_labels[groups.group_labels >= 0], minlength=groups.k)
    for group in range(groups.k):
        lines += ["", f"Group {group_name(group)}: {int(sizes[group])} participants"]
        chosen = analysis.representative.get(group, [])
        if not chosen:
            lines.append("  No representative statement yet.")
        for item in chosen:
            caveat = "" if item.significant else ", not significant"
            lines.append(
                f"  - {item.direction} {share(item.n_success, item.n_trials)}{caveat}: "
                f"{statement(item.statement_id)}"
            )

    lines += ["", "Consensus"]
    for direction, heading in (("agree", "Most agree"), ("disagree", "Most disagree")):
        chosen = analysis.consensus[direction]
        lines.append(f"  {heading}:" if chosen else f"  {heading}: none")
        lines += [
            f"  - {share(item.n_success, item.n_trials)}: {statement(item.statement_id)}"
            for item in chosen
        ]

    if analysis.differences:
        lines += ["", "Where groups differ (smoothed share agreeing, per group)"]
        for difference in analysis.differences:
            shares = ", ".join(
                f"{group_name(group)} {round(100 * value)}%"
                for group, value in enumerate(difference.agree_shares)
            )
            lines.append(f"  - {shares}: {statement(difference.statement_id)}")

    eligible = np.flatnonzero(analysis.priorities > 0)
    if len(eligible):
        order = eligible[np.argsort(-analysis.priorities[eligible], kind="stable")]
        lines += ["", "Shown first to a new participant (highest priority)"]
        lines += [
            f"  - {statement(statement_id)}"
            for statement_id in matrix.statement_ids[order[:NEXT_SHOWN]].tolist()
        ]
    return "\n".join(lines) + "\n"

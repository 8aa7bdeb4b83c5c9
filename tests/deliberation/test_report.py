"""The plain-text report."""

from __future__ import annotations

from participai.deliberation.analysis import analyse
from participai.deliberation.groups import GroupState
from participai.deliberation.report import format_report, group_name
from participai.deliberation.votes import VoteMatrix

from .planted import planted


def test_group_names():
    assert [group_name(g) for g in (0, 1, 25, 26)] == ["A", "B", "Z", "27"]


def test_report_of_planted_groups():
    case = planted(groups=2, per_group=20, statements=10, agreement=0.95, seed=3)
    analysis = analyse(case.matrix, moderated_out=[9], meta=[8])
    texts = {s: f"Statement number {s}\nover two lines" for s in range(8)}
    report = format_report(analysis, texts)
    assert "  Participants: 40\n" in report
    assert "  Statements: 10 (1 moderated out)\n" in report
    assert f"  Votes: {case.matrix.n_votes}\n" in report
    assert "  Clustered participants: 40 (at least 7 votes)\n" in report
    assert "  Opinion groups: 2\n" in report
    assert "\nGroup A: 20 participants\n" in report
    assert "\nGroup B: 20 participants\n" in report
    # Texts on one line; a statement without text shown by its id. Statement 8
    # is about the conversation itself (meta), so it is shown first.
    assert "#3 Statement number 3 over two lines" in report
    assert "#8 (no text)" in report
    assert "#9 " not in report  # moderated out
    first = analysis.representative[0][0]
    share = round(100 * first.n_success / first.n_trials)
    assert f"  - {first.direction} {share}% ({first.n_success} of {first.n_trials})" in report
    shown_first = report.split("Shown first to a new participant (highest priority)\n")[1]
    assert shown_first.startswith("  - #8 (no text)\n")


def test_report_of_a_conversation_without_votes():
    case = planted(groups=1, per_group=0, statements=3)
    report = format_report(analyse(case.matrix), {})
    assert "  Opinion groups: 0\n" in report
    assert "  Most agree: none\n" in report
    assert "Group A" not in report


def _votes_on_all(participants: range, statements: int) -> list[tuple[int, int, int]]:
    return [(p, s, (p * 7 + s * 3) % 3 - 1) for p in participants for s in range(statements)]


def test_report_separates_who_qualified_from_who_was_added():
    # Ten participants vote on all ten statements; five more cast two votes
    # each and are added to reach fifteen.
    votes = _votes_on_all(range(10), 10) + [(p, s, 1) for p in range(100, 105) for s in (0, 1)]
    report = format_report(analyse(VoteMatrix.from_votes(votes)), {})
    assert (
        "  Clustered participants: 15 (10 with at least 7 votes, 5 with fewer: added to reach "
        "15 or clustered in an earlier update)\n"
    ) in report
    # Twenty qualify; one with a single vote stays clustered from an earlier update.
    matrix = VoteMatrix.from_votes([*_votes_on_all(range(20), 10), (100, 0, 1)])
    report = format_report(analyse(matrix), {})
    assert "  Clustered participants: 20 (at least 7 votes)\n" in report
    kept = analyse(matrix, previous=GroupState(in_conversation=[100]))
    assert "  Clustered participants: 21 (20 with at least 7 votes, 1 with fewer: " in (
        format_report(kept, {})
    )


def test_report_prints_statement_texts_without_control_characters():
    case = planted(groups=2, per_group=20, statements=10, agreement=0.95, seed=3)
    analysis = analyse(case.matrix)
    shown = analysis.representative[0][0].statement_id
    texts = {shown: "Bell\x07 and \x1b[2Jclear\r\nnext\x85line\x9b31m\ttab \x00 end\x7f"}
    report = format_report(analysis, texts)
    assert f"#{shown} Bell and [2Jclear next line31m tab end\n" in report
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in report)

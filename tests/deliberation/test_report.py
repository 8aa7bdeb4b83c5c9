"""The plain-text report."""

from __future__ import annotations

from participai.deliberation.analysis import analyse
from participai.deliberation.report import format_report, group_name

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

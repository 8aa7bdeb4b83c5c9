"""``participai deliberation groups|report`` on the real exports and on bad files."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from participai.deliberation.analysis import analyse
from participai.deliberation.polis_csv import read_polis_comments, read_polis_votes
from participai.deliberation.report import group_name

from .polis_data import conversation, moderated_out

SEATTLE = "15-per-hour-seattle"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("deliberation", *args, stdout=out)
    return out.getvalue()


def _read_groups(path) -> list[tuple[int, int]]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["participant", "group"]
        return [(int(participant), int(group)) for participant, group in reader]


def test_groups_writes_each_clustered_participant_and_group(tmp_path):
    folder = conversation(SEATTLE)
    out = tmp_path / "groups.csv"
    printed = _run(
        "groups", str(folder / "votes.csv"), "--out", str(out), "--comments",
        str(folder / "comments.csv"),
    )  # fmt: skip
    expected = analyse(
        read_polis_votes(folder / "votes.csv"), moderated_out=moderated_out(SEATTLE)
    ).groups
    rows = _read_groups(out)
    assert rows == [
        (participant, group)
        for participant, group in zip(
            expected.participant_ids.tolist(), expected.group_labels.tolist(), strict=True
        )
        if group >= 0
    ]
    assert {group for _, group in rows} == set(range(expected.k))
    assert f"{len(rows)} participants in {expected.k} groups" in printed


def test_groups_without_comments_keeps_every_statement(tmp_path):
    folder = conversation(SEATTLE)
    out = tmp_path / "groups.csv"
    _run("groups", str(folder / "votes.csv"), "--out", str(out))
    expected = analyse(read_polis_votes(folder / "votes.csv")).groups
    assert _read_groups(out) == [
        (participant, group)
        for participant, group in zip(
            expected.participant_ids.tolist(), expected.group_labels.tolist(), strict=True
        )
        if group >= 0
    ]


def test_report_shows_groups_and_their_statements_never_moderated_ones():
    folder = conversation(SEATTLE)
    report = _run("report", str(folder / "votes.csv"), str(folder / "comments.csv"))
    comments = read_polis_comments(folder / "comments.csv")
    texts = {c.statement_id: " ".join(c.text.split()) for c in comments}
    analysis = analyse(
        read_polis_votes(folder / "votes.csv"), moderated_out=moderated_out(SEATTLE)
    )
    assert f"Opinion groups: {analysis.groups.k}" in report
    sections = report.split("\nGroup ")
    for group, members in analysis.groups.members().items():
        section = sections[group + 1]
        assert section.startswith(f"{group_name(group)}: {len(members)} participants")
        for statement in analysis.representative[group]:
            assert f"{statement.direction} " in section
            assert f"#{statement.statement_id} {texts[statement.statement_id]}" in section
    for statement in analysis.consensus["agree"]:
        assert f"#{statement.statement_id} {texts[statement.statement_id]}" in report
    for statement_id in moderated_out(SEATTLE):
        assert f"#{statement_id} " not in report


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("groups", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out.csv"))
    folder = conversation(SEATTLE)
    with pytest.raises(CommandError, match="no such file"):
        _run("report", str(folder / "votes.csv"), str(tmp_path / "nope.csv"))


def test_a_bad_line_is_named_and_nothing_is_written(tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,agree\n")
    out = tmp_path / "groups.csv"
    out.write_text("kept\n")
    with pytest.raises(CommandError, match=r"votes.csv line 3: vote 'agree' is not an integer"):
        _run("groups", str(votes), "--out", str(out))
    assert out.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["groups.csv", "votes.csv"]


def test_bad_comments_and_unwritable_output_are_clear_errors(tmp_path):
    folder = conversation(SEATTLE)
    comments = tmp_path / "comments.csv"
    comments.write_text("comment-id,moderated\n1,0\n")
    with pytest.raises(CommandError, match=r"missing column\(s\) comment-body"):
        _run("report", str(folder / "votes.csv"), str(comments))
    binary = tmp_path / "votes.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(CommandError, match="not a UTF-8 text file"):
        _run("groups", str(binary), "--out", str(tmp_path / "g.csv"))
    with pytest.raises(CommandError, match="cannot write here"):
        _run("groups", str(folder / "votes.csv"), "--out", str(tmp_path / "no" / "g.csv"))


def test_a_subcommand_is_required():
    with pytest.raises(CommandError, match="groups,report"):
        _run()


def test_ids_beyond_64_bits_are_named_not_a_traceback(tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,99999999999999999999,1\n"
    )
    out = tmp_path / "groups.csv"
    with pytest.raises(CommandError, match=r"votes.csv line 3: voter-id \d+ is out of range"):
        _run("groups", str(votes), "--out", str(out))
    assert not out.exists()
    comments = tmp_path / "comments.csv"
    comments.write_text("comment-id,moderated,comment-body\n18446744073709551616,0,Text\n")
    folder = conversation(SEATTLE)
    with pytest.raises(CommandError, match=r"comments.csv line 2: comment-id \d+ is out of range"):
        _run("report", str(folder / "votes.csv"), str(comments))


@pytest.mark.parametrize("seed", ["-1", "one"])
def test_a_seed_must_be_a_non_negative_integer(tmp_path, seed):
    folder = conversation(SEATTLE)
    out = tmp_path / "groups.csv"
    with pytest.raises(CommandError, match="--seed"):
        _run("groups", str(folder / "votes.csv"), "--out", str(out), "--seed", seed)
    with pytest.raises(CommandError, match="--seed"):
        _run("report", str(folder / "votes.csv"), str(folder / "comments.csv"), "--seed", seed)
    assert not out.exists()


def test_what_the_analysis_refuses_is_a_command_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("the previous state does not fit")

    monkeypatch.setattr(
        "participai.participation.management.commands.deliberation.analyse", refuse
    )
    folder = conversation(SEATTLE)
    with pytest.raises(CommandError, match="cannot analyse these votes: the previous state"):
        _run("groups", str(folder / "votes.csv"), "--out", str(tmp_path / "g.csv"))
    with pytest.raises(CommandError, match="cannot analyse these votes"):
        _run("report", str(folder / "votes.csv"), str(folder / "comments.csv"))


def test_the_output_may_not_be_an_input(tmp_path):
    folder = conversation(SEATTLE)
    votes, comments = tmp_path / "votes.csv", tmp_path / "comments.csv"
    votes.write_bytes((folder / "votes.csv").read_bytes())
    comments.write_bytes((folder / "comments.csv").read_bytes())
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(votes)
    for out in (votes, tmp_path / "sub" / ".." / "comments.csv", link):
        with pytest.raises(CommandError, match="is an input file"):
            _run("groups", str(votes), "--out", str(out), "--comments", str(comments))
    assert votes.read_bytes() == (folder / "votes.csv").read_bytes()
    assert comments.read_bytes() == (folder / "comments.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "comments.csv", "link.csv", "sub", "votes.csv",
    ]  # fmt: skip


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_the_output_has_the_mode_of_any_new_file(tmp_path, umask, mode):
    folder = conversation(SEATTLE)
    out = tmp_path / "groups.csv"
    previous = os.umask(umask)
    try:
        _run("groups", str(folder / "votes.csv"), "--out", str(out))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == mode

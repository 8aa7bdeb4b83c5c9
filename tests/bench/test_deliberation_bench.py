"""The deliberation benchmark (``bench/deliberation_bench.py``) at tiny sizes.

Its synthetic conversations plant groups our analysis recovers, its memory
measure is per vote, red-dwarf is skipped only for a stated reason, the
verdicts follow the numbers, and a ``--quick`` run prints every row and writes
the JSON. No time is asserted: speed is what the benchmark reports.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

import deliberation_bench as bench  # bench/ is not a package: found through sys.path
from tests.deliberation.polis_data import CONVERSATIONS

# --- Synthetic votes ------------------------------------------------------------------------


def test_planted_votes_are_one_per_cell_and_as_dense_as_asked():
    planted = bench.planted_votes(500, 400, density=(0.05, 0.10), seed=4)
    cells = planted.participants * planted.n_statements + planted.statements
    assert len(np.unique(cells)) == planted.n_votes
    assert np.all(np.diff(cells) > 0)  # row-major order, as documented
    assert set(np.unique(planted.votes).tolist()) == {-1, 0, 1}
    per_participant = np.bincount(planted.participants, minlength=500) / 400
    assert 0.05 < per_participant.mean() < 0.10
    assert per_participant.max() < 0.2 and per_participant.min() > 0.01
    assert planted.n_participants == 500 and planted.statements.max() < 400


def test_planted_votes_follow_the_group_sides():
    planted = bench.planted_votes(300, 200, agreement=1.0, pass_share=0.0, seed=2)
    # With full agreement, two members of a group never vote differently on a statement.
    sides = {}
    for participant, statement, vote in zip(
        planted.participants, planted.statements, planted.votes, strict=True
    ):
        key = (int(planted.truth[participant]), int(statement))
        assert sides.setdefault(key, int(vote)) == vote
    assert set(np.unique(planted.truth).tolist()) == {0, 1, 2}


def test_planted_votes_are_seeded():
    first, again = bench.planted_votes(200, 150, seed=7), bench.planted_votes(200, 150, seed=7)
    other = bench.planted_votes(200, 150, seed=8)
    np.testing.assert_array_equal(first.votes, again.votes)
    np.testing.assert_array_equal(first.statements, again.statements)
    assert not np.array_equal(first.truth, other.truth)


def test_the_planted_groups_are_recoverable():
    planted = bench.planted_votes(1000, 300, seed=1)
    analysis = bench.run_ours(planted.participants, planted.statements, planted.votes)
    groups = analysis.groups
    clustered = groups.group_labels >= 0
    ari = adjusted_rand_score(
        planted.truth[groups.participant_ids[clustered]], groups.group_labels[clustered]
    )
    assert groups.k == 3
    assert ari > 0.9, ari
    reference = bench.planted_reference(planted)
    assert bench.groups_ari(groups.participant_ids, groups.group_labels, reference) == ari


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_participants": 0, "n_statements": 10},
        {"n_participants": 10, "n_statements": 0},
        {"n_participants": 10, "n_statements": 10, "shares": (0.5, 0.0)},
        {"n_participants": 10, "n_statements": 10, "density": (0.2, 0.1)},
        {"n_participants": 10, "n_statements": 10, "density": (0.0, 0.1)},
        {"n_participants": 10, "n_statements": 10, "agreement": 0.95, "pass_share": 0.1},
    ],
)
def test_planted_votes_refuse_impossible_conversations(kwargs):
    with pytest.raises(ValueError):
        bench.planted_votes(**kwargs)


def test_about_one_vote_in_a_hundred_is_held_back_for_the_update():
    later = bench.held_back(200_000)
    assert 0.009 < later.mean() < 0.011
    np.testing.assert_array_equal(later, bench.held_back(200_000))


def test_variants_drop_one_word_of_their_comment():
    texts, origin = bench.varied_texts(["one two three", "four five"], 7)
    assert origin.tolist() == [0, 1, 0, 1, 0, 1, 0]
    assert texts[:2] == ["one two three", "four five"]
    assert texts[2] == "one three" and texts[4] == "one two" and texts[6] == "two three"
    assert texts[3] == "four"


# --- Memory -------------------------------------------------------------------------------------


def test_memory_is_measured_per_vote():
    planted = bench.planted_votes(600, 300, seed=5)
    memory = bench.memory_of_ours(planted)
    assert memory["votes"] == planted.n_votes
    # The matrix itself is made inside the traced section: the peak holds at least it.
    assert memory["peak_bytes"] >= memory["matrix_bytes"] >= planted.n_votes * 5
    assert memory["peak_bytes"] == max(memory["build_peak_bytes"], memory["analyse_peak_bytes"])
    assert memory["bytes_per_vote"] == round(memory["peak_bytes"] / planted.n_votes, 1)
    assert memory["dense_bytes"] == 600 * 300 * 8
    assert memory["peak_over_dense"] == round(memory["peak_bytes"] / (600 * 300 * 8), 3)
    assert memory["update"] == "first"


def test_memory_of_a_follow_up_update_is_measured_on_all_the_votes():
    planted = bench.planted_votes(600, 300, seed=5)
    memory = bench.memory_of_ours(planted, follow_up=True)
    assert memory["update"] == "follow-up"
    assert memory["votes"] == planted.n_votes
    assert memory["peak_bytes"] >= memory["matrix_bytes"] >= planted.n_votes * 5
    assert memory["bytes_per_vote"] == round(memory["peak_bytes"] / planted.n_votes, 1)


# --- red-dwarf at sizes it cannot handle --------------------------------------------------------


MEASURED = {"timing": {"wall_s": 40.0}, "rss_delta_bytes": 1_200_000_000}


def test_reddwarf_runs_where_nothing_was_measured_yet():
    assert bench.reddwarf_plan(None, (10, 10), (100, 100), 10**12) is None
    assert bench.reddwarf_plan(MEASURED, (10, 10), (10, 10), 10**9) is None


def test_reddwarf_is_skipped_when_its_memory_would_not_fit():
    reason = bench.reddwarf_plan(
        {"timing": {"wall_s": 1.0}, "rss_delta_bytes": 1_200_000_000},
        (10_000, 1_000),
        (100_000, 2_000),
        20_000_000_000,
    )
    assert reason is not None
    assert "24 GB" in reason and "20 GB are free" in reason and "min" not in reason


def test_reddwarf_is_skipped_when_it_would_take_too_long():
    reason = bench.reddwarf_plan(
        {"timing": {"wall_s": 40.0}, "rss_delta_bytes": 1_000},
        (10_000, 1_000),
        (100_000, 2_000),
        10**12,
    )
    assert reason is not None and "at least 13 min" in reason and "GB" not in reason
    both = bench.reddwarf_plan(MEASURED, (10_000, 1_000), (100_000, 2_000), 20_000_000_000)
    assert "GB" in both and "min" in both
    assert bench.reddwarf_plan(MEASURED, (10_000, 1_000), (11_000, 1_000), 10**12) is None


def test_reddwarf_is_skipped_after_a_smaller_run_did_not_finish():
    reason = bench.reddwarf_plan(
        {"skipped": "did not finish within 600 s"}, (10, 10), (100, 100), 10**12
    )
    assert reason is not None and "did not finish within 600 s" in reason


# --- Verdicts ----------------------------------------------------------------------------------


def report_with(cold_s: float, ratio: float | None, per_vote: list[float]) -> dict:
    timing = {"wall_s": cold_s, "cpu_s": cold_s, "runs": 3, "cores": 1.0}
    row = {"participants": 10_000, "statements": 1_000, "ours": {"cold": timing, "warm": timing}}
    if ratio is not None:
        row |= {"reddwarf_over_ours": ratio, "reddwarf_over_ours_cpu": ratio}
    return {
        "machine": {"nproc": 2},
        "real": [],
        "synthetic": [row],
        "memory": [
            {"bytes_per_vote": value, "peak_over_dense": 0.5, "dense_bytes": 80_000_000}
            for value in per_vote
        ],
    }


def test_the_targets_follow_the_numbers():
    met = bench.targets(report_with(1.5, 20.0, [77.0, 80.0]))
    assert [met[key]["met"] for key in ("speed", "speedup", "memory")] == [True, True, True]
    missed = bench.targets(report_with(2.5, 4.0, [50.0, 100.0]))
    assert [missed[key]["met"] for key in ("speed", "speedup", "memory")] == [False] * 3
    assert "NOT met" in missed["speed"]["verdict"] and "4.0x" in missed["speedup"]["verdict"]
    assert missed["memory"]["spread"] == 2.0
    unmeasured = bench.targets(report_with(1.0, None, [77.0]))
    assert unmeasured["speedup"]["met"] is None


def test_memory_as_large_as_the_dense_matrix_is_not_proportional_to_votes():
    report = report_with(1.0, 10.0, [77.0, 77.0])
    report["memory"][1]["peak_over_dense"] = 1.2
    assert bench.targets(report)["memory"]["met"] is False


# --- A quick run ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[int, str, dict]:
    output = tmp_path_factory.mktemp("deliberation") / "deliberation.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = bench.main(["--quick", "--output", str(output)])
    return status, printed.getvalue(), json.loads(output.read_text())


def test_a_quick_run_prints_every_row(quick_run):
    status, printed, report = quick_run
    assert status == 0
    lines = printed.splitlines()
    for name in CONVERSATIONS:
        assert any(line.strip().startswith(name) for line in lines), name
    for participants, statements in bench.QUICK_SIZES:
        size = f"{participants:,} × {statements:,}"
        assert sum(line.strip().startswith(size + " ") for line in lines) == 2, size
    wide = f"{bench.QUICK_SIZES[0][0]:,} × {4 * bench.QUICK_SIZES[0][1]:,}, same votes"
    assert any(line.strip().startswith(wide) for line in lines)
    for participants, statements in bench.QUICK_SIZES:
        follow_up = f"{participants:,} × {statements:,}, follow-up update "
        assert sum(line.strip().startswith(follow_up) for line in lines) == 1, follow_up
    assert any(line.split()[:1] == [str(report["encoder"]["sentences"])] for line in lines)
    assert any(line.split()[:1] == [str(report["topics"]["texts"])] for line in lines)
    targets = lines[lines.index("Targets:") + 1 : lines.index("Targets:") + 4]
    assert [line[:2] for line in targets] == ["- "] * 3


def test_a_quick_run_writes_the_json(quick_run):
    _status, _printed, report = quick_run
    assert {
        "benchmark", "timestamp", "quick", "machine", "real", "synthetic", "memory", "encoder",
        "topics", "targets", "elapsed_s",
    } <= set(report)  # fmt: skip
    assert report["quick"] is True
    assert [row["conversation"] for row in report["real"]] == list(CONVERSATIONS)
    for row in report["real"]:
        assert {"ours", "reddwarf", "reddwarf_over_ours", "ari_ours_vs_polis"} <= set(row)
        # The ratio is of the unrounded times; the JSON's times are rounded to 0.1 ms.
        assert row["reddwarf_over_ours"] == pytest.approx(
            row["reddwarf"]["wall_s"] / row["ours"]["wall_s"], rel=0.01
        )
    sizes = [(row["participants"], row["statements"]) for row in report["synthetic"]]
    assert sizes == list(bench.QUICK_SIZES)
    for row in report["synthetic"]:
        assert {"cold", "warm", "build", "ari_cold", "ari_warm", "rss_delta_bytes"} <= set(
            row["ours"]
        )
        assert row["ours"]["update_votes"] > 0
        assert "timing" in row["reddwarf"] or "skipped" in row["reddwarf"]
    assert len(report["memory"]) == 2 * len(bench.QUICK_SIZES) + 1
    for row in report["memory"]:
        assert row["bytes_per_vote"] == round(row["peak_bytes"] / row["votes"], 1)
    # Each size: its first update, then the follow-up one on the same votes.
    per_size = report["memory"][: 2 * len(bench.QUICK_SIZES)]
    for (participants, statements), first, follow_up in zip(
        bench.QUICK_SIZES, per_size[0::2], per_size[1::2], strict=True
    ):
        size = f"{participants:,} × {statements:,}"
        assert (first["case"], first["update"]) == (size, "first")
        assert (follow_up["case"], follow_up["update"]) == (
            f"{size}, follow-up update",
            "follow-up",
        )
        assert follow_up["votes"] == first["votes"]
    assert report["encoder"]["encoder_over_tokenizer"] > 0
    assert report["topics"]["topics"] >= 1
    assert set(report["targets"]) == {"speed", "speedup", "memory"}
    assert {"nproc", "load_average_at_start", "load_average_at_end", "blas"} <= set(
        report["machine"]
    )


def test_a_quick_run_measures_once_in_a_fresh_process_and_the_rest_in_its_own(quick_run):
    _status, _printed, report = quick_run
    measured = [row["ours"] for row in report["synthetic"]] + report["memory"]
    measured += [
        row["reddwarf"] for row in report["synthetic"] if "skipped" not in row["reddwarf"]
    ]
    # The first measurement, ours at the smallest size, ran as a child (the
    # path every measurement of a full run takes); its result came back whole.
    assert report["synthetic"][0]["ours"]["fresh_process"] is True
    assert sum(result["fresh_process"] for result in measured) == bench.QUICK_FRESH_PROCESSES
    assert {"cold", "warm", "ari_cold"} <= set(report["synthetic"][0]["ours"])

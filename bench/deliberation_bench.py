"""Benchmark: opinion groups against red-dwarf, sentence embeddings and topics (issue 5).

Everything runs on this machine in one run, and speed is read as a ratio to a
peer (red-dwarf, the Python port of Pol.is's method) or to a floor measured
in the same run:

- **Real conversations** (the Pol.is exports in ``../shared/data/polis``, or
  ``$PARTICIPAI_POLIS_DIR``, found as the tests find them): our
  ``VoteMatrix.from_arrays`` + ``analyse`` against red-dwarf's
  ``run_pipeline`` (projection, groups, representative and consensus
  statements, priorities: the same work) on the same final votes, median of
  ``--runs`` after one unmeasured run each; the adjusted Rand index (ARI) of
  each side's groups against Pol.is's own ``group-id``.
- **Synthetic conversations** with three planted opinion groups, each
  participant voting on 5-10 % of the statements (``planted_votes``), at
  10,000 x 1,000 and 100,000 x 2,000: our time for a first update (cold) and
  for the next one after 1 % more votes arrived (warm, from the first's state),
  red-dwarf's time, and the ARI of both against the planted groups. Each side
  runs in a fresh process. red-dwarf holds a dense participant x statement
  matrix (in pandas, from a list of vote dicts); a size where its memory or
  time, extrapolated from the smallest size, would exceed the machine or
  ``REDDWARF_MAX_SECONDS`` is not run, and the output says why.
- **Memory of ours**: the peak of ``tracemalloc`` (Python and numpy
  allocations) over ``from_arrays`` + ``analyse`` in a fresh process, per vote
  and against the size of a dense float64 matrix, for each size and for the
  smallest one with four times the statements and the same votes: memory
  grows with the votes, not with participants x statements. Each size also
  has a row for a follow-up update (1 % more votes, from the first update's
  state), the one the platform runs most often.
- **Sentence encoder**: sentences per second embedding the real comments of
  both conversations (repeated to ``--sentences``), against a floor, the same
  model's tokenizer alone on the same sentences, and the cores it kept busy.
- **Topics**: ``find_topics`` and ``near_duplicates`` on ``--texts`` texts
  (the real comments, repeated with small variations).

Prints the tables and whether each target of the issue is met (10,000 x 1,000
in under 2 s on 2 cores; at least 5 times faster than red-dwarf; memory in
proportion to the votes); writes everything to
``bench/results/deliberation.json``. Exit status 1 only on an error; a missed
target is printed, not an exit status. ``--quick`` runs tiny sizes (for the
tests), with one synthetic measurement in a fresh process and the others in
the benchmark's own (the JSON says which, ``fresh_process``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The tests' readers of the Pol.is exports (``tests.deliberation``) and the
# page benchmark's machine description (``bench/procurement_page``).
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.append(str(_path))

from tests.deliberation.polis_data import (  # noqa: E402
    CONVERSATIONS,
    ari_against,
    conversation,
    moderated_out,
    polis_groups,
)

from participai.deliberation.analysis import ConversationAnalysis, analyse  # noqa: E402
from participai.deliberation.votes import VoteMatrix  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "deliberation.json"

TARGET_SIZE = (10_000, 1_000)
TARGET_SECONDS = 2.0
TARGET_CORES = 2
TARGET_SPEEDUP = 5.0
MEMORY_SPREAD = 1.25
"""Memory counts as proportional to the votes when bytes per vote vary less than this."""

SIZES = ((10_000, 1_000), (100_000, 2_000))
QUICK_SIZES = ((400, 200), (800, 300))
QUICK_FRESH_PROCESSES = 1
"""Measurements of a ``--quick`` run that get a fresh process (the others run in-process)."""
DENSITY = (0.05, 0.10)
UPDATE_SHARE = 0.01
"""Share of the votes held back from the first update and added for the warm one."""
LARGE_VOTES = 5_000_000
"""Above this many votes ours is timed once (a run takes tens of seconds)."""
REDDWARF_MAX_SECONDS = 180.0
REDDWARF_MEMORY_SHARE = 0.8
"""red-dwarf is not run where its extrapolated memory exceeds this share of what is free."""

NOISE = 0.014
"""Per-dimension noise added to a comment's embedding to make a variant of it.

On 384 unit-length dimensions a variant keeps a cosine of about 0.96 with its
comment, and two variants of one comment about 0.93: near-duplicates at the
default 0.9 threshold, as reworded comments are."""


class BenchError(Exception):
    """A measurement could not be made (the run exits 1)."""


def log(message: str) -> None:
    print(f"[deliberation] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- synthetic votes


@dataclass(frozen=True)
class PlantedVotes:
    """Votes of a synthetic conversation, one entry per vote, with the planted groups.

    ``participants``, ``statements`` and ``votes`` are parallel arrays (ids
    ``0..n-1``, votes -1/0/1), at most one vote per cell, in row-major order;
    ``truth`` gives each participant's planted group (also for a participant
    who happened to cast no vote).
    """

    participants: np.ndarray
    statements: np.ndarray
    votes: np.ndarray
    truth: np.ndarray
    n_statements: int

    @property
    def n_participants(self) -> int:
        return len(self.truth)

    @property
    def n_votes(self) -> int:
        return len(self.votes)


def planted_votes(
    n_participants: int,
    n_statements: int,
    *,
    shares: Sequence[float] = (0.5, 0.3, 0.2),
    density: tuple[float, float] = DENSITY,
    agreement: float = 0.8,
    pass_share: float = 0.1,
    seed: int = 0,
) -> PlantedVotes:
    """A conversation whose participants fall in planted opinion groups.

    Each group (sizes in proportion to ``shares``) takes a random side, agree
    or disagree, on every statement. Each participant sees each statement with
    their own probability, drawn uniformly from ``density``, and votes their
    group's side with probability ``agreement``, passes with ``pass_share``
    and votes the other side otherwise. Deterministic for a given ``seed``.

    Three groups by default: three group centres lie in a plane, which the
    two-dimensional opinion map can show whole, so the planted groups are
    recoverable from the map (four random centres need three dimensions).
    Cells are drawn in blocks of rows, so the generator never holds the dense
    matrix. Raises ``ValueError`` on sizes below 1, shares that are not
    positive, or probabilities outside [0, 1].
    """
    if n_participants < 1 or n_statements < 1:
        raise ValueError("a conversation needs at least one participant and one statement")
    weights = np.asarray(shares, dtype=float)
    if weights.ndim != 1 or len(weights) < 1 or not (weights > 0).all():
        raise ValueError("shares must be one positive number per group")
    low, high = density
    if not 0 < low <= high <= 1:
        raise ValueError(f"density must be a range within (0, 1], got {density}")
    if not (0 <= agreement <= 1 and 0 <= pass_share <= 1 and agreement + pass_share <= 1):
        raise ValueError("agreement and pass_share must be probabilities summing to at most 1")

    rng = np.random.default_rng(seed)
    truth = rng.choice(len(weights), size=n_participants, p=weights / weights.sum())
    sides = rng.choice(np.array([-1, 1], dtype=np.int8), size=(len(weights), n_statements))
    rate = rng.uniform(low, high, size=n_participants)
    block = max(1, 4_000_000 // n_statements)
    rows, columns = [], []
    for start in range(0, n_participants, block):
        stop = min(start + block, n_participants)
        seen = rng.random((stop - start, n_statements)) < rate[start:stop, None]
        block_rows, block_columns = np.nonzero(seen)
        rows.append(block_rows + start)
        columns.append(block_columns)
    participants = np.concatenate(rows).astype(np.int64)
    statements = np.concatenate(columns).astype(np.int64)
    draw = rng.random(len(participants))
    side = sides[truth[participants], statements]
    votes = np.where(draw < agreement, side, np.where(draw < agreement + pass_share, 0, -side))
    return PlantedVotes(participants, statements, votes.astype(np.int8), truth, n_statements)


def held_back(n_votes: int, share: float = UPDATE_SHARE, seed: int = 0) -> np.ndarray:
    """Mask of the votes that arrive after the first update (``share`` of them, at random)."""
    return np.random.default_rng([seed, 1]).random(n_votes) < share


def save_votes(planted: PlantedVotes, path: Path) -> None:
    np.savez(
        path,
        participants=planted.participants,
        statements=planted.statements,
        votes=planted.votes,
        truth=planted.truth,
        n_statements=planted.n_statements,
    )


def load_votes(path: Path) -> PlantedVotes:
    with np.load(path) as data:
        return PlantedVotes(
            data["participants"],
            data["statements"],
            data["votes"],
            data["truth"],
            int(data["n_statements"]),
        )


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU seconds (CPU: every thread of the process) over ``runs``."""

    wall_s: float
    cpu_s: float
    runs: int

    @property
    def cores(self) -> float:
        """Cores kept busy on average: CPU time over wall time."""
        return self.cpu_s / self.wall_s if self.wall_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall_s, 4),
            "cpu_s": round(self.cpu_s, 4),
            "runs": self.runs,
            "cores": round(self.cores, 2),
        }


def timed(function: Callable[[], Any], runs: int) -> tuple[Timing, Any]:
    """Call ``function`` ``runs`` times; the median timings and the last result."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return Timing(statistics.median(walls), statistics.median(cpus), runs), result


def run_ours(
    participants: np.ndarray,
    statements: np.ndarray,
    votes: np.ndarray,
    *,
    moderated_out: Sequence[Any] = (),
    previous: Any = None,
) -> ConversationAnalysis:
    """What an update of the platform computes: the matrix from the votes, then ``analyse``."""
    matrix = VoteMatrix.from_arrays(participants, statements, votes)
    return analyse(matrix, moderated_out=moderated_out, previous=previous)


def reddwarf_votes(
    participants: np.ndarray, statements: np.ndarray, votes: np.ndarray
) -> list[dict[str, int]]:
    """The same votes in red-dwarf's input form, a list of vote dicts (not timed)."""
    return [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": 0}
        for p, s, v in zip(participants.tolist(), statements.tolist(), votes.tolist(), strict=True)
    ]


def reddwarf_pipeline() -> Callable[..., Any]:
    """red-dwarf's ``run_pipeline``, imported before any timing (the import takes seconds)."""
    with warnings.catch_warnings():
        # red-dwarf's pydantic models warn on import; not ours to fix.
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

    return run_pipeline


def run_reddwarf(
    votes: list[dict[str, int]], moderated_out: Sequence[int] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """red-dwarf's whole pipeline on ``votes``; the clustered participant ids and their groups."""
    run_pipeline = reddwarf_pipeline()
    with warnings.catch_warnings():
        # red-dwarf's pandas calls warn; not ours to fix.
        warnings.simplefilter("ignore")
        result = run_pipeline(
            votes=votes, mod_out_statement_ids=list(moderated_out), random_state=0
        )
    labels = result.participants_df["cluster_id"]
    clustered = labels.notna().to_numpy()
    return (
        labels.index.to_numpy()[clustered].astype(np.int64),
        labels[clustered].astype(int).to_numpy(),
    )


def groups_ari(ids: np.ndarray, labels: np.ndarray, reference: dict[int, int]) -> float:
    """ARI of ``labels`` (-1: not clustered) against ``reference``, over both sides' clustered.

    The tests' own measure (``tests/deliberation/polis_data.py``).
    """
    ari, _ = ari_against(labels, ids, reference)
    return float(ari)


def planted_reference(planted: PlantedVotes) -> dict[int, int]:
    return dict(enumerate(planted.truth.tolist()))


def dense_bytes(n_participants: int, n_statements: int) -> int:
    """Size of the participant x statement matrix as float64, as red-dwarf holds it."""
    return n_participants * n_statements * 8


def memory_of_ours(planted: PlantedVotes, *, follow_up: bool = False) -> dict[str, Any]:
    """Peak traced memory of ``from_arrays`` + ``analyse`` on ``planted``, per vote.

    With ``follow_up``, the update measured is the one the platform runs on
    each new batch of votes: the first update is made without the held-back
    votes (untraced), then ``from_arrays`` on all the votes and ``analyse``
    from the first update's state are traced. ``tracemalloc`` sees Python
    objects and numpy's arrays (not BLAS's own work buffers); the input
    arrays, and the previous state, exist before tracing starts and are not
    counted. The build's peak is given apart, as is the vote matrix it makes.
    """
    previous = None
    if follow_up:
        later = held_back(planted.n_votes)
        first = ~later
        previous = run_ours(
            planted.participants[first], planted.statements[first], planted.votes[first]
        ).state
    gc.collect()
    tracemalloc.start()
    try:
        matrix = VoteMatrix.from_arrays(planted.participants, planted.statements, planted.votes)
        _, build_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        analyse(matrix, previous=previous)
        _, analyse_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    votes = matrix.votes
    peak = max(build_peak, analyse_peak)
    dense = dense_bytes(planted.n_participants, planted.n_statements)
    return {
        "update": "follow-up" if follow_up else "first",
        "participants": planted.n_participants,
        "statements": planted.n_statements,
        "votes": matrix.n_votes,
        "peak_bytes": peak,
        "build_peak_bytes": build_peak,
        "analyse_peak_bytes": analyse_peak,
        "matrix_bytes": votes.data.nbytes + votes.indices.nbytes + votes.indptr.nbytes,
        "bytes_per_vote": round(peak / max(matrix.n_votes, 1), 1),
        "dense_bytes": dense,
        "peak_over_dense": round(peak / dense, 3),
    }


def _rss_bytes() -> int:
    """Resident memory of this process now (Linux ``/proc/self/statm``)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    return 0


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def available_memory_bytes() -> int | None:
    """Memory the kernel says is available (``MemAvailable``), or None off Linux."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        line = next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemAvailable:")
        )
        return int(line.split()[1]) * 1024
    return None


# --------------------------------------------------------------------------- child processes


def child_ours(planted: PlantedVotes, runs: int) -> dict[str, Any]:
    """Cold and warm updates of ours, their ARI against the planted groups, and RSS growth."""
    later = held_back(planted.n_votes)
    first = ~later
    before = _rss_bytes()
    arrays = (planted.participants[first], planted.statements[first], planted.votes[first])
    cold, cold_result = timed(lambda: run_ours(*arrays), 1)
    rss_delta = max(0, _max_rss_bytes() - before)
    if runs > 1:
        cold, cold_result = timed(lambda: run_ours(*arrays), runs)
    previous = cold_result.state
    warm, warm_result = timed(
        lambda: run_ours(
            planted.participants, planted.statements, planted.votes, previous=previous
        ),
        runs,
    )
    build, _ = timed(
        lambda: VoteMatrix.from_arrays(planted.participants, planted.statements, planted.votes),
        runs,
    )
    reference = planted_reference(planted)
    groups = warm_result.groups
    return {
        "cold": cold.to_dict(),
        "warm": warm.to_dict(),
        "build": build.to_dict(),
        "update_votes": int(later.sum()),
        "rss_delta_bytes": rss_delta,
        "k": groups.k,
        "clustered": int(groups.in_conversation.sum()),
        "ari_cold": round(
            groups_ari(
                cold_result.groups.participant_ids, cold_result.groups.group_labels, reference
            ),
            4,
        ),
        "ari_warm": round(groups_ari(groups.participant_ids, groups.group_labels, reference), 4),
    }


def child_reddwarf(planted: PlantedVotes, runs: int) -> dict[str, Any]:
    """red-dwarf on all the votes: time, ARI against the planted groups, and RSS growth."""
    votes = reddwarf_votes(planted.participants, planted.statements, planted.votes)
    reddwarf_pipeline()
    before = _rss_bytes()
    timing, (ids, labels) = timed(lambda: run_reddwarf(votes), runs)
    return {
        "timing": timing.to_dict(),
        "rss_delta_bytes": max(0, _max_rss_bytes() - before),
        "k": len(np.unique(labels)),
        "clustered": len(ids),
        "ari": round(groups_ari(ids, labels, planted_reference(planted)), 4),
    }


CHILD_TASKS: dict[str, Callable[[PlantedVotes, int], dict[str, Any]]] = {
    "ours": child_ours,
    "reddwarf": child_reddwarf,
    "memory": lambda planted, runs: memory_of_ours(planted),
    "memory_follow_up": lambda planted, runs: memory_of_ours(planted, follow_up=True),
}


def in_child(task: str, data: Path, runs: int, timeout: float | None) -> dict[str, Any]:
    """Run ``task`` on the votes saved in ``data`` in a fresh Python process.

    A fresh process gives each measurement the same start (no memory left over
    from the last one, nothing cached). Raises ``subprocess.TimeoutExpired``
    when it runs past ``timeout``, ``BenchError`` when it fails. The result
    says ``"fresh_process": True``.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--child", task]
    command += ["--data", str(data), "--runs", str(runs)]
    process = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
    )
    if process.returncode != 0:
        raise BenchError(f"{task} on {data.name} failed:\n{process.stderr.strip()}")
    try:
        result = json.loads(process.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"{task} on {data.name} printed no result: {process.stdout!r}") from None
    return result | {"fresh_process": True}


def in_this_process(task: str, data: Path, runs: int) -> dict[str, Any]:
    """Run ``task`` on the votes saved in ``data`` here, as :func:`in_child` would in a child.

    For ``--quick`` runs, whose tiny matrices take far less time than a fresh
    interpreter's imports; no timeout, and the resident-memory growth a task
    reports is this process's (meaningless here). The result says
    ``"fresh_process": False``.
    """
    return CHILD_TASKS[task](load_votes(data), runs) | {"fresh_process": False}


def reddwarf_plan(
    measured: dict[str, Any] | None,
    measured_size: tuple[int, int],
    size: tuple[int, int],
    available: int | None,
) -> str | None:
    """Why red-dwarf is not run at ``size`` (None: run it), from its run at ``measured_size``.

    red-dwarf's memory and time grow at least with participants x statements
    (its dense matrix), so both are extrapolated in that proportion from the
    smaller run; its silhouette over all participants grows with their square,
    so the time is a lower bound. Skipped when the memory would exceed
    ``REDDWARF_MEMORY_SHARE`` of ``available`` or the time
    ``REDDWARF_MAX_SECONDS``, or when the smaller run did not finish; always
    run when nothing was measured before. The dict of vote records red-dwarf
    takes as input also grows with the votes and is left out, so the memory
    is a lower bound as well.
    """
    if measured is None or size == measured_size:
        return None
    if "timing" not in measured:
        return f"it was not measured at {_size(measured_size)} ({measured.get('skipped')})"
    scale = (size[0] * size[1]) / (measured_size[0] * measured_size[1])
    memory = measured["rss_delta_bytes"] * scale
    seconds = measured["timing"]["wall_s"] * scale
    reasons = []
    if available is not None and memory > REDDWARF_MEMORY_SHARE * available:
        reasons.append(
            f"its dense matrix would need about {memory / 1e9:.0f} GB ({scale:.0f} times the "
            f"{measured['rss_delta_bytes'] / 1e9:.1f} GB it took at {_size(measured_size)}) "
            f"and {available / 1e9:.0f} GB are free"
        )
    if seconds > REDDWARF_MAX_SECONDS:
        reasons.append(
            f"it would take at least {seconds / 60:.0f} min ({scale:.0f} times its "
            f"{measured['timing']['wall_s']:.0f} s at {_size(measured_size)}; "
            f"limit {REDDWARF_MAX_SECONDS:.0f} s)"
        )
    return "; ".join(reasons) or None


# --------------------------------------------------------------------------- the measurements


def bench_real(runs: int) -> list[dict[str, Any]]:
    """Ours against red-dwarf on each real Pol.is conversation, with ARI against Pol.is."""
    from participai.deliberation.polis_csv import read_polis_votes

    rows = []
    for name in CONVERSATIONS:
        matrix = read_polis_votes(conversation(name) / "votes.csv")
        participants = np.repeat(matrix.participant_ids, matrix.votes_per_participant())
        statements = matrix.statement_ids[matrix.votes.indices]
        votes = matrix.votes.data
        mod_out = moderated_out(name)
        reference = polis_groups(name)
        log(f"{name}: ours")

        def ours(
            participants: np.ndarray = participants,
            statements: np.ndarray = statements,
            votes: np.ndarray = votes,
            mod_out: list[int] = mod_out,
        ) -> ConversationAnalysis:
            return run_ours(participants, statements, votes, moderated_out=mod_out)

        ours()  # unmeasured: first-use costs (lazy imports, BLAS start-up)
        our_timing, analysis = timed(ours, runs)
        log(f"{name}: red-dwarf")
        dicts = reddwarf_votes(participants, statements, votes)
        run_reddwarf(dicts, mod_out)
        their_timing, (their_ids, their_labels) = timed(
            lambda dicts=dicts, mod_out=mod_out: run_reddwarf(dicts, mod_out), runs
        )
        groups = analysis.groups
        rows.append(
            {
                "conversation": name,
                "participants": matrix.n_participants,
                "statements": matrix.n_statements,
                "votes": matrix.n_votes,
                "ours": our_timing.to_dict(),
                "reddwarf": their_timing.to_dict(),
                "reddwarf_over_ours": round(their_timing.wall_s / our_timing.wall_s, 2),
                "reddwarf_over_ours_cpu": round(their_timing.cpu_s / our_timing.cpu_s, 2),
                "ari_ours_vs_polis": round(
                    groups_ari(groups.participant_ids, groups.group_labels, reference), 4
                ),
                "ari_reddwarf_vs_polis": round(groups_ari(their_ids, their_labels, reference), 4),
                "k_ours": groups.k,
                "k_reddwarf": len(np.unique(their_labels)),
                "k_polis": len(set(reference.values())),
            }
        )
    return rows


def bench_synthetic(
    sizes: Sequence[tuple[int, int]],
    runs: int,
    workdir: Path,
    seed: int,
    timeout: float,
    *,
    fresh_processes: int | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ours (cold and warm) and red-dwarf on planted conversations; the memory of ours.

    Each size, and the smallest with four times the statements and the same
    votes per participant (for the memory), is generated once, saved in
    ``workdir`` and measured by fresh processes; the memory of ours is
    measured for a first update and for a follow-up one. With
    ``fresh_processes`` set, only that many measurements (the first ones) get
    a fresh process and the others run in this one (``--quick``).
    """
    synthetic, memory = [], []
    spawned = 0

    def measure(task: str, data: Path, task_runs: int, limit: float | None) -> dict[str, Any]:
        nonlocal spawned
        if fresh_processes is not None and spawned >= fresh_processes:
            return in_this_process(task, data, task_runs)
        spawned += 1
        return in_child(task, data, task_runs, limit)

    smallest = min(sizes, key=lambda size: size[0] * size[1])
    reddwarf_base: dict[str, Any] | None = None
    available = available_memory_bytes()
    for size in sorted(sizes, key=lambda size: size[0] * size[1]):
        n_participants, n_statements = size
        log(f"{_size(size)}: generating")
        planted = planted_votes(n_participants, n_statements, seed=seed)
        data = workdir / f"votes-{n_participants}x{n_statements}.npz"
        save_votes(planted, data)
        our_runs = runs if planted.n_votes <= LARGE_VOTES else 1
        log(f"{_size(size)}: ours, {planted.n_votes:,} votes")
        ours = measure("ours", data, our_runs, None)
        log(f"{_size(size)}: memory of ours")
        memory.append({"case": _size(size)} | measure("memory", data, 1, None))
        log(f"{_size(size)}: memory of ours, follow-up update")
        memory.append(
            {"case": f"{_size(size)}, follow-up update"}
            | measure("memory_follow_up", data, 1, None)
        )
        row: dict[str, Any] = {
            "participants": n_participants,
            "statements": n_statements,
            "votes": planted.n_votes,
            "ours": ours,
        }
        skip = reddwarf_plan(reddwarf_base, smallest, size, available)
        if skip is None:
            log(f"{_size(size)}: red-dwarf")
            try:
                theirs = measure("reddwarf", data, 1, timeout)
            except subprocess.TimeoutExpired:
                theirs = {"skipped": f"did not finish within {timeout:.0f} s"}
            if size == smallest:
                reddwarf_base = theirs
        else:
            theirs = {"skipped": skip}
        row["reddwarf"] = theirs
        if "timing" in theirs:
            row["reddwarf_over_ours"] = round(
                theirs["timing"]["wall_s"] / ours["cold"]["wall_s"], 2
            )
            row["reddwarf_over_ours_cpu"] = round(
                theirs["timing"]["cpu_s"] / ours["cold"]["cpu_s"], 2
            )
        synthetic.append(row)
        data.unlink()

    # Same votes per participant over four times the statements: the dense
    # matrix grows fourfold, the votes do not.
    n_participants, n_statements = smallest
    wide = planted_votes(
        n_participants,
        4 * n_statements,
        density=(DENSITY[0] / 4, DENSITY[1] / 4),
        seed=seed,
    )
    data = workdir / "votes-wide.npz"
    save_votes(wide, data)
    log(f"{_size((n_participants, 4 * n_statements))} (same votes): memory of ours")
    memory.append(
        {"case": f"{_size((n_participants, 4 * n_statements))}, same votes"}
        | measure("memory", data, 1, None)
    )
    data.unlink()
    return synthetic, memory


def comment_texts() -> list[str]:
    """The comments of both real conversations, in file order (blank ones left out)."""
    from participai.deliberation.polis_csv import read_polis_comments

    return [
        comment.text
        for name in CONVERSATIONS
        for comment in read_polis_comments(conversation(name) / "comments.csv")
        if comment.text.strip()
    ]


def repeated(texts: Sequence[str], count: int) -> list[str]:
    """``texts`` cycled to ``count`` items."""
    if not texts:
        raise ValueError("no texts to repeat")
    return [texts[i % len(texts)] for i in range(count)]


def bench_encoder(sentences: int, runs: int) -> dict[str, Any]:
    """Encoder throughput on the real comments against the tokenizer alone (the floor)."""
    from participai.deliberation.encoder import SentenceEncoder

    texts = repeated(comment_texts(), sentences)
    load, encoder = timed(SentenceEncoder, 1)
    encoder.encode(texts[:64])  # unmeasured: first-use costs

    def tokenize() -> list[Any]:
        # Exactly the encoder's first step, with its settings (truncation at 256).
        return encoder.tokenizer.encode_batch(texts, add_special_tokens=True)

    tokenize()
    floor, encodings = timed(tokenize, max(runs, 3))
    encoding, embeddings = timed(lambda: encoder.encode(texts), 1)
    if embeddings.shape != (len(texts), 384):
        raise BenchError(f"the encoder returned shape {embeddings.shape}")
    return {
        "sentences": len(texts),
        "distinct": len(set(texts)),
        "tokens_per_sentence": round(float(np.mean([len(e.ids) for e in encodings])), 1),
        "load": load.to_dict(),
        "encoder": encoding.to_dict(),
        "tokenizer": floor.to_dict(),
        "encoder_per_second": round(len(texts) / encoding.wall_s, 1),
        "tokenizer_per_second": round(len(texts) / floor.wall_s),
        "encoder_over_tokenizer": round(encoding.wall_s / floor.wall_s, 1),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }


def varied_texts(texts: Sequence[str], count: int) -> tuple[list[str], np.ndarray]:
    """``count`` texts: each of ``texts`` in turn, later copies with one word left out.

    Returns the texts and, for each, the index of the text it varies.
    """
    if not texts:
        raise ValueError("no texts to vary")
    origin = np.arange(count) % len(texts)
    varied = []
    for position, index in enumerate(origin):
        words = texts[index].split()
        copy = position // len(texts)
        if copy and len(words) > 1:
            words = words[: copy % len(words)] + words[copy % len(words) + 1 :]
        varied.append(" ".join(words))
    return varied, origin


def bench_topics(count: int, seed: int) -> dict[str, Any]:
    """``find_topics`` and ``near_duplicates`` on ``count`` varied comments.

    The distinct real comments are encoded once; each variant's embedding is
    its comment's plus Gaussian noise (``NOISE`` per dimension), so ``count``
    texts need not all be encoded (the encoder's rate is measured apart).
    """
    from participai.deliberation.encoder import default_encoder
    from participai.deliberation.topics import find_topics, near_duplicates

    base = comment_texts()[:count]
    texts, origin = varied_texts(base, count)
    encoding, base_embeddings = timed(lambda: default_encoder().encode(base), 1)
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, NOISE, size=(count, base_embeddings.shape[1])).astype(np.float32)
    embeddings = base_embeddings[origin] + noise
    clustering, topics = timed(lambda: find_topics(texts, embeddings, seed=seed), 1)
    duplicates, pairs = timed(lambda: near_duplicates(embeddings), 1)
    total = clustering.wall_s + duplicates.wall_s
    return {
        "texts": count,
        "distinct_comments": len(base),
        "embeddings": (
            f"the {len(base)} real comments encoded once "
            f"({encoding.wall_s:.1f} s); each text's embedding is its comment's plus "
            f"Gaussian noise (sd {NOISE} per dimension)"
        ),
        "find_topics": clustering.to_dict(),
        "near_duplicates": duplicates.to_dict(),
        "texts_per_second": round(count / total),
        "topics": len(topics),
        "other_pool": sum(topic.count for topic in topics if topic.is_other),
        "pairs": len(pairs),
    }


# --------------------------------------------------------------------------- verdicts and table


def targets(report: dict[str, Any]) -> dict[str, Any]:
    """Whether the issue's targets are met, each with the sentence that says so."""
    cores = report["machine"].get("nproc")
    target_row = next(
        (
            row
            for row in report["synthetic"]
            if (row["participants"], row["statements"]) == TARGET_SIZE
        ),
        None,
    )
    result: dict[str, Any] = {}
    if target_row is None:
        result["speed"] = {"met": None, "verdict": f"{_size(TARGET_SIZE)} not measured"}
        result["speedup"] = {"met": None, "verdict": f"{_size(TARGET_SIZE)} not measured"}
    else:
        cold = target_row["ours"]["cold"]
        met = cold["wall_s"] < TARGET_SECONDS
        note = "" if cores == TARGET_CORES else f" (this machine has {cores} cores, not 2)"
        result["speed"] = {
            "met": met,
            "verdict": (
                f"{_size(TARGET_SIZE)} in {cold['wall_s']:.2f} s (first update; "
                f"{target_row['ours']['warm']['wall_s']:.2f} s the next; "
                f"{cold['cpu_s']:.2f} s CPU) on {cores} cores{note}; target under "
                f"{TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'}"
            ),
        }
        ratio = target_row.get("reddwarf_over_ours")
        if ratio is None:
            result["speedup"] = {
                "met": None,
                "verdict": f"red-dwarf not measured at {_size(TARGET_SIZE)}",
            }
        else:
            met = ratio >= TARGET_SPEEDUP
            real = ", ".join(
                f"{row['conversation']} {row['reddwarf_over_ours']:.1f}x" for row in report["real"]
            )
            result["speedup"] = {
                "met": met,
                "verdict": (
                    f"{ratio:.1f}x faster than red-dwarf at {_size(TARGET_SIZE)} "
                    f"({target_row['reddwarf_over_ours_cpu']:.1f}x in CPU time); target at "
                    f"least {TARGET_SPEEDUP:.0f}x: {'met' if met else 'NOT met'}"
                    + (f" (real conversations: {real})" if real else "")
                ),
            }
    per_vote = [row["bytes_per_vote"] for row in report["memory"]]
    over_dense = [row["peak_over_dense"] for row in report["memory"]]
    spread = max(per_vote) / min(per_vote) if per_vote else None
    met = spread is not None and spread <= MEMORY_SPREAD and max(over_dense) < 1
    result["memory"] = {
        "met": met,
        "spread": None if spread is None else round(spread, 3),
        "verdict": (
            f"peak {_span(per_vote, '.0f')} bytes per vote over matrices of "
            f"{_span([row['dense_bytes'] / 1e6 for row in report['memory']], ',.0f')} MB dense "
            f"(peak {_span(over_dense, '.2f')} of the dense size); "
            f"proportional to the votes (within {MEMORY_SPREAD - 1:.0%}): "
            f"{'met' if met else 'NOT met'}"
        )
        if per_vote
        else "not measured",
    }
    return result


def _span(values: list[float], spec: str) -> str:
    low, high = format(min(values), spec), format(max(values), spec)
    return low if low == high else f"{low}-{high}"


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]:,} × {size[1]:,}"


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f}"


def _seconds(timing: dict[str, Any]) -> str:
    return f"{timing['wall_s']:.3f}" if timing["wall_s"] < 10 else f"{timing['wall_s']:.1f}"


def format_report(report: dict[str, Any]) -> str:
    """The tables and verdicts, as printed."""
    lines: list[str] = []

    def table(title: str, header: list[str], rows: list[list[str]], note: str = "") -> None:
        widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
        lines.extend(["", title])
        lines.append(
            "  ".join(cell.rjust(width) for cell, width in zip(header, widths, strict=True))
        )
        lines.append("-" * len(lines[-1]))
        for row in rows:
            lines.append("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if note:
            lines.append(note)

    table(
        "Opinion groups, real Pol.is conversations (same votes; wall seconds, median)",
        ["conversation", "participants", "statements", "votes", "ours s", "red-dwarf s",
         "red-dwarf/ours", "ARI ours", "ARI red-dwarf", "k ours/red-dwarf/Pol.is"],
        [
            [row["conversation"], f"{row['participants']:,}", f"{row['statements']:,}",
             f"{row['votes']:,}", _seconds(row["ours"]), _seconds(row["reddwarf"]),
             f"{row['reddwarf_over_ours']:.1f}", f"{row['ari_ours_vs_polis']:.2f}",
             f"{row['ari_reddwarf_vs_polis']:.2f}",
             f"{row['k_ours']}/{row['k_reddwarf']}/{row['k_polis']}"]
            for row in report["real"]
        ],
        "ours: VoteMatrix.from_arrays + analyse; red-dwarf: run_pipeline; ARI against "
        "Pol.is's group-id, over the participants both clustered.",
    )  # fmt: skip
    rows, skipped = [], []
    for row in report["synthetic"]:
        ours, theirs = row["ours"], row["reddwarf"]
        size = _size((row["participants"], row["statements"]))
        if "skipped" in theirs:
            skipped.append(f"red-dwarf at {size} not run: {theirs['skipped']}.")
        rows.append(
            [size, f"{row['votes']:,}", _seconds(ours["cold"]), _seconds(ours["warm"]),
             f"{ours['cold']['runs']}",
             _seconds(theirs["timing"]) if "timing" in theirs else "not run",
             f"{row['reddwarf_over_ours']:.1f}" if "reddwarf_over_ours" in row else "-",
             f"{ours['ari_cold']:.3f}",
             f"{theirs['ari']:.3f}" if "ari" in theirs else "-",
             f"{ours['k']}/{theirs.get('k', '-')}"]
        )  # fmt: skip
    table(
        "Opinion groups, synthetic: 3 planted groups, 5-10 % of statements voted per "
        "participant (wall seconds)",
        ["size", "votes", "ours cold s", "ours warm s", "runs", "red-dwarf s",
         "red-dwarf/ours", "ARI ours", "ARI red-dwarf", "k ours/red-dwarf"],
        rows,
        "\n".join(
            ["cold: first update; warm: the next, 1 % more votes, from the first's state "
             "(median of runs); red-dwarf: one run; ARI against the planted groups.",
             *skipped]
        ),
    )  # fmt: skip
    reddwarf_rss = [
        f"red-dwarf's resident memory grew {_mb(row['reddwarf']['rss_delta_bytes'])} MB at "
        f"{_size((row['participants'], row['statements']))}."
        for row in report["synthetic"]
        if "rss_delta_bytes" in row["reddwarf"]
    ]
    # Resident memory means something only for a measurement in a fresh process.
    our_rss = {
        _size((row["participants"], row["statements"])): row["ours"]["rss_delta_bytes"]
        for row in report["synthetic"]
        if row["ours"].get("fresh_process", True)
    }
    table(
        "Memory of ours (tracemalloc peak of from_arrays + analyse, fresh process)",
        ["case", "votes", "peak MB", "bytes/vote", "dense float64 MB", "peak/dense",
         "RSS growth MB"],
        [
            [row["case"], f"{row['votes']:,}", _mb(row["peak_bytes"]),
             f"{row['bytes_per_vote']:.0f}", _mb(row["dense_bytes"]),
             f"{row['peak_over_dense']:.2f}",
             _mb(our_rss[row["case"]]) if row["case"] in our_rss else "-"]
            for row in report["memory"]
        ],
        "\n".join(
            ["follow-up update: from_arrays on all the votes + analyse from the state of a "
             "first update made without the last 1 %.", *reddwarf_rss]
        ),
    )  # fmt: skip
    encoder = report["encoder"]
    table(
        "Sentence encoder (all-MiniLM-L6-v2 in numpy) on the real comments, against the "
        "tokenizer alone",
        ["sentences", "tokens/sentence", "encoder s", "sentences/s", "tokenizer s",
         "tokenizer sentences/s", "encoder/tokenizer", "cores busy", "cores"],
        [[f"{encoder['sentences']:,}", f"{encoder['tokens_per_sentence']:.0f}",
          _seconds(encoder["encoder"]), f"{encoder['encoder_per_second']:,.0f}",
          _seconds(encoder["tokenizer"]), f"{encoder['tokenizer_per_second']:,}",
          f"{encoder['encoder_over_tokenizer']:,.0f}", f"{encoder['encoder']['cores']:.2f}",
          f"{encoder['cores']}"]],
    )  # fmt: skip
    topics = report["topics"]
    encoding_s = topics["texts"] / encoder["encoder_per_second"]
    table(
        f"Topics of {topics['texts']:,} texts",
        ["texts", "find_topics s", "near_duplicates s", "texts/s", "topics", "in Other",
         "near-duplicate pairs"],
        [[f"{topics['texts']:,}", _seconds(topics["find_topics"]),
          _seconds(topics["near_duplicates"]), f"{topics['texts_per_second']:,}",
          f"{topics['topics']}", f"{topics['other_pool']:,}", f"{topics['pairs']:,}"]],
        f"embeddings: {topics['embeddings']}; encoding all {topics['texts']:,} texts at the "
        f"encoder's rate above would take {encoding_s:,.0f} s.",
    )  # fmt: skip
    lines.extend(["", "Targets:"])
    for key in ("speed", "speedup", "memory"):
        lines.append(f"- {report['targets'][key]['verdict']}.")
    machine = report["machine"]
    load = machine["load_average_at_start"][0], machine["load_average_at_end"][0]
    lines.append(
        f"Machine: {machine.get('nproc')} cores ({machine.get('cpu_model', 'unknown CPU')}), "
        f"load average {load[0]:.1f} at the start and {load[1]:.1f} at the end."
    )
    if max(load) > (machine.get("nproc") or 1):
        lines.append(
            "Note: the machine was busy (load above its cores): wall times are inflated; "
            "CPU times and the ratios, measured in the same run, hold up better."
        )
    return "\n".join(lines)


def describe_machine() -> dict[str, Any]:
    """The page benchmark's machine description, with the numeric libraries and BLAS."""
    from threadpoolctl import threadpool_info

    from procurement_page.report import machine

    info = machine()
    for package in ("numpy", "scipy", "scikit-learn", "red-dwarf", "tokenizers", "pandas"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    info["blas"] = [
        {"api": pool.get("internal_api"), "threads": pool.get("num_threads")}
        for pool in threadpool_info()
    ]
    return info


# --------------------------------------------------------------------------- the run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the tests")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--sentences", type=int, default=2000, help="sentences to encode")
    parser.add_argument("--texts", type=int, default=10_000, help="texts to cluster")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--reddwarf-timeout",
        type=float,
        default=600.0,
        help="seconds before a red-dwarf run on synthetic votes is abandoned",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", choices=sorted(CHILD_TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.quick:
        args.runs = 1
        args.sentences = min(args.sentences, 64)
        args.texts = min(args.texts, 120)
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement; the report (also written to ``args.output``)."""
    began = time.monotonic()
    report: dict[str, Any] = {
        "benchmark": "deliberation",
        "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {"load_average_at_start": [round(v, 2) for v in os.getloadavg()]},
    }
    report["real"] = bench_real(args.runs)
    sizes = QUICK_SIZES if args.quick else SIZES
    with tempfile.TemporaryDirectory(prefix="deliberation-bench-") as workdir:
        report["synthetic"], report["memory"] = bench_synthetic(
            sizes,
            args.runs,
            Path(workdir),
            args.seed,
            args.reddwarf_timeout,
            # Quick: one fresh process keeps that path tested; the rest would
            # spend seconds on imports each for matrices measured in a blink.
            fresh_processes=QUICK_FRESH_PROCESSES if args.quick else None,
        )
    log("encoder")
    report["encoder"] = bench_encoder(args.sentences, args.runs)
    log("topics")
    report["topics"] = bench_topics(args.texts, args.seed)
    report["machine"] = describe_machine() | report["machine"]
    report["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    report["targets"] = targets(report)
    report["elapsed_s"] = round(time.monotonic() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        if args.data is None:
            print("--child needs --data", file=sys.stderr)
            return 2
        print(json.dumps(CHILD_TASKS[args.child](load_votes(args.data), args.runs)))
        return 0
    try:
        report = run(args)
    except BenchError as error:
        log(f"FAILED: {error}")
        return 1
    print(format_report(report))
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nResults written to {shown} ({report['elapsed_s']:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The real Pol.is conversations: our groups against Pol.is's and red-dwarf's.

Agreement is the adjusted Rand index (ARI, 1 = same partition, 0 = chance) over
the participants both sides clustered; it is printed (``pytest -s``) and
checked against a floor a little under the level reached with the default
seed, so that a change that loses agreement fails.

Why not 1. An export carries no history: Pol.is's groups come out of years of
updates, each warm-started from the last (base-cluster centres, k-means
centres per group count, the group-count smoother), and the rule for who is
clustered changed over time. Our run starts cold from the final votes.

- 15-per-hour-seattle: the same 138 participants are clustered, both sides
  find 2 groups; ARI 0.88 (seed 0; 0.86-0.88 over seeds 0-9), i.e. a few
  participants near the boundary differ. Floor 0.85: one more flip.
- football-concussions: Pol.is clustered 1,434 participants, 842 of them with
  fewer than 7 votes (everyone who joined before 2018 is in a group, an older
  rule kept by "once in, always in"), and kept 2 groups. From the votes alone
  592 participants qualify and the best silhouette is 4 groups, so ARI is low
  (0.17 at seed 0; 0.12-0.20 over seeds); floor 0.14. Given what the export
  does reveal (who was clustered, and that there were 2 groups, as the
  smoother's state), ARI is 0.59 (0.59-0.65 over seeds); floor 0.55.
- red-dwarf (the Python port, used as an oracle) projects identically (to
  its randomised SVD's precision), but clusters participants directly, without
  base clusters, seeding k-means with the first points in sorted order and
  choosing k by silhouette over all participants; its own ARI against Pol.is
  is 0.46 and 0.20 (ours: 0.88 and 0.17). Our groups against red-dwarf's:
  0.54 (floor 0.50) and 0.36 (floor 0.33). Its statement statistics, given
  our groups, are ours exactly; on planted groups both find the truth.
"""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from participai.deliberation.analysis import ConversationAnalysis, analyse
from participai.deliberation.groups import K_BUFFER, MIN_VOTES, GroupState, compute_groups
from participai.deliberation.polis_csv import read_polis_votes

from .planted import planted
from .polis_data import (
    CONVERSATIONS,
    ari_against,
    conversation,
    moderated_out,
    polis_groups,
    polis_matrix,
)

FLOOR_POLIS = {"15-per-hour-seattle": 0.85, "football-concussions": 0.14}
FLOOR_POLIS_WITH_HISTORY = {"15-per-hour-seattle": 0.85, "football-concussions": 0.55}
FLOOR_REDDWARF = {"15-per-hour-seattle": 0.50, "football-concussions": 0.33}


@dataclass(frozen=True)
class RedDwarf:
    labels: dict[int, int]
    projection: np.ndarray
    components: np.ndarray
    priorities: np.ndarray
    clustered: np.ndarray
    repness: dict
    consensus: dict
    group_aware_consensus: np.ndarray


@cache
def ours(name: str) -> ConversationAnalysis:
    matrix = read_polis_votes(conversation(name) / "votes.csv")
    return analyse(matrix, moderated_out=moderated_out(name))


@cache
def reddwarf(name: str) -> RedDwarf:
    """red-dwarf's pipeline on the same votes, and its statistics for our groups."""
    with warnings.catch_warnings():
        # red-dwarf's pydantic models warn on import; not ours to fix.
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline
        from reddwarf.utils.consensus import select_consensus_statements
        from reddwarf.utils.stats import (
            calculate_comment_statistics_dataframes,
            select_representative_statements,
        )

    analysis = ours(name)
    matrix = analysis.matrix
    rows = np.repeat(matrix.participant_ids, matrix.votes_per_participant())
    votes = [
        {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
        for p, s, v in zip(
            rows, matrix.statement_ids[matrix.votes.indices], matrix.votes.data, strict=True
        )
    ]
    mod_out = moderated_out(name)
    raw = pd.DataFrame(
        matrix.to_dense(),
        index=pd.Index(matrix.participant_ids, name="participant_id"),
        columns=pd.Index(matrix.statement_ids, name="statement_id"),
    )
    clustered = analysis.groups.in_conversation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
        group_stats, consensus_stats = calculate_comment_statistics_dataframes(
            raw[clustered], analysis.groups.group_labels[clustered]
        )
        repness = select_representative_statements(group_stats, mod_out_statement_ids=mod_out)
        consensus = select_consensus_statements(raw, mod_out_statement_ids=mod_out)
    participants = result.participants_df
    labels = participants["cluster_id"].dropna().astype(int)
    return RedDwarf(
        labels=dict(zip(labels.index.tolist(), labels.tolist(), strict=True)),
        projection=participants.loc[matrix.participant_ids, ["x", "y"]].to_numpy(),
        components=result.reducer.components_,
        priorities=result.statements_df["priority"].to_numpy(dtype=float),
        clustered=participants["to_cluster"].to_numpy(dtype=bool),
        repness=repness,
        consensus=consensus,
        group_aware_consensus=consensus_stats["group-aware-consensus"].to_numpy(),
    )


# The export itself ----------------------------------------------------------------


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_votes_csv_gives_the_exports_own_matrix(name):
    participants, statements, dense = polis_matrix(name)
    matrix = ours(name).matrix
    voted = ~np.isnan(dense).all(axis=1)
    assert matrix.participant_ids.tolist() == sorted(np.asarray(participants)[voted].tolist())
    order = np.argsort(participants)
    expected = dense[order][voted[order]]
    columns = np.argsort(statements)
    expected = expected[:, columns][:, ~np.isnan(expected[:, columns]).all(axis=0)]
    np.testing.assert_array_equal(matrix.to_dense(), expected)


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_in_the_export_one_means_agree(name):
    folder = conversation(name)
    with (folder / "votes.csv").open(newline="") as handle:
        cast = Counter((row["comment-id"], row["vote"]) for row in csv.DictReader(handle))
    with (folder / "comments.csv").open(newline="") as handle:
        comments = list(csv.DictReader(handle))
    assert all(int(c["agrees"]) == cast[(c["comment-id"], "1")] for c in comments)
    assert all(int(c["disagrees"]) == cast[(c["comment-id"], "-1")] for c in comments)


# Against Pol.is -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_who_is_clustered(name):
    groups = ours(name).groups
    clustered = set(groups.participant_ids[groups.in_conversation].tolist())
    qualified = set(
        groups.participant_ids[ours(name).matrix.votes_per_participant() >= MIN_VOTES].tolist()
    )
    assert clustered == qualified
    reference = set(polis_groups(name))
    if name == "15-per-hour-seattle":
        assert clustered == reference
    else:
        # Pol.is also kept everyone clustered under an older rule; never fewer.
        assert clustered < reference
        assert len(reference - clustered) == 842


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_agree_with_polis(name):
    groups = ours(name).groups
    reference = polis_groups(name)
    ari, n = ari_against(groups.group_labels, groups.participant_ids, reference)
    theirs, _ = ari_against(
        np.array(list(reddwarf(name).labels.values())),
        np.array(list(reddwarf(name).labels)),
        reference,
    )
    polis_k = len(set(reference.values()))
    print(f"\n{name}: ARI vs Pol.is {ari:.3f} over {n} participants, k={groups.k} "
          f"(Pol.is k={polis_k}); red-dwarf vs Pol.is {theirs:.3f}")  # fmt: skip
    assert ari >= FLOOR_POLIS[name], ari


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_agree_with_polis_given_the_history_the_export_reveals(name):
    reference = polis_groups(name)
    k = len(set(reference.values()))
    previous = GroupState(
        in_conversation=sorted(reference), last_k=k, last_k_count=K_BUFFER, smoothed_k=k
    )
    matrix = ours(name).matrix
    groups = compute_groups(matrix, moderated_out=moderated_out(name), previous=previous)
    ari, n = ari_against(groups.group_labels, groups.participant_ids, reference)
    print(f"\n{name}: ARI vs Pol.is with its clustered set and k={k}: {ari:.3f} over {n}")
    assert n == len(reference)
    assert groups.k == k
    assert ari >= FLOOR_POLIS_WITH_HISTORY[name], ari


# Against red-dwarf -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_projection_matches_reddwarf(name):
    groups, theirs = ours(name).groups, reddwarf(name)
    signs = np.sign((groups.components * theirs.components).sum(axis=1))
    np.testing.assert_allclose(groups.components, theirs.components * signs[:, None], atol=1e-3)
    np.testing.assert_allclose(groups.projection, theirs.projection * signs, atol=5e-3)
    np.testing.assert_array_equal(groups.in_conversation, theirs.clustered)


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_against_reddwarf(name):
    groups, theirs = ours(name).groups, reddwarf(name)
    ari, n = ari_against(groups.group_labels, groups.participant_ids, theirs.labels)
    print(f"\n{name}: ARI vs red-dwarf {ari:.3f} over {n} participants, k={groups.k} "
          f"(red-dwarf k={len(set(theirs.labels.values()))})")  # fmt: skip
    assert n == groups.in_conversation.sum()
    assert ari >= FLOOR_REDDWARF[name], ari


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_statement_statistics_match_reddwarf_given_our_groups(name):
    analysis, theirs = ours(name), reddwarf(name)
    assert set(theirs.repness) == set(analysis.representative)
    for group, statements in theirs.repness.items():
        expected = [(s["tid"], s["repful-for"], s["n-success"], s["n-trials"]) for s in statements]
        got = [
            (s.statement_id, s.direction, s.n_success, s.n_trials)
            for s in analysis.representative[group]
        ]
        assert got == expected
        np.testing.assert_allclose(
            [s.repness_test for s in analysis.representative[group]],
            [s["repness-test"] for s in statements],
        )
    for direction in ("agree", "disagree"):
        assert [c.statement_id for c in analysis.consensus[direction]] == [
            s["tid"] for s in theirs.consensus[direction]
        ]
    np.testing.assert_allclose(analysis.group_informed_consensus, theirs.group_aware_consensus)
    # Priorities (red-dwarf's extremity comes from its PCA); we give
    # moderated-out statements no priority at all, red-dwarf does not.
    kept = ~analysis.matrix.statement_mask(analysis.moderated_out)
    np.testing.assert_allclose(analysis.priorities[kept], theirs.priorities[kept], rtol=1e-3)


def test_planted_groups_are_found_by_both():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

    case = planted(groups=3, per_group=60, statements=30, density=0.5, agreement=0.95, seed=12)
    votes = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": 0}
        for p, s, v in case.triples
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = run_pipeline(votes=votes, random_state=0).participants_df["cluster_id"]
    result = compute_groups(case.matrix)
    assert adjusted_rand_score(case.truth, result.group_labels) > 0.95
    assert adjusted_rand_score(theirs.astype(int), result.group_labels) > 0.95

"""Who is clustered, the opinion map and the opinion groups."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from participai.deliberation.groups import K_BUFFER, GroupState, _add_distal, compute_groups
from participai.deliberation.votes import VoteMatrix

from .planted import partition, planted

NAN = np.nan


def _active(n_participants: int, n_statements: int, start: int = 0) -> list[tuple]:
    """Participants ``start..`` who vote on every statement (varied votes)."""
    return [
        (start + p, s, (p * 7 + s * 3) % 3 - 1)
        for p in range(n_participants)
        for s in range(n_statements)
    ]


# Who is clustered ------------------------------------------------------------


def test_participants_with_too_few_votes_are_not_clustered():
    votes = _active(20, 10) + [(100, s, 1) for s in range(6)] + [(101, s, -1) for s in range(7)]
    result = compute_groups(VoteMatrix.from_votes(votes))
    assert result.group_of(100) is None  # six votes out of ten statements
    assert result.group_of(101) is not None  # seven
    assert result.in_conversation.sum() == 21
    row = np.searchsorted(result.participant_ids, 100)
    assert result.group_labels[row] == -1 and result.base_labels[row] == -1
    # Left out of the groups, but still on the map.
    assert np.isfinite(result.projection[row]).all()


def test_with_fewer_than_seven_statements_voting_on_all_of_them_is_enough():
    votes = _active(20, 5) + [(100, s, 1) for s in range(4)]
    result = compute_groups(VoteMatrix.from_votes(votes))
    assert result.in_conversation.sum() == 20
    assert result.group_of(100) is None


def test_fewer_than_fifteen_qualify_so_the_most_active_are_added():
    votes = _active(10, 10)  # participants 0..9 qualify
    # 100..109 cast 1..6 votes: 106 (6 votes), then 104/105 (5), ... are the most active.
    counts = {100: 1, 101: 2, 102: 3, 103: 4, 104: 5, 105: 5, 106: 6, 107: 1, 108: 2, 109: 4}
    votes += [(p, s, 1) for p, n in counts.items() for s in range(n)]
    result = compute_groups(VoteMatrix.from_votes(votes))
    clustered = set(result.participant_ids[result.in_conversation].tolist())
    # Five places: 106, 104, 105, then 103 and 109 (4 votes each).
    assert clustered == set(range(10)) | {106, 104, 105, 103, 109}


def test_once_clustered_always_clustered():
    votes = [*_active(20, 10), (100, 0, 1)]
    matrix = VoteMatrix.from_votes(votes)
    assert compute_groups(matrix).group_of(100) is None
    previous = GroupState(in_conversation=[100, 555])  # 555 has since left: ignored
    result = compute_groups(matrix, previous=previous)
    assert result.group_of(100) is not None
    assert 100 in result.state.in_conversation
    assert 555 not in result.state.in_conversation


def test_votes_on_moderated_out_statements_count_toward_the_threshold():
    votes = _active(20, 10) + [(100, s, 1) for s in range(5)] + [(100, 8, 1), (100, 9, -1)]
    matrix = VoteMatrix.from_votes(votes)
    assert compute_groups(matrix, moderated_out=[8, 9]).group_of(100) is not None
    without = [vote for vote in votes if not (vote[0] == 100 and vote[1] >= 8)]
    assert compute_groups(VoteMatrix.from_votes(without)).group_of(100) is None


# Opinion map -----------------------------------------------------------------


def _dense_reference(dense: np.ndarray, n_components: int = 2):
    """Pol.is's projection computed densely: impute, centre, SVD, sparsity-aware scaling."""
    seen = ~np.isnan(dense)
    centre = np.nanmean(dense, axis=0)
    centred = np.where(seen, dense - centre, 0.0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:n_components]
    scale = np.sqrt(dense.shape[1] / np.maximum(seen.sum(axis=1), 1))
    return centre, axes, (centred @ axes.T) * scale[:, None]


def test_components_and_projection_match_a_dense_computation():
    rng = np.random.default_rng(5)
    dense = rng.choice([NAN, -1.0, 0.0, 1.0], p=[0.4, 0.25, 0.1, 0.25], size=(40, 9))
    dense[:, 0] = rng.choice([-1.0, 1.0], size=40)  # every column has votes
    matrix = VoteMatrix.from_dense(dense)
    result = compute_groups(matrix)
    centre, axes, projection = _dense_reference(dense)
    np.testing.assert_allclose(result.centre, centre, atol=1e-12)
    signs = np.sign((result.components * axes).sum(axis=1))
    np.testing.assert_allclose(result.components, axes * signs[:, None], atol=1e-7)
    np.testing.assert_allclose(result.projection, projection * signs, atol=1e-6)


def test_sparsity_aware_scaling_by_hand():
    # Statement 0 divides; 1..3 are passed by all who saw them (no variance).
    dense = [
        [1, NAN, NAN, NAN],  # one vote of four: scaled by sqrt(4 / 1) = 2
        [1, 0, 0, 0],  # four votes: scaled by 1
        [-1, 0, 0, 0],
        [-1, NAN, NAN, NAN],
    ]
    result = compute_groups(VoteMatrix.from_dense(dense))
    x = result.projection[:, 0] * np.sign(result.projection[0, 0])
    np.testing.assert_allclose(x, [2, 1, -1, -2], atol=1e-9)
    np.testing.assert_allclose(result.projection[:, 1], 0, atol=1e-9)
    np.testing.assert_allclose(result.centre, [0, 0, 0, 0])
    # A participant who agreed with statement 0 alone: sqrt(4) * (1 - 0) = 2 from the centre.
    np.testing.assert_allclose(result.extremity, [2, 0, 0, 0], atol=1e-9)


def test_moderated_out_statements_do_not_move_anyone():
    case = planted(groups=2, per_group=20, statements=12, seed=1)
    flipped = [(p, s, -v if s == 3 else v) for p, s, v in case.triples]
    before = compute_groups(case.matrix, moderated_out=[3])
    after = compute_groups(VoteMatrix.from_votes(flipped), moderated_out=[3])
    assert (before.components[:, 3] == 0).all()
    assert before.extremity[3] == 0
    np.testing.assert_allclose(before.projection, after.projection, atol=1e-12)
    not_moderated = compute_groups(VoteMatrix.from_votes(flipped))
    assert not np.allclose(not_moderated.projection, after.projection, atol=1e-3)


# Groups ----------------------------------------------------------------------


def test_planted_groups_are_found():
    case = planted(groups=3, per_group=40, seed=2)
    result = compute_groups(case.matrix)
    assert result.k == 3
    assert result.best_k == 3
    assert partition(result.participant_ids, result.group_labels) == partition(
        result.participant_ids, case.truth
    )
    # Groups are numbered largest first; here all are the same size.
    assert sorted(len(members) for members in result.members().values()) == [40, 40, 40]


def test_at_most_one_hundred_base_clusters_and_groups_are_unions_of_them():
    case = planted(groups=2, per_group=150, statements=40, density=0.3, seed=3)
    result = compute_groups(case.matrix)
    assert len(result.base_centres) == 100
    clustered = result.in_conversation
    for base in range(len(result.base_centres)):
        assert (
            len(np.unique(result.group_labels[clustered][result.base_labels[clustered] == base]))
            == 1
        )
    # Group count candidates: 2 .. min(5, 2 + 100 // 12).
    assert sorted(result.silhouettes) == [2, 3, 4, 5]


def test_same_seed_same_groups():
    case = planted(groups=3, per_group=30, statements=20, agreement=0.7, seed=4)
    first, second = compute_groups(case.matrix, seed=11), compute_groups(case.matrix, seed=11)
    np.testing.assert_array_equal(first.group_labels, second.group_labels)
    np.testing.assert_array_equal(first.projection, second.projection)
    assert first.state.to_dict() == second.state.to_dict()


@st.composite
def distinct_votes(draw):
    """Votes on distinct cells (so that the last vote is the only one), any order."""
    n_participants = draw(st.integers(1, 24))
    n_statements = draw(st.integers(1, 8))
    cells = draw(
        st.dictionaries(
            st.tuples(st.integers(0, n_participants - 1), st.integers(0, n_statements - 1)),
            st.sampled_from([-1, 0, 1]),
            min_size=1,
            max_size=n_participants * n_statements,
        )
    )
    return [(p, s, v) for (p, s), v in cells.items()]


@settings(max_examples=60)
@given(votes=distinct_votes(), data=st.data())
def test_groups_do_not_depend_on_participant_or_statement_order(votes, data):
    shuffled = data.draw(st.permutations(votes))
    first = compute_groups(VoteMatrix.from_votes(votes))
    second = compute_groups(VoteMatrix.from_votes(shuffled))
    ids = first.participant_ids
    assert partition(ids, first.group_labels) == partition(ids, second.group_labels)
    np.testing.assert_array_equal(first.in_conversation, second.in_conversation)
    np.testing.assert_allclose(first.projection, second.projection, atol=1e-9)


def test_renaming_participants_and_statements_does_not_change_the_groups():
    case = planted(groups=3, per_group=30, statements=24, agreement=0.8, seed=6)
    rng = np.random.default_rng(0)
    new_participant = rng.permutation(10_000)[: case.matrix.n_participants]
    new_statement = rng.permutation(500)[: case.matrix.n_statements]
    renamed = [(int(new_participant[p]), int(new_statement[s]), v) for p, s, v in case.triples]
    original = compute_groups(case.matrix)
    result = compute_groups(VoteMatrix.from_votes(renamed))
    back = {int(new_participant[p]): p for p in range(case.matrix.n_participants)}
    renamed_groups = {frozenset(back[p] for p in members) for members in result.members().values()}
    assert renamed_groups == {frozenset(m) for m in original.members().values()}


# Stability between updates ---------------------------------------------------------


def test_group_count_changes_only_after_winning_several_updates_in_a_row():
    case = planted(groups=2, per_group=60, statements=20, seed=7)
    state = GroupState(last_k=3, last_k_count=9, smoothed_k=3)
    counts = []
    for _ in range(K_BUFFER + 1):
        result = compute_groups(case.matrix, previous=state)
        assert result.best_k == 2
        counts.append(result.k)
        state = result.state
    assert counts == [3] * (K_BUFFER - 1) + [2, 2]
    assert state.last_k == 2 and state.last_k_count == K_BUFFER + 1


def test_a_new_best_group_count_must_win_in_a_row():
    case = planted(groups=2, per_group=60, statements=20, seed=7)
    # 2 has won three times in a row; a fourth win switches.
    almost = GroupState(last_k=2, last_k_count=K_BUFFER - 2, smoothed_k=3)
    assert compute_groups(case.matrix, previous=almost).k == 3
    assert compute_groups(case.matrix, previous=GroupState(
        last_k=2, last_k_count=K_BUFFER - 1, smoothed_k=3)).k == 2  # fmt: skip


def _majority_label(before: np.ndarray, after: np.ndarray) -> dict[int, int]:
    """For each group before, the label most of its members have after."""
    return {
        int(group): int(np.bincount(after[before == group]).argmax())
        for group in np.unique(before)
    }


def test_group_ids_do_not_flicker_between_updates():
    first_case = planted(sizes=(50, 45, 30), statements=24, agreement=0.95, seed=8)
    first = compute_groups(first_case.matrix)
    assert first.k == 3
    assert _majority_label(first_case.truth, first.group_labels)[2] == 2  # the smallest
    # Newcomers join the third group, which becomes the largest: numbered
    # afresh it would be group 0, but carried over it keeps its id.
    later = planted(sizes=(50, 45, 70), statements=24, agreement=0.95, seed=8)
    assert set(first_case.triples) <= set(later.triples)
    second = compute_groups(later.matrix, previous=first.state, seed=1)
    old = np.arange(first_case.matrix.n_participants)
    # A participant on a boundary may change group; the groups keep their ids.
    assert _majority_label(first.group_labels, second.group_labels[old]) == {0: 0, 1: 1, 2: 2}
    assert (second.group_labels[old] == first.group_labels).mean() > 0.95
    afresh = compute_groups(later.matrix, seed=1)
    assert _majority_label(first.group_labels, afresh.group_labels[old]) != {0: 0, 1: 1, 2: 2}
    # The state round-trips through JSON with the same effect.
    restored = GroupState.from_dict(json.loads(json.dumps(first.state.to_dict())))
    third = compute_groups(later.matrix, previous=restored, seed=1)
    np.testing.assert_array_equal(third.group_labels, second.group_labels)


def test_rerunning_from_its_own_state_keeps_the_base_centres():
    case = planted(groups=3, per_group=60, statements=20, agreement=0.85, seed=0)
    first = compute_groups(case.matrix)
    assert len(first.base_centres) == 100
    # Another seed: a fresh clustering would start from other centres, so
    # only the warm start from the saved centres gives back the same ones.
    again = compute_groups(case.matrix, previous=first.state, seed=1)
    np.testing.assert_allclose(again.base_centres, first.base_centres, atol=1e-6)
    np.testing.assert_array_equal(again.base_labels, first.base_labels)
    afresh = compute_groups(case.matrix, seed=1)
    assert not np.allclose(afresh.base_centres, first.base_centres, atol=1e-3)


def test_clustered_participants_keep_their_base_cluster_when_a_few_newcomers_join():
    first_case = planted(sizes=(60, 60, 60), statements=20, agreement=0.85, seed=0)
    first = compute_groups(first_case.matrix)
    later = planted(sizes=(60, 60, 63), statements=20, agreement=0.85, seed=0)
    assert set(first_case.triples) <= set(later.triples)
    second = compute_groups(later.matrix, previous=first.state, seed=1)
    old = np.arange(first_case.matrix.n_participants)
    assert second.in_conversation.sum() == 183
    # The map moves a little with the newcomers, so a participant on the
    # edge of a base cluster may change; a fresh clustering would renumber all.
    assert (second.base_labels[old] == first.base_labels).mean() > 0.9


def test_completing_the_previous_centres_adds_the_farthest_points_in_little_memory():
    rng = np.random.default_rng(12)
    points = rng.normal(size=(20_000, 2))
    previous = rng.normal(size=(60, 2))
    tracemalloc.start()
    try:
        centres = _add_distal(points, previous, 100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A (points x centres) array of distances alone would be 30 times the points.
    assert peak < 4 * points.nbytes, peak
    expected = [*previous]
    while len(expected) < 100:
        farthest = cdist(points, np.asarray(expected)).min(axis=1).argmax()
        expected.append(points[farthest])
    np.testing.assert_array_equal(centres, np.asarray(expected))


def test_state_round_trip_and_refusal_of_a_malformed_state():
    state = compute_groups(planted(groups=2, per_group=20, seed=10).matrix).state
    data = json.loads(json.dumps(state.to_dict()))
    assert GroupState.from_dict(data) == state
    assert set(data["group_centres"]) == {str(k) for k in state.group_centres}
    with pytest.raises(ValueError, match="not a saved group state"):
        GroupState.from_dict({"in_conversation": []})
    broken = dict(data, base_centres=[[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="3 coordinates"):
        GroupState.from_dict(broken)
    broken = dict(data, components=[[1.0]])
    with pytest.raises(ValueError, match="do not match statement ids"):
        GroupState.from_dict(broken)


def test_a_saved_id_longer_than_the_array_ids_is_not_cut_to_their_width():
    # "abc" has one vote: it is clustered only if taken for "abcdef", clustered before.
    participants = np.array([f"p{p:02d}" for p in range(20) for _ in range(8)] + ["abc"])
    statements = np.array([f"s{s}" for _ in range(20) for s in range(8)] + ["s0"])
    votes = np.array([(p * 7 + s * 3) % 3 - 1 for p in range(20) for s in range(8)] + [1])
    matrix = VoteMatrix.from_arrays(participants, statements, votes)
    result = compute_groups(matrix, previous=GroupState(in_conversation=["abcdef"]))
    assert result.group_of("abc") is None
    assert "abc" not in result.state.in_conversation
    kept = compute_groups(matrix, previous=GroupState(in_conversation=["abc"]))
    assert kept.group_of("abc") is not None


def test_a_state_from_another_kind_of_conversation_is_refused():
    matrix = planted(groups=2, per_group=10, seed=11).matrix
    with pytest.raises(ValueError, match="participant ids are not of the same kind"):
        compute_groups(matrix, previous=GroupState(in_conversation=["ana"]))
    with pytest.raises(ValueError, match="participant ids are not of the same kind"):
        compute_groups(matrix, previous=GroupState(in_conversation=[2**64]))
    state = GroupState(statement_ids=["s1"], components=[[1.0], [0.0]])
    with pytest.raises(ValueError, match="statement ids are not of the same kind"):
        compute_groups(matrix, previous=state)
    state = GroupState(statement_ids=[1, 2], components=[[1.0], [0.0]])
    with pytest.raises(ValueError, match="components do not match its statement ids"):
        compute_groups(matrix, previous=state)


# Edge cases ---------------------------------------------------------------------


def test_an_empty_conversation_has_no_groups():
    result = compute_groups(VoteMatrix.from_votes([]))
    assert result.k == 0
    assert result.projection.shape == (0, 2)
    assert result.members() == {}


def test_no_disagreement_at_all_makes_one_group():
    votes = [(p, s, 0) for p in range(20) for s in range(8)]
    result = compute_groups(VoteMatrix.from_votes(votes))
    assert result.k == 1
    assert (result.group_labels == 0).all()
    np.testing.assert_array_equal(result.projection, 0)


def test_a_handful_of_participants_with_string_ids():
    votes = [
        ("ana", "s1", 1),
        ("ana", "s2", -1),
        ("bo", "s1", -1),
        ("bo", "s2", 1),
        ("cy", "s1", 1),
    ]
    result = compute_groups(VoteMatrix.from_votes(votes))
    assert result.in_conversation.all()  # fewer than 15: everyone who voted
    assert result.k >= 1
    assert result.group_of("ana") is not None
    assert result.group_of("dee") is None
    json.dumps(result.state.to_dict())

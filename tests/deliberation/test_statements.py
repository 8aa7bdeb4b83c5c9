"""Statement statistics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from participai.deliberation.statements import (
    consensus_statements,
    count_votes,
    group_differences,
    group_informed_consensus,
    next_statements,
    proportion_test,
    representative_statements,
    smoothed_probability,
    statement_priorities,
    two_proportion_test,
)
from participai.deliberation.votes import VoteMatrix

from .planted import planted

NAN = np.nan


def test_smoothed_probability_and_tests_by_hand():
    assert smoothed_probability(3, 4) == pytest.approx(4 / 6)
    # 2 sqrt(n + 1) ((s + 1) / (n + 1) - 1/2) with s = 3, n = 4.
    assert proportion_test(3, 4) == pytest.approx(2 * math.sqrt(5) * (4 / 5 - 0.5))
    # (4/5 - 2/5) / sqrt(p (1 - p) (1/5 + 1/5)) with pooled p = 6/10.
    assert two_proportion_test(3, 1, 4, 4) == pytest.approx(0.4 / math.sqrt(0.6 * 0.4 * 0.4))
    assert two_proportion_test(1, 3, 4, 4) == pytest.approx(-0.4 / math.sqrt(0.6 * 0.4 * 0.4))
    # Everyone in and out succeeded: pooled proportion 1, no variance, z = 0.
    assert two_proportion_test(4, 4, 4, 4) == 0


# Two groups of ten. Statement 0 splits them (group 0 agrees, group 1
# disagrees); everyone agrees with 1; on 2, group 0 agrees 6 and passes 4 and
# group 1 agrees 6 and disagrees 4; 3 splits them like 0 but is moderated out.
GROUP_0 = [[1, 1, 1 if i < 6 else 0, 1] for i in range(10)]
GROUP_1 = [[-1, 1, 1 if i < 6 else -1, -1] for i in range(10)]
LABELS = np.array([0] * 10 + [1] * 10)


@pytest.fixture
def two_groups() -> VoteMatrix:
    return VoteMatrix.from_dense(GROUP_0 + GROUP_1)


def test_counts_per_group_leave_out_unlabelled_participants(two_groups):
    labels = LABELS.copy()
    labels[0] = -1
    counts = count_votes(two_groups, labels)
    assert counts.agree.tolist() == [[9, 9, 5, 9], [0, 10, 6, 0]]
    assert counts.disagree.tolist() == [[0, 0, 0, 0], [10, 0, 4, 10]]
    assert counts.seen.tolist() == [[9, 9, 9, 9], [10, 10, 10, 10]]
    assert counts.passed.tolist() == [[0, 0, 4, 0], [0, 0, 0, 0]]


def test_representative_statements_by_hand(two_groups):
    chosen = representative_statements(two_groups, LABELS, moderated_out=[3])
    assert set(chosen) == {0, 1}
    (only,) = chosen[0]
    assert (only.statement_id, only.direction, only.n_success, only.n_trials) == (
        0,
        "agree",
        10,
        10,
    )
    assert only.p_success == pytest.approx(11 / 12)
    assert only.p_test == pytest.approx(math.sqrt(11))  # 2 sqrt(11) (11/11 - 1/2)
    assert only.repness == pytest.approx((11 / 12) / (1 / 12))
    # Group (10 + 1) / (10 + 1) against rest 1 / 11, pooled 12 / 22.
    rat = (1 - 1 / 11) / math.sqrt((12 / 22) * (10 / 22) * (2 / 11))
    assert only.repness_test == pytest.approx(rat)
    assert only.significant and only.best_agree

    # Group 1's best agreed statement is 1 (everyone agrees: not significant,
    # but Pol.is puts what a group agrees with first); then 0, for disagreement.
    first, second = chosen[1]
    assert (first.statement_id, first.direction, first.n_success) == (1, "agree", 10)
    assert first.best_agree and not first.significant
    assert first.repness_test == 0  # no difference from the rest
    assert (second.statement_id, second.direction, second.n_success) == (0, "disagree", 10)
    assert second.repness_test == pytest.approx(rat)
    assert second.significant and not second.best_agree


def test_a_statement_significant_at_90_but_not_95_percent_is_representative():
    # Statement 0 splits the groups; on statement 1, 7 of group 0's 10 agree
    # (3 disagree) and all of group 1 disagrees.
    group_0 = [[1, 1 if i < 7 else -1] for i in range(10)]
    group_1 = [[-1, -1] for _ in range(10)]
    chosen = representative_statements(VoteMatrix.from_dense(group_0 + group_1), LABELS)
    first, second = chosen[0]
    assert (first.statement_id, first.best_agree) == (0, True)
    assert (second.statement_id, second.direction, second.n_success, second.n_trials) == (
        1,
        "agree",
        7,
        10,
    )
    # 2 sqrt(11) (8/11 - 1/2) = 1.51: above the 90 % critical value (1.2816),
    # below the 95 % one (1.645); the test against the rest passes easily.
    p_test = 2 * math.sqrt(11) * (8 / 11 - 0.5)
    assert 1.2816 < p_test < 1.645
    assert second.p_test == pytest.approx(p_test)
    # Group 8/11 against rest 1/11, pooled 9/22.
    rat = (7 / 11) / math.sqrt((9 / 22) * (13 / 22) * (2 / 11))
    assert second.repness_test == pytest.approx(rat)
    assert second.significant and not second.best_agree


def test_a_moderated_out_statement_is_never_representative(two_groups):
    kept = representative_statements(two_groups, LABELS)
    assert 3 in {s.statement_id for s in kept[0]}
    removed = representative_statements(two_groups, LABELS, moderated_out=[3])
    assert all(s.statement_id != 3 for group in removed.values() for s in group)


def test_when_nothing_passes_each_group_still_gets_its_best_statement():
    matrix = VoteMatrix.from_dense([[1], [-1]])
    chosen = representative_statements(matrix, np.array([0, 1]))
    # pat = 2 sqrt(2) (2/2 - 1/2) passes, but rat = 0.5 / sqrt(0.75 * 0.25 * 1) does not.
    (agreed,) = chosen[0]
    assert (agreed.direction, agreed.significant, agreed.best_agree) == ("agree", False, True)
    assert agreed.repness_test == pytest.approx(0.5 / math.sqrt(0.75 * 0.25))
    (disagreed,) = chosen[1]
    assert (disagreed.direction, disagreed.significant, disagreed.best_agree) == (
        "disagree",
        False,
        False,
    )


def test_at_most_five_per_group_agreements_first_ranked_by_the_metric():
    case = planted(groups=2, per_group=30, statements=30, agreement=0.95, seed=1)
    chosen = representative_statements(case.matrix, case.truth)
    for statements in chosen.values():
        assert len(statements) == 5
        directions = [s.direction for s in statements]
        assert directions == sorted(directions)  # "agree" < "disagree"
        rest = [s for s in statements if not s.best_agree]
        for direction in ("agree", "disagree"):
            metrics = [s.metric for s in rest if s.direction == direction]
            assert metrics == sorted(metrics, reverse=True)
        assert all(s.significant for s in rest)
    assert len(representative_statements(case.matrix, case.truth, pick_max=2)[0]) == 2


def test_no_groups_no_representative_statements(two_groups):
    assert representative_statements(two_groups, np.full(20, -1)) == {}


def test_consensus_statements_by_hand(two_groups):
    consensus = consensus_statements(two_groups, moderated_out=[3])
    (agreed,) = consensus["agree"]
    assert (agreed.statement_id, agreed.n_success, agreed.n_trials) == (1, 20, 20)
    assert agreed.p_success == pytest.approx(21 / 22)
    assert agreed.p_test == pytest.approx(math.sqrt(21))
    # Statement 2: 12 of 20 agree, pa = 13/22 > 1/2 but z = 2 sqrt(21) (13/21 - 1/2) < 1.2816.
    assert proportion_test(12, 20) == pytest.approx(2 * math.sqrt(21) * (13 / 21 - 0.5))
    assert proportion_test(12, 20) < 1.2816
    assert consensus["disagree"] == []


def test_consensus_is_ranked_and_capped():
    # Statement s has 20 - s agrees and s disagrees out of 20.
    dense = [[1 if p >= s else -1 for s in range(8)] for p in range(20)]
    consensus = consensus_statements(VoteMatrix.from_dense(dense), pick_max=3)
    assert [c.statement_id for c in consensus["agree"]] == [0, 1, 2]
    assert consensus["disagree"] == []


def test_group_informed_consensus_by_hand(two_groups):
    consensus = group_informed_consensus(two_groups, LABELS)
    np.testing.assert_allclose(
        consensus,
        [(11 / 12) * (1 / 12), (11 / 12) ** 2, (7 / 12) * (7 / 12), (11 / 12) * (1 / 12)],
    )
    disagree = group_informed_consensus(two_groups, LABELS, direction="disagree")
    np.testing.assert_allclose(disagree[2], (1 / 12) * (5 / 12))


def test_where_groups_differ(two_groups):
    differences = group_differences(two_groups, LABELS, moderated_out=[3], limit=3)
    assert [d.statement_id for d in differences] == [0, 1, 2]  # ties keep statement order
    assert differences[0].spread == pytest.approx(10 / 12)
    assert differences[0].agree_shares == pytest.approx((11 / 12, 1 / 12))
    assert differences[1].spread == 0
    assert group_differences(two_groups, np.zeros(20, dtype=int)) == []


def test_statement_priority_by_hand():
    # Among the four clustered participants statement 0 has A = 2, D = 1, P = 1, S = 4;
    # participant 4 is not clustered and does not count.
    dense = [[1, 1, 1], [1, NAN, NAN], [-1, NAN, NAN], [0, NAN, NAN], [1, 1, 1]]
    matrix = VoteMatrix.from_dense(dense)
    clustered = np.array([True, True, True, True, False])
    priorities = statement_priorities(
        matrix, clustered, np.array([0.5, 0.0, 0.0]), meta=[1], moderated_out=[2]
    )
    importance = (1 - 2 / 6) * (0.5 + 1) * (3 / 6)
    newness = 1 + 8 * 2 ** (-4 / 5)
    assert priorities[0] == pytest.approx((importance * newness) ** 2)
    assert priorities[1] == 49  # meta: 7 squared
    assert priorities[2] == 0  # moderated out


def test_new_divisive_statements_come_first_and_passes_sink():
    dense = [[1, 1, 0, 1]] * 10 + [[1, -1, 0, NAN]] * 10
    matrix = VoteMatrix.from_dense(dense)
    everyone = np.ones(20, dtype=bool)
    flat = statement_priorities(matrix, everyone, np.zeros(4))
    assert flat[2] < flat[0]  # always passed on
    assert flat[3] > flat[0]  # fewer votes: newer
    divisive = statement_priorities(matrix, everyone, np.array([0, 2.0, 0, 0]))
    assert divisive[1] == pytest.approx(flat[1] * 9)  # (E + 1) squared


def test_next_statements_unseen_highest_priority_first():
    matrix = VoteMatrix.from_dense([[1, NAN, NAN, NAN, 0], [1, 1, 1, 1, 1]])
    priorities = np.array([9.0, 1.0, 5.0, 5.0, 7.0])
    assert next_statements(matrix, priorities, 0) == [2, 3, 1]  # ties by id
    assert next_statements(matrix, priorities, 0, moderated_out=[3]) == [2, 1]
    assert next_statements(matrix, priorities, 1) == []
    assert next_statements(matrix, priorities, 99) == [0, 4, 2, 3, 1]  # has not voted yet
    with pytest.raises(ValueError, match="one value per statement"):
        next_statements(matrix, priorities[:2], 0)

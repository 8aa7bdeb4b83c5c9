"""The vote matrix and the Pol.is CSV readers."""

from __future__ import annotations

import numpy as np
import pytest

from participai.deliberation.polis_csv import read_polis_comments, read_polis_votes
from participai.deliberation.votes import VoteMatrix

NAN = np.nan


def test_pass_is_a_vote_and_unseen_is_not():
    matrix = VoteMatrix.from_votes([("p1", "s1", 0), ("p1", "s2", 1), ("p2", "s2", -1)])
    dense = matrix.to_dense()
    assert dense[0, 0] == 0  # a pass, stored
    assert np.isnan(dense[1, 0])  # never seen
    assert matrix.n_votes == 3
    assert matrix.votes_per_participant().tolist() == [2, 1]
    assert matrix.seen().toarray().tolist() == [[1, 1], [0, 1]]
    assert matrix.agreed().toarray().tolist() == [[0, 1], [0, 0]]
    assert matrix.disagreed().toarray().tolist() == [[0, 0], [0, 1]]


def test_last_vote_wins():
    matrix = VoteMatrix.from_votes([(1, 10, 1), (2, 10, 1), (1, 10, -1), (1, 10, 0)])
    np.testing.assert_array_equal(matrix.to_dense(), [[0], [1]])
    assert matrix.n_votes == 2


def test_rows_and_columns_are_in_id_order_whatever_the_input_order():
    votes = [(3, "b", 1), (1, "c", -1), (2, "a", 0), (1, "a", 1)]
    forward = VoteMatrix.from_votes(votes)
    backward = VoteMatrix.from_votes(votes[::-1])
    assert forward.participant_ids.tolist() == [1, 2, 3]
    assert forward.statement_ids.tolist() == ["a", "b", "c"]
    np.testing.assert_array_equal(forward.to_dense(), backward.to_dense())
    np.testing.assert_array_equal(forward.to_dense(), [[1, NAN, -1], [0, NAN, NAN], [NAN, 1, NAN]])


def test_from_arrays_matches_from_votes():
    rng = np.random.default_rng(3)
    participants = rng.integers(0, 40, size=500)
    statements = rng.integers(0, 25, size=500)
    values = rng.integers(-1, 2, size=500)
    triples = list(zip(participants.tolist(), statements.tolist(), values.tolist(), strict=True))
    by_arrays = VoteMatrix.from_arrays(participants, statements, values)
    by_triples = VoteMatrix.from_votes(triples)
    np.testing.assert_array_equal(by_arrays.to_dense(), by_triples.to_dense())
    expected = np.full((40, 25), NAN)
    for participant, statement, value in triples:  # last vote wins
        expected[participant, statement] = value
    rows = ~np.isnan(expected).all(axis=1)
    columns = ~np.isnan(expected).all(axis=0)
    np.testing.assert_array_equal(by_arrays.to_dense(), expected[rows][:, columns])


def test_from_arrays_keeps_string_ids_whole_whatever_the_array_width():
    matrix = VoteMatrix.from_arrays(
        np.array(["ana", "bo"]), np.array(["s1", "s2"]), np.array([1, -1])
    )
    assert matrix.participant_ids.dtype == object
    assert matrix.statement_ids.dtype == object
    # A longer id compared with them is not cut to the array's three characters.
    assert matrix.participant_index("anatole") is None
    assert matrix.statement_mask(["s10"]).tolist() == [False, False]
    assert (
        VoteMatrix.from_arrays(
            np.array([b"p1"]), np.array([b"s1"]), np.array([1])
        ).participant_ids.dtype
        == object
    )


def test_storage_grows_with_votes_not_with_participants_times_statements():
    ids = np.array([0, 999_999, 500_000])
    matrix = VoteMatrix.from_arrays(ids, ids[::-1], np.array([1, -1, 0]))
    assert matrix.votes.nnz == 3
    assert matrix.votes.data.nbytes + matrix.votes.indices.nbytes < 100


def test_from_dense_keeps_rows_without_votes_and_sorts_ids():
    matrix = VoteMatrix.from_dense(
        [[NAN, 1], [NAN, NAN], [0, -1]], participant_ids=[30, 10, 20], statement_ids=["y", "x"]
    )
    assert matrix.participant_ids.tolist() == [10, 20, 30]
    assert matrix.statement_ids.tolist() == ["x", "y"]
    np.testing.assert_array_equal(matrix.to_dense(), [[NAN, NAN], [-1, 0], [1, NAN]])
    assert matrix.votes_per_participant().tolist() == [0, 2, 1]


def test_lookups():
    matrix = VoteMatrix.from_votes([(5, 1, 1), (7, 2, 0)])
    assert matrix.participant_index(7) == 1
    assert matrix.participant_index(6) is None
    assert matrix.participant_index(99) is None
    # A statement moderated out before anyone voted has no column: ignored.
    assert matrix.statement_mask([2, 42]).tolist() == [False, True]
    assert matrix.statement_mask([2**64, 1]).tolist() == [True, False]
    assert matrix.statement_mask([]).tolist() == [False, False]


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([(1, 1, 2)], "vote 0: 2 is not -1, 0 or 1"),
        ([(1, 1, 1), (1, 2, True)], "vote 1: True is not -1, 0 or 1"),
        ([(1, 1, "1")], "vote 0: '1' is not -1, 0 or 1"),
        ([(1, 1, 0.5)], "vote 0: 0.5 is not -1, 0 or 1"),
        ([(1, 1)], "vote 0: expected (participant_id, statement_id, vote)"),
        ([(1, 1, 1), ("a", 1, 1)], "participant ids mix integers and strings"),
        ([(1, 2.5, 1)], "statement id 2.5 is neither an integer nor a string"),
        ([(None, 1, 1)], "participant id None is neither an integer nor a string"),
        ([(1, 1, 1), (2**63, 1, 1)], "participant id 9223372036854775808 is out of range"),
        ([(1, -(2**63) - 1, 1)], "statement id -9223372036854775809 is out of range"),
    ],
)
def test_bad_votes_are_refused_with_the_reason(votes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        VoteMatrix.from_votes(votes)


def test_bad_arrays_and_dense_input_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        VoteMatrix.from_arrays(np.array([1, 2]), np.array([1]), np.array([1, 1]))
    with pytest.raises(ValueError, match="a vote must be"):
        VoteMatrix.from_arrays(np.array([1]), np.array([1]), np.array([3]))
    with pytest.raises(ValueError, match="integers or strings"):
        VoteMatrix.from_arrays(np.array([1.5]), np.array([1]), np.array([1]))
    with pytest.raises(ValueError, match="a vote must be"):
        VoteMatrix.from_dense([[2.0]])
    with pytest.raises(ValueError, match="not unique"):
        VoteMatrix.from_dense([[1.0], [1.0]], participant_ids=[4, 4])
    with pytest.raises(ValueError, match="do not match"):
        VoteMatrix.from_dense([[1.0]], participant_ids=[1, 2])


# Pol.is CSV ---------------------------------------------------------------------

VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def test_polis_votes_latest_timestamp_wins_not_file_order(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(
        VOTES_HEADER
        + "300,later,0,7,-1\n"  # the latest vote, listed first
        + "100,early,0,7,1\n"
        + "200,middle,1,7,0\n"
        + "150,middle,0,8,1\n"
    )
    matrix = read_polis_votes(path)
    assert matrix.participant_ids.tolist() == [7, 8]
    assert matrix.statement_ids.tolist() == [0, 1]
    np.testing.assert_array_equal(matrix.to_dense(), [[-1, 0], [1, NAN]])


def test_polis_votes_header_only_is_an_empty_conversation(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(VOTES_HEADER)
    matrix = read_polis_votes(path)
    assert (matrix.n_participants, matrix.n_statements, matrix.n_votes) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "votes.csv is empty"),
        ("timestamp,comment-id,vote\n1,2,1\n", "votes.csv line 1: missing column.s. voter-id"),
        (VOTES_HEADER + "1,x,0,7,1\n1,x,0,7,2\n", "votes.csv line 3: vote 2 is not -1, 0 or 1"),
        (VOTES_HEADER + "1,x,zero,7,1\n", "votes.csv line 2: comment-id 'zero' is not an integer"),
        (VOTES_HEADER + "1,x,0,7\n", "votes.csv line 2: vote is missing"),
        (VOTES_HEADER + ",x,0,7,1\n", "votes.csv line 2: timestamp '' is not an integer"),
        (
            VOTES_HEADER + "1,x,0,7,1\n2,x,0,99999999999999999999,1\n",
            "votes.csv line 3: voter-id 99999999999999999999 is out of range",
        ),
        (
            VOTES_HEADER + "1,x,-9223372036854775809,7,1\n",
            "votes.csv line 2: comment-id -9223372036854775809 is out of range",
        ),
        (
            VOTES_HEADER + "9223372036854775808,x,0,7,1\n",
            "votes.csv line 2: timestamp 9223372036854775808 is out of range",
        ),
    ],
)
def test_bad_polis_votes_name_the_line(tmp_path, content, message):
    path = tmp_path / "votes.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_polis_votes(path)


COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)


def test_polis_comments(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text(
        COMMENTS_HEADER + '1,x,4,9,3,1,-1,"Out, with a comma"\n' + "2,x,2,9,0,0,1,Kept\n"
    )
    comments = read_polis_comments(path)
    assert [(c.statement_id, c.text, c.moderated, c.moderated_out) for c in comments] == [
        (4, "Out, with a comma", -1, True),
        (2, "Kept", 1, False),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("comment-id,moderated\n1,0\n", "comments.csv line 1: missing column.s. comment-body"),
        (COMMENTS_HEADER + "1,x,4,9,0,0,2,Text\n", "comments.csv line 2: moderated 2 is not"),
        (
            COMMENTS_HEADER + "1,x,4,9,0,0,0,A\n1,x,4,9,0,0,0,B\n",
            "comments.csv line 3: comment-id 4 repeated",
        ),
        (
            COMMENTS_HEADER + "1,x,18446744073709551616,9,0,0,0,A\n",
            "comments.csv line 2: comment-id 18446744073709551616 is out of range",
        ),
    ],
)
def test_bad_polis_comments_name_the_line(tmp_path, content, message):
    path = tmp_path / "comments.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_polis_comments(path)

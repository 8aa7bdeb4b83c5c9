"""The pure participation policy, as a full table: every action, every
verification level, every requirement a process may set, and the windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from participai.participation import policy
from participai.participation.policy import Window, refusal, satisfies

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
OPEN = Window(opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=1))
UPCOMING = Window(opens=NOW + timedelta(hours=1), closes=NOW + timedelta(days=2))
CLOSED = Window(opens=NOW - timedelta(days=2), closes=NOW - timedelta(hours=1))
LEVELS = ("none", "guest", "confirmed", "account")

# (action, required) → the answer for each level in LEVELS, written out by hand.
TABLE = {
    ("read", "none"): (None, None, None, None),
    ("read", "account"): ("needs_account_to_read",) * 3 + (None,),
    ("contribute", "guest"): ("needs_guest", None, None, None),
    ("contribute", "confirmed"): ("needs_confirmation", "needs_confirmation", None, None),
    ("contribute", "account"): ("needs_account",) * 3 + (None,),
    ("vote", "guest"): ("needs_guest", None, None, None),
    ("vote", "confirmed"): ("needs_confirmation", "needs_confirmation", None, None),
    ("vote", "account"): ("needs_account",) * 3 + (None,),
}
CASES = [
    (action, level, required, expected)
    for (action, required), answers in TABLE.items()
    for level, expected in zip(LEVELS, answers, strict=True)
]


def test_the_table_covers_every_action_and_allowed_requirement():
    assert set(TABLE) == {
        (action, required)
        for action, requirements in policy.ALLOWED_REQUIREMENTS.items()
        for required in requirements
    }
    assert policy.ACTIONS == ("read", "contribute", "vote")
    assert policy.VERIFICATION == LEVELS
    # Reading may be public; writing and voting always need at least a pseudonym.
    assert "none" not in policy.ALLOWED_REQUIREMENTS["contribute"]
    assert "none" not in policy.ALLOWED_REQUIREMENTS["vote"]


@pytest.mark.parametrize(("action", "level", "required", "expected"), CASES)
def test_open_published_process(action, level, required, expected):
    assert (
        refusal(action, level=level, required=required, published=True, window=OPEN, now=NOW)
        == expected
    )


@pytest.mark.parametrize(("action", "level", "required", "expected"), CASES)
def test_every_reason_has_a_sentence(action, level, required, expected):
    if expected is not None:
        assert policy.REASONS[expected].endswith(".")


@pytest.mark.parametrize(("action", "level", "required", "_expected"), CASES)
def test_unpublished_refuses_everything_first(action, level, required, _expected):
    # Even an account holder, even reading, even with the window closed.
    for window in (OPEN, UPCOMING, CLOSED):
        assert (
            refusal(
                action, level=level, required=required, published=False, window=window, now=NOW
            )
            == "unpublished"
        )


@pytest.mark.parametrize("action", ["contribute", "vote"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("required", ["guest", "confirmed", "account"])
def test_writing_outside_the_window_is_refused_before_verification(action, level, required):
    # The dates answer first: a guest is told the module is closed, not to sign in.
    common = {"level": level, "required": required, "published": True, "now": NOW}
    assert refusal(action, window=UPCOMING, **common) == "not_open_yet"
    assert refusal(action, window=CLOSED, **common) == "closed"


@pytest.mark.parametrize("window", [OPEN, UPCOMING, CLOSED, None])
def test_reading_ignores_the_window(window):
    assert refusal("read", level="none", required="none", published=True, window=window) is None
    assert (
        refusal("read", level="guest", required="account", published=True, window=window, now=NOW)
        == "needs_account_to_read"
    )


def test_window_edges():
    window = Window(opens=NOW, closes=NOW + timedelta(hours=1))
    assert window.state(NOW - timedelta(microseconds=1)) == "upcoming"
    assert window.state(NOW) == "open"
    assert window.state(NOW + timedelta(minutes=59, seconds=59)) == "open"
    assert window.state(NOW + timedelta(hours=1)) == "closed"
    common = {"level": "account", "required": "guest", "published": True, "window": window}
    assert refusal("vote", now=NOW, **common) is None
    assert refusal("vote", now=NOW + timedelta(hours=1), **common) == "closed"


def test_satisfies_is_an_order():
    for i, level in enumerate(LEVELS):
        for j, required in enumerate(LEVELS):
            assert satisfies(level, required) is (i >= j)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "delete", "level": "account", "required": "guest"}, "unknown action"),
        ({"action": "vote", "level": "admin", "required": "guest"}, "unknown verification"),
        ({"action": "vote", "level": "guest", "required": "anyone"}, "unknown verification"),
        ({"action": "read", "level": "", "required": "none"}, "unknown verification"),
    ],
)
def test_unknown_words_raise(kwargs, message):
    action = kwargs.pop("action")
    with pytest.raises(ValueError, match=message):
        refusal(action, published=True, window=OPEN, now=NOW, **kwargs)


@pytest.mark.parametrize("action", ["contribute", "vote"])
def test_writing_needs_the_window_and_the_time(action):
    common = {"level": "account", "required": "guest", "published": True}
    with pytest.raises(ValueError, match="window"):
        refusal(action, now=NOW, **common)
    with pytest.raises(ValueError, match="window"):
        refusal(action, window=OPEN, **common)


def test_unknown_words_raise_even_when_unpublished():
    # Bad input is a programming error, whatever the process's state.
    with pytest.raises(ValueError):
        refusal("vote", level="guest", required="nobody", published=False)

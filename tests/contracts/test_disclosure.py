import pytest

from participai.contracts.disclosure import MIN_CASES, may_publish_rate, public_count


@pytest.mark.parametrize(
    ("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (6, 6), (120, 120)]
)
def test_counts_under_five_are_suppressed_but_zero_is_shown(count, shown):
    result = public_count(count)
    assert result.value == shown
    assert result.suppressed is (shown is None)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        public_count(-1)


@pytest.mark.parametrize(
    ("cases", "allowed"), [(None, True), (0, False), (MIN_CASES - 1, False), (MIN_CASES, True)]
)
def test_a_rate_is_shown_only_over_five_cases_or_more(cases, allowed):
    assert may_publish_rate(cases) is allowed

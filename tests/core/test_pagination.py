"""CountedPaginator numbers pages from the count it is given, without a COUNT."""

from __future__ import annotations

import pytest

from participai.core.pagination import CountedPaginator


class Rows(list):
    """A list that fails the test if anything asks its length."""

    def count(self, *args):  # Paginator asks ``count()`` first when it exists
        raise AssertionError("the paginator counted the rows")

    def __len__(self):
        raise AssertionError("the paginator counted the rows")


def test_pages_come_from_the_given_count():
    paginator = CountedPaginator(Rows(range(7)), 3, count=7)
    assert paginator.count == 7
    assert paginator.num_pages == 3
    assert list(paginator.page(3).object_list) == [6]
    assert paginator.page(2).has_next()


def test_out_of_range_pages_read_as_the_last_or_the_first():
    paginator = CountedPaginator(Rows(range(7)), 3, count=7)
    assert list(paginator.get_page(99).object_list) == [6]
    assert list(paginator.get_page("x").object_list) == [0, 1, 2]


@pytest.mark.parametrize("count", [0, -4])
def test_an_empty_or_negative_count_is_one_empty_page(count):
    paginator = CountedPaginator(Rows(range(3)), 3, count=count)
    assert paginator.count == 0
    assert list(paginator.get_page(1).object_list) == []

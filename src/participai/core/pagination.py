"""Pagination over a list whose length is kept as a counter.

Django's :class:`~django.core.paginator.Paginator` runs ``COUNT(*)`` over the
whole list to number its pages; on a thread of thousands of comments that is
the costliest query of the page. Where a service keeps the length as a
counter, :class:`CountedPaginator` takes it instead.
"""

from __future__ import annotations

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its length rather than counting it.

    ``count`` must be the number of rows ``object_list`` yields; if the
    counter runs ahead of the rows (a row deleted behind the service's back),
    the last page is short or empty, never an error.
    """

    def __init__(self, object_list, per_page: int, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = max(0, count)

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count

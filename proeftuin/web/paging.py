"""Pages of items that are already known, with the pagination the list macros read."""

from __future__ import annotations

from collections.abc import Sequence

from flask_sqlalchemy.pagination import Pagination


class KnownPage(Pagination):
    """A page whose items and total are known beforehand: from a list, or from a cache."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self._known = (items, total)
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    @classmethod
    def of(cls, rows: Sequence, page: int, per_page: int) -> KnownPage:
        """Return page `page` of the rows."""
        start = (page - 1) * per_page
        return cls(list(rows[start:start + per_page]), len(rows), page, per_page)

    def _query_items(self) -> list:
        return self._known[0]

    def _query_count(self) -> int:
        return self._known[1]

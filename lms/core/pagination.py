"""One page of a longer list, as the ``pager`` macro and the API show it."""

from __future__ import annotations

from dataclasses import dataclass


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page)) if per_page else 1


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

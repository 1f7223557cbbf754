"""Validated paging, shared by pages and API lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from seatwise.core.errors import ValidationError

PAGE_SIZES = (12, 24, 48, 96)
DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def parse_page(page: object, page_size: object, *, default_size: int = DEFAULT_PAGE_SIZE):
    """Parse raw ``page`` / ``page_size`` values, raising ``ValidationError`` on bad input."""
    try:
        number = int(page) if page not in (None, "") else 1
    except (TypeError, ValueError):
        raise ValidationError("page must be a whole number.", details={"field": "page"}) from None
    try:
        size = int(page_size) if page_size not in (None, "") else default_size
    except (TypeError, ValueError):
        raise ValidationError(
            "page_size must be a whole number.", details={"field": "page_size"}
        ) from None
    if number < 1:
        raise ValidationError("page must be 1 or more.", details={"field": "page"})
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}.", details={"field": "page_size"}
        )
    return PageRequest(page=number, page_size=size)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    page_size: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def out_of_range(self) -> bool:
        return self.number > self.num_pages

    @property
    def start_index(self) -> int:
        return 0 if not self.items else (self.number - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return 0 if not self.items else self.start_index + len(self.items) - 1


def page_body(request: PageRequest, items: list, total: int) -> dict:
    """The API's page envelope: ``items`` with the page, its size, the total and the number
    of pages (at least 1)."""
    return {
        "items": items,
        "page": request.page,
        "page_size": request.page_size,
        "total": total,
        "pages": max(1, -(-total // request.page_size)),
    }


def paginate(queryset, request: PageRequest) -> tuple[list, int]:
    """One COUNT and one slice; returns the rows of the page and the total."""
    total = queryset.count()
    rows = list(queryset[request.offset : request.offset + request.page_size]) if total else []
    return rows, total

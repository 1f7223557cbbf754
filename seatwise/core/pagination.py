"""Validated paging, shared by pages and API lists."""

from __future__ import annotations

from dataclasses import dataclass

from seatwise.core.errors import ValidationError

PAGE_SIZES = (12, 24, 48, 96)
DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


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

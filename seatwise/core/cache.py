"""Versioned read caches.

A namespace (``CATALOG`` covers everything that decides a priced catalogue page: vendors,
categories, products, offers, price lists, prices, reseller terms, exchange rates and the
organization tree) has a generation stored in the database. Every write to it calls
``generation_bump`` (services and admin), which increments the generation in the same
transaction.
Readers key their entries by the generation, so a change is visible on the next request in
every process. Entries also expire after ``timeout`` seconds, which bounds how late a
time-dependent value (an exchange rate that starts in the future, the demo clock shift) can
be picked up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from seatwise.core.models import CacheGeneration

CATALOG = "catalog"
DEFAULT_TIMEOUT = 300

T = TypeVar("T")


def generation(name: str) -> int:
    value = CacheGeneration.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0


def _increment(name: str) -> None:
    if CacheGeneration.objects.filter(name=name).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            CacheGeneration.objects.create(name=name, value=1)
    except IntegrityError:  # created by a concurrent writer in between
        CacheGeneration.objects.filter(name=name).update(value=F("value") + 1)


def generation_bump(*, name: str = CATALOG) -> None:
    """Invalidate ``name``'s cached reads. The increment is part of the current transaction,
    so other processes see the new generation exactly when they can see the new data; a
    reader that raced ahead at worst stores fresh data under the old, unused generation."""
    _increment(name)


def cached(
    *,
    name: str,
    key: tuple[Hashable, ...],
    build: Callable[[], T],
    timeout: int = DEFAULT_TIMEOUT,
) -> T:
    """``build()``'s value for ``key`` within the current generation of ``name``."""
    return CacheScope(name, timeout=timeout).get_or_build(key, build)


class CacheScope:
    """One namespace's generation read once (e.g. per request), for several cached reads."""

    def __init__(self, name: str = CATALOG, *, timeout: int = DEFAULT_TIMEOUT):
        self.name = name
        self.timeout = timeout
        self._generation: int | None = None

    @property
    def generation(self) -> int:
        if self._generation is None:
            self._generation = generation(self.name)
        return self._generation

    def adopt(self, value: int | None) -> None:
        """Take the generation another query read along with its rows (the checkout's
        ``cart.snapshot``), unless this scope has read one already."""
        if self._generation is None:
            self._generation = value or 0

    def get_or_build(self, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
        cache_key = f"sw:{self.name}:{self.generation}:{digest}"
        value = cache.get(cache_key)
        if value is None:
            value = build()
            cache.set(cache_key, value, self.timeout)
        return value

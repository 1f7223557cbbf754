"""Upsert: create or update one row by a natural key, writing nothing when it already matches.

Used by loaders that must be idempotent (the demo data, imports). Validation (``full_clean``)
runs only when something is written, and a refused write raises ``ValidationError`` before
anything is saved. With ``cache_namespace``, a write invalidates that cached namespace
(``seatwise.core.cache``) after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from seatwise.core.cache import generation_bump
from seatwise.core.errors import ValidationError

M = TypeVar("M", bound=models.Model)


def _field_value(obj: models.Model, name: str) -> Any:
    """The stored value of ``name``; a foreign key compares by id so nothing is fetched."""
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        return getattr(obj, field.attname)
    return getattr(obj, name)


def _comparable(obj: models.Model, name: str, value: Any) -> Any:
    field = obj._meta.get_field(name)
    if (field.many_to_one or field.one_to_one) and isinstance(value, models.Model):
        return value.pk
    return value


def invalid_error(what: str, exc: DjangoValidationError) -> ValidationError:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    summary = "; ".join(
        f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in details.items()
    )
    return ValidationError(f"The {what} is not valid. {summary}", details=details)


def upsert(
    model: type[M],
    *,
    what: str,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    cache_namespace: str | None = None,
) -> tuple[M, bool, list[str]]:
    """Create or update one row by ``lookup``. Returns (row, created, changed field names).

    Validation (``full_clean``) runs only when something is written, and a refused write
    raises ``ValidationError`` before anything is saved.
    """
    obj = model._default_manager.select_for_update().filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        try:
            obj.full_clean()
        except DjangoValidationError as exc:
            raise invalid_error(what, exc) from exc
        obj.save(force_insert=True)
        if cache_namespace:
            generation_bump(name=cache_namespace)
        return obj, True, list(values)
    changed = [
        name
        for name, value in values.items()
        if _field_value(obj, name) != _comparable(obj, name, value)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        try:
            obj.full_clean()
        except DjangoValidationError as exc:
            raise invalid_error(what, exc) from exc
        obj.save(update_fields=changed)
        if cache_namespace:
            generation_bump(name=cache_namespace)
    return obj, False, changed

"""Before/after fingerprints of the tables the demo writes, so that the command reports what
really changed (rows created, updated, deleted) rather than what it meant to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

Snapshot = dict[type[models.Model], dict[object, tuple[object, ...]]]


@dataclass(frozen=True)
class TableChange:
    label: str
    created: int
    updated: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def take_snapshot(model_list: Iterable[type[models.Model]]) -> Snapshot:
    """Every row's concrete field values, by primary key, for each model."""
    snapshot: Snapshot = {}
    for model in model_list:
        names = [model._meta.pk.attname] + [
            f.attname for f in model._meta.concrete_fields if not f.primary_key
        ]
        rows = model._default_manager.order_by().values_list(*names)
        snapshot[model] = {row[0]: tuple(row) for row in rows}
    return snapshot


def compare(
    before: Snapshot, after: Snapshot, labels: dict[type[models.Model], str]
) -> list[TableChange]:
    """One ``TableChange`` per model, in the order of ``labels``."""
    changes: list[TableChange] = []
    for model, label in labels.items():
        old, new = before.get(model, {}), after.get(model, {})
        common = old.keys() & new.keys()
        changes.append(
            TableChange(
                label=label,
                created=len(new.keys() - old.keys()),
                updated=sum(1 for pk in common if old[pk] != new[pk]),
                deleted=len(old.keys() - new.keys()),
            )
        )
    return changes

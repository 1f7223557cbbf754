"""``manage.py demo_data``: load the demo organizations, people, catalogue and prices.

Safe to run again: a second run changes nothing and says so.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from seatwise.demo import DEMO_PASSWORD
from seatwise.demo.data.organizations import ADMIN_EMAIL
from seatwise.demo.loader import DemoResult, demo_data_load


class Command(BaseCommand):
    help = (
        "Load realistic demo data: a provider, resellers, customers, users, a catalogue of "
        "offers and their prices. Idempotent: running it again changes nothing."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = demo_data_load()
        for line in render(result):
            self.stdout.write(line)


def render(result: DemoResult) -> list[str]:
    if not result.changed:
        lines = ["Demo data is already in place: nothing changed."]
    else:
        lines = [
            f"Demo data loaded: {result.created} rows created, {result.updated} updated, "
            f"{result.deleted} deleted."
        ]
        width = max(len(change.label) for change in result.changes)
        for change in result.changes:
            if not change.changed:
                continue
            parts = [
                f"{count} {word}"
                for count, word in (
                    (change.created, "created"),
                    (change.updated, "updated"),
                    (change.deleted, "deleted"),
                )
                if count
            ]
            lines.append(f"  {change.label:<{width}}  {', '.join(parts)}")
    lines.append(
        f"Sign in as {ADMIN_EMAIL} (staff, Django admin) or owner@<organization>.example, "
        f"password {DEMO_PASSWORD}"
    )
    return lines

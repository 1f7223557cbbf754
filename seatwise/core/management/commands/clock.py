"""Show or shift the demo clock: ``clock``, ``clock --shift 30d``, ``clock --reset``."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seatwise.core import clock


class Command(BaseCommand):
    help = "Show the clock, shift it forward for the demo (--shift 30d), or --reset it."

    def add_arguments(self, parser):
        parser.add_argument("--shift", help="Add a duration: 30d, 12h, 90m, -1d")
        parser.add_argument("--reset", action="store_true", help="Back to real time")

    def handle(self, *args, shift=None, reset=False, **options):
        if (shift or reset) and not settings.SEATWISE_CLOCK_SHIFT:
            raise CommandError("The clock shift is off (set SEATWISE_CLOCK_SHIFT=true).")
        if reset:
            clock.set_offset(dt.timedelta(0))
        elif shift:
            try:
                delta = clock.parse_duration(shift)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            clock.set_offset(clock.offset() + delta)
        self.stdout.write(
            f"Seatwise time: {clock.now():%Y-%m-%d %H:%M:%S %Z} (offset {clock.offset()})"
        )

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from seatwise.core import clock, events
from seatwise.core.errors import ValidationError
from seatwise.core.pagination import Page, parse_page

FROZEN = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)


def test_now_is_frozen_by_time_machine():
    with time_machine.travel(FROZEN, tick=False):
        assert clock.now() == FROZEN
        assert clock.today() == dt.date(2026, 3, 31)


def test_the_demo_can_shift_the_clock_forward(settings):
    settings.SEATWISE_CLOCK_SHIFT = True
    with time_machine.travel(FROZEN, tick=False):
        call_command("clock", "--shift", "30d")
        assert clock.now() == FROZEN + dt.timedelta(days=30)
        call_command("clock", "--shift", "2d")
        assert clock.now() == FROZEN + dt.timedelta(days=32)
        call_command("clock", "--reset")
        assert clock.now() == FROZEN


def test_the_shift_is_ignored_when_disabled(settings):
    settings.SEATWISE_CLOCK_SHIFT = True
    clock.set_offset(dt.timedelta(days=5))
    settings.SEATWISE_CLOCK_SHIFT = False
    with time_machine.travel(FROZEN, tick=False):
        assert clock.now() == FROZEN


@pytest.mark.parametrize("text", ["", "5", "3w", "xd"])
def test_parse_duration_rejects_bad_text(text):
    with pytest.raises(ValueError):
        clock.parse_duration(text)


def test_parse_duration_understands_units():
    assert clock.parse_duration("-1d") == dt.timedelta(days=-1)
    assert clock.parse_duration("90m") == dt.timedelta(minutes=90)


@pytest.mark.django_db(transaction=True)
def test_events_are_published_only_after_commit():
    seen = []

    def handler(event):
        seen.append(event.payload)

    events.subscribe("thing.happened", handler)
    try:
        with transaction.atomic():
            events.publish_after_commit("thing.happened", thing_id=1)
            assert seen == []
        assert seen == [{"thing_id": 1}]

        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish_after_commit("thing.happened", thing_id=2)
            raise RuntimeError("roll back")
        assert seen == [{"thing_id": 1}]
    finally:
        events.unsubscribe("thing.happened", handler)


@pytest.mark.django_db(transaction=True)
def test_tasks_are_queued_only_after_commit():
    queued = []

    class FakeTask:
        name = "fake"

        def apply_async(self, args, kwargs, retry=True, retry_policy=None):
            assert retry_policy == {"max_retries": 0}  # one try: the sweeps re-queue
            queued.append((args, kwargs))

    with pytest.raises(RuntimeError), transaction.atomic():
        events.enqueue_after_commit(FakeTask(), 7)
        raise RuntimeError("roll back")
    assert queued == []
    with transaction.atomic():
        events.enqueue_after_commit(FakeTask(), 8, force=True)
    assert queued == [((8,), {"force": True})]


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_is_logged_with_the_task_not_raised(caplog):
    class DownTask:
        name = "orders.provision"

        def apply_async(self, args, kwargs, retry=True, retry_policy=None):
            raise ConnectionError("broker down")

    with transaction.atomic():
        events.enqueue_after_commit(DownTask(), 42)
    assert "Could not queue orders.provision(42,)" in caplog.text


@pytest.mark.parametrize(
    ("page", "size", "message"),
    [
        ("-1", None, "page must be 1 or more."),
        ("0", None, "page must be 1 or more."),
        ("abc", None, "page must be a whole number."),
        (None, "1000", "page_size must be between 1 and 100."),
        (None, "0", "page_size must be between 1 and 100."),
        (None, "x", "page_size must be a whole number."),
    ],
)
def test_parse_page_rejects_bad_values_with_a_message(page, size, message):
    with pytest.raises(ValidationError) as exc:
        parse_page(page, size)
    assert exc.value.message == message


def test_parse_page_defaults_and_page_maths():
    request = parse_page(None, "", default_size=12)
    assert (request.page, request.page_size, request.offset) == (1, 12, 0)
    page = Page(items=list(range(5)), number=3, page_size=5, total=13)
    assert (page.num_pages, page.has_next, page.has_previous) == (3, False, True)
    assert (page.start_index, page.end_index) == (11, 15)
    assert Page(items=[], number=1, page_size=5, total=0).num_pages == 1

"""A task travels through the configured broker (filesystem by default, Redis in CI's second
run) to a real worker, not the eager shortcut."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from seatwise.notifications.tasks import mailbox_prune_task


@pytest.fixture
def real_broker(settings, tmp_path):
    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_transport_options": dict(app.conf.broker_transport_options or {}),
    }
    app.conf.task_always_eager = False
    # An eager .delay() earlier in the session built the producer and connection pools with
    # the default transport options; rebuild them for this broker.
    app.amqp._producer_pool = None
    app._pool = None
    if app.conf.broker_url.startswith("filesystem://"):
        queue = tmp_path / "broker"
        (queue / "out").mkdir(parents=True)
        (queue / "processed").mkdir()
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue / "out"),
            "data_folder_out": str(queue / "out"),
            "processed_folder": str(queue / "processed"),
            "control_folder": str(queue / "control"),
        }
    try:
        yield app
    finally:
        app.conf.update(saved)
        app.amqp._producer_pool = None
        app._pool = None


def test_a_task_reaches_a_worker_through_the_broker(real_broker, settings):
    folder = settings.MAILBOX_DIR / "email"
    folder.mkdir(parents=True)
    old = folder / "old.log"
    old.write_text("x")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))

    with start_worker(real_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        mailbox_prune_task.delay()
        deadline = time.monotonic() + 20
        while old.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not old.exists()

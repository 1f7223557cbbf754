"""Post-commit task queueing and event publishing.

An app tells the apps above it about something by publishing an event; subscribers register
a handler for the event name (in their ``AppConfig.ready``). Both tasks and events fire only
after the surrounding transaction commits, so a rolled-back write never leaks a side effect.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from seatwise.core import clock

logger = logging.getLogger(__name__)

Handler = Callable[["Event"], None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any]
    occurred_at: Any = field(default_factory=clock.now)


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    if handler in _subscribers[name]:
        _subscribers[name].remove(handler)


def _dispatch(event: Event) -> None:
    for handler in list(_subscribers.get(event.name, ())):
        handler(event)


def publish_after_commit(name: str, **payload: Any) -> Event:
    """Publish ``name`` to its subscribers once the current transaction commits."""
    event = Event(name=name, payload=payload)
    transaction.on_commit(lambda: _dispatch(event), robust=False)
    return event


def enqueue_after_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task once the current transaction commits. Pass ids, not objects.

    A broker failure here is logged (with the task's name and arguments), not raised and not
    retried in place: the caller's data is already committed, and the periodic sweeps
    re-queue what was not sent."""

    def send() -> None:
        try:
            # One try: a broker that is down fails at once instead of holding the request
            # (kombu's default policy retries, and without a policy it reconnects slowly).
            task.apply_async(args, kwargs, retry=True, retry_policy={"max_retries": 0})
        except Exception:
            logger.warning(
                "Could not queue %s%r; a periodic sweep will", getattr(task, "name", task), args
            )

    transaction.on_commit(send, robust=True)

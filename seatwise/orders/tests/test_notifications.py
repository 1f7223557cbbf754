"""The order e-mails render in every channel (seatwise/notifications/tests/test_rendering.py
needs these sample contexts too, and the Ukrainian catalogue their translations)."""

import pytest

from seatwise.notifications.registry import EVENTS
from seatwise.notifications.rendering import notification_render

SAMPLE_CONTEXT = {
    name: {"name": "Olga", "number": "24-11-2026 27131", "total": "120.00 USD"}
    for name in ("orders.placed", "orders.paid", "orders.completed", "orders.failed")
}


def test_the_order_events_are_registered():
    assert set(SAMPLE_CONTEXT) <= set(EVENTS)


@pytest.mark.parametrize("event", sorted(SAMPLE_CONTEXT))
def test_every_order_event_renders_every_channel(event):
    for language in ("en", "uk"):
        rendered = notification_render(
            event=event, context=SAMPLE_CONTEXT[event], language=language
        )
        assert rendered.subject and "\n" not in rendered.subject
        assert "24-11-2026 27131" in rendered.subject
        assert rendered.text.strip() and rendered.text.endswith("\n")
        assert rendered.sms and "\n" not in rendered.sms
        assert "{{" not in rendered.text + rendered.sms
        assert "%(" not in rendered.text + rendered.sms + rendered.subject


def test_placed_in_english():
    rendered = notification_render(
        event="orders.placed", context=SAMPLE_CONTEXT["orders.placed"], language="en"
    )
    assert rendered.subject == "Your Seatwise order 24-11-2026 27131 is placed"
    assert rendered.text == (
        "Hello Olga,\n"
        "\n"
        "Thank you: your order 24-11-2026 27131 is placed.\n"
        "Total: 120.00 USD\n"
        "\n"
        "You can follow it in My account → Orders.\n"
        "\n"
        "The Seatwise team\n"
    )
    assert rendered.sms == "Seatwise: order 24-11-2026 27131 placed, total 120.00 USD."
